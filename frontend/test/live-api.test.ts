import { describe, expect, it } from "vitest";
import { LiveApi, LiveError, parseVoucher } from "../src/live-api";

const SIG = "0x" + "ab".repeat(65);
const ME = "0x" + "11".repeat(20);

function api(status: number, body: unknown, seen: { url?: string; init?: RequestInit } = {}) {
  return new LiveApi("http://app/live/", async (url, init) => {
    seen.url = url;
    seen.init = init;
    return new Response(JSON.stringify(body), { status });
  });
}

describe("the live server's HTTP API", () => {
  it("asks for the voucher with the session cookie and reads it", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const v = await api(200, { attendee: ME, attended: 905, deadline: "1800000000", signature: SIG }, seen).voucher(3n);
    expect(seen.url).toBe("http://app/live/api/events/3/voucher");
    expect(seen.init?.method).toBe("POST");
    expect(seen.init?.credentials).toBe("same-origin");
    expect(v).toEqual({ attendee: ME, attended: 905n, deadline: 1800000000n, signature: SIG });
  });
  it("says how much is left when the fan has not stayed long enough", async () => {
    await expect(api(403, { detail: "attended 120 s of 300 s: 180 s left" }).voucher(3n))
      .rejects.toMatchObject({ status: 403, detail: "attended 120 s of 300 s: 180 s left" });
  });
  it("reads attendance, and names an unreachable server", async () => {
    expect(await api(200, { attended: 12.5, required: 300 }).attendance(1n)).toEqual({ attended: 12.5, required: 300 });
    const down = new LiveApi("http://app/live", async () => { throw new TypeError("Failed to fetch"); });
    await expect(down.room(1n)).rejects.toBeInstanceOf(LiveError);
    await expect(down.room(1n)).rejects.toThrow(/not reachable/);
  });
  it("refuses a malformed voucher", () => {
    expect(() => parseVoucher({ attendee: ME, attended: 1, deadline: 2, signature: "0x12" })).toThrow(/malformed/);
    expect(() => parseVoucher({ attendee: "bob", attended: 1, deadline: 2, signature: SIG })).toThrow(/malformed/);
    expect(() => parseVoucher({ attendee: ME, attended: -1, deadline: 2, signature: SIG })).toThrow(/malformed/);
  });
  it("puts the room's socket on the page's host, ws or wss as the page", () => {
    expect(new LiveApi("http://127.0.0.1:8088/live").socketUrl(2n)).toBe("ws://127.0.0.1:8088/live/ws/events/2");
    expect(new LiveApi("https://fame.example/live").socketUrl(2n)).toBe("wss://fame.example/live/ws/events/2");
  });
});
