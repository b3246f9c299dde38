import { afterEach, describe, expect, it, vi } from "vitest";
import { PinError, pinBytes, pinUrl } from "../src/ipfs";

// What the app pins for a fan goes to the web app's POST /api/pin on the page's own origin,
// with the session cookie; a 401 signs in (when the caller can) and tries once more.
describe("pinning through the web app", () => {
  afterEach(() => vi.unstubAllGlobals());

  const page = "http://app.example:8088/#/governance";
  const answers = (...replies: Array<[number, unknown]>) => {
    const sent: Array<{ url: string; init: any }> = [];
    vi.stubGlobal("location", { href: page, host: "app.example:8088", origin: "http://app.example:8088" });
    vi.stubGlobal("fetch", async (url: string, init: any) => {
      sent.push({ url, init });
      const [status, body] = replies[Math.min(sent.length, replies.length) - 1];
      return { ok: status < 300, status, text: async () => JSON.stringify(body) };
    });
    return sent;
  };

  it("posts the document to /api/pin of the page's origin, with the cookie", async () => {
    expect(pinUrl("persona.json", page)).toBe("http://app.example:8088/api/pin?name=persona.json");
    const sent = answers([200, { cid: "bafkspec", size: 2, name: "persona.json" }]);
    expect(await pinBytes("{}", "persona.json")).toBe("bafkspec");
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe("http://app.example:8088/api/pin?name=persona.json");
    expect(sent[0].init).toMatchObject({ method: "POST", credentials: "same-origin", body: "{}" });
    expect(sent[0].init.headers["Content-Type"]).toBe("application/json");
  });

  it("signs in on a 401 and pins once more", async () => {
    const sent = answers([401, { detail: "sign in with Ethereum first" }], [200, { cid: "bafkbrief" }]);
    const signIn = vi.fn(async () => {});
    expect(await pinBytes("{}", "brief.json", signIn)).toBe("bafkbrief");
    expect(signIn).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(2);
  });

  it("shows the web app's own reason when it refuses", async () => {
    answers([401, { detail: "sign in with Ethereum first" }]);
    await expect(pinBytes("{}", "brief.json")).rejects.toThrow("pinning failed (401): sign in with Ethereum first");
    answers([413, { detail: "a pinned document is at most 1048576 bytes" }]);
    const err = await pinBytes("{}", "persona.json").catch((e) => e);
    expect(err).toBeInstanceOf(PinError);
    expect(err.status).toBe(413);
    expect(err.message).toContain("at most 1048576 bytes");
    const signIn = vi.fn(async () => { throw new Error("rejected in the wallet"); });
    answers([401, { detail: "sign in with Ethereum first" }]);
    await expect(pinBytes("{}", "persona.json", signIn)).rejects.toThrow("rejected in the wallet");
  });
});
