import { describe, expect, it } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import { recoverMessageAddress } from "viem";
import { SocialApi, SocialError, errorDetail } from "../src/social-api";
import { SocialSession, signInText } from "../src/social-session";
import { parseSiweMessage } from "../src/siwe";

type Call = { url: string; init: RequestInit };

/** A stand-in for the social service behind /social: answers by "METHOD path". */
function fakeFetch(routes: Record<string, (call: Call) => { status?: number; body?: unknown; headers?: Record<string, string> }>) {
  const calls: Call[] = [];
  const fetchFn = async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    const path = new URL(url).pathname.replace(/^\/social/, "");
    const route = routes[`${init.method} ${path}`];
    if (!route) return new Response(JSON.stringify({ detail: "no such route" }), { status: 404 });
    const { status = 200, body, headers = {} } = route({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  };
  return { calls, fetchFn };
}

describe("social API client", () => {
  it("asks the service through the proxy, with the cookie and JSON", async () => {
    const f = fakeFetch({
      "GET /api/personas/1/feed": () => ({ body: { posts: [], next: null } }),
      "POST /api/posts/7/comments": ({ init }) => ({ body: { id: 3, body: JSON.parse(String(init.body)).body } }),
      "DELETE /api/posts/7/like": () => ({ status: 204 }),
      "POST /api/personas/1/rating": () => ({ body: { rating: { mean: 4, count: 1 } } }),
    });
    const api = new SocialApi("http://127.0.0.1:8088/social/", f.fetchFn);
    await api.feed(1, { before: 12, limit: 10 });
    await api.feed(1);
    expect(f.calls.map((c) => c.url)).toEqual(["http://127.0.0.1:8088/social/api/personas/1/feed?before=12&limit=10",
                                               "http://127.0.0.1:8088/social/api/personas/1/feed"]);
    expect(f.calls[0].init).toMatchObject({ method: "GET", credentials: "same-origin", cache: "no-store" });
    expect(await api.comment(7, "hi")).toEqual({ id: 3, body: "hi" });
    expect((f.calls[2].init.headers as any)["content-type"]).toBe("application/json");
    expect(await api.unlike(7)).toBeUndefined();
    expect(await api.rate(1, 4)).toEqual({ rating: { mean: 4, count: 1 } });
    expect(JSON.parse(String(f.calls[4].init.body))).toEqual({ stars: 4 });
  });

  it("keeps a post's comments apart from its comment count", async () => {
    const f = fakeFetch({ "GET /api/posts/5": () => ({ body: { id: 5, comments: [{ id: 1, reply: null }, { id: 2, reply: null }] } }) });
    const detail = await new SocialApi("http://x/social", f.fetchFn).post(5);
    expect(detail.thread.map((c) => c.id)).toEqual([1, 2]);
    expect(detail.comments).toBe(2);
  });

  it("turns error answers into the service's message", async () => {
    const f = fakeFetch({
      "POST /api/posts/1/comments": () => ({ status: 422, body: { detail: [{ loc: ["body", "body"], msg: "at most 1000 characters" }] } }),
      "POST /api/posts/2/comments": () => ({ status: 429, body: { detail: "slow down" }, headers: { "retry-after": "30" } }),
      "POST /api/posts/3/like": () => ({ status: 401, body: { detail: "sign in first" } }),
      "GET /api/personas/9": () => ({ status: 502, body: { detail: "the social service at http://127.0.0.1:8090 is not reachable" } }),
    });
    const api = new SocialApi("http://x/social", f.fetchFn);
    await expect(api.comment(1, "x".repeat(2000))).rejects.toMatchObject({ status: 422, detail: "body: at most 1000 characters" });
    await expect(api.comment(2, "hi")).rejects.toMatchObject({ status: 429, detail: "slow down", retryAfter: 30 });
    await expect(api.like(3)).rejects.toMatchObject({ status: 401 });
    const down = await api.persona(9).catch((e) => e);
    expect(down).toBeInstanceOf(SocialError);
    expect(down.status).toBe(502);
    const offline = await new SocialApi("http://x/social", async () => { throw new TypeError("Failed to fetch"); }).me().catch((e) => e);
    expect(offline).toMatchObject({ status: 0, detail: "the social service is not reachable (Failed to fetch)" });
  });

  it("reads FastAPI's error shapes", () => {
    expect(errorDetail({ detail: "nope" }, "x")).toBe("nope");
    expect(errorDetail({ detail: [{ loc: ["body", "stars"], msg: "less than or equal to 5" }, { msg: "other" }] }, "x"))
      .toBe("stars: less than or equal to 5; other");
    expect(errorDetail(undefined, "500 Internal Server Error")).toBe("500 Internal Server Error");
  });
});

describe("signing in", () => {
  const dev1 = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  const wallet = (account: string | null = dev1.address) => {
    const asked: any[] = [];
    const provider = {
      async request({ method, params }: any) {
        asked.push({ method, params });
        if (method !== "personal_sign") throw new Error("unexpected " + method);
        const message = Buffer.from(params[0].slice(2), "hex").toString("utf8");
        return dev1.signMessage({ message });
      },
    };
    return { asked, session: { provider: account ? provider : null, account } as any };
  };
  const service = () => {
    let signedIn: string | null = null;
    let message = "";
    const f = fakeFetch({
      "POST /api/auth/nonce": () => ({ body: { nonce: "abcdef0123456789", expires_at: 1_900_000_000 } }),
      "POST /api/auth/verify": ({ init }) => {
        const body = JSON.parse(String(init.body));
        message = body.message;
        signedIn = parseSiweMessage(body.message).address;
        return { body: { address: signedIn.toLowerCase() } };
      },
      "GET /api/auth/me": () => ({ body: { address: signedIn } }),
      "POST /api/auth/logout": () => { signedIn = null; return { body: { address: null } }; },
    });
    return { f, message: () => message };
  };

  it("nonce, message, signature, verify; then signed in", async () => {
    const s = service();
    const session = new SocialSession(new SocialApi("http://127.0.0.1:8088/social", s.f.fetchFn));
    expect((await session.check()).status).toBe("signed-out");
    const seen: string[] = [];
    session.subscribe((st) => seen.push(st.status));
    const w = wallet();
    await session.signIn(w.session, { host: "127.0.0.1:8088", origin: "http://127.0.0.1:8088" }, 31337);
    expect(seen).toEqual(["nonce", "signing", "verifying", "signed-in"]);
    expect(session.state.address).toBe(dev1.address);
    expect(signInText(session.state)).toBe(`Signed in as ${dev1.address}`);
    expect(w.asked).toHaveLength(1);
    expect(w.asked[0].params[1]).toBe(dev1.address);
    const parsed = parseSiweMessage(s.message());
    expect(parsed).toMatchObject({ domain: "127.0.0.1:8088", uri: "http://127.0.0.1:8088", chainId: 31337, nonce: "abcdef0123456789" });
    // No expiration: the service would cut the session (a week) down to it.
    expect(parsed.expirationTime).toBeUndefined();
    const signature = JSON.parse(String(s.f.calls.find((c) => c.url.endsWith("/verify"))!.init.body)).signature;
    expect(await recoverMessageAddress({ message: s.message(), signature })).toBe(dev1.address);
    await session.signOut();
    expect(session.state).toMatchObject({ status: "signed-out", address: null });
    expect((await session.check(true)).status).toBe("signed-out");
  });

  it("says why it failed", async () => {
    const s = service();
    const session = new SocialSession(new SocialApi("http://x/social", s.f.fetchFn));
    await expect(session.signIn(wallet(null).session, { host: "x", origin: "http://x" }, 31337)).rejects.toThrow(/connect a wallet/);
    const declined = { provider: { request: async () => { throw Object.assign(new Error("User rejected the request."), { code: 4001 }); } },
                       account: dev1.address } as any;
    await expect(session.signIn(declined, { host: "x", origin: "http://x" }, 31337)).rejects.toThrow();
    expect(session.state.status).toBe("failed");
    expect(signInText(session.state)).toBe("Sign-in failed: You declined the request in your wallet.");
  });

  it("a write that answers 401 ends the session", async () => {
    const s = service();
    const session = new SocialSession(new SocialApi("http://x/social", s.f.fetchFn));
    await session.signIn(wallet().session, { host: "x", origin: "http://x" }, 31337);
    session.expired();
    expect(session.signedIn).toBe(false);
  });
});
