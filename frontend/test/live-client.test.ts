import { describe, expect, it } from "vitest";
import { LiveClient, type RoomStatus, type SocketLike } from "../src/live-client";
import type { ServerFrame } from "../src/live-protocol";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closedWith: [number?, string?] | null = null;
  onopen: ((ev: any) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) { this.sent.push(data); }
  close(code?: number, reason?: string) { this.closedWith = [code, reason]; this.readyState = 3; }
  // the server's side
  accept() { this.readyState = 1; this.onopen?.({}); }
  frame(f: unknown) { this.onmessage?.({ data: typeof f === "string" ? f : JSON.stringify(f) }); }
  drop(code: number, reason = "") { this.readyState = 3; this.onclose?.({ code, reason }); }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const client = new LiveClient("ws://app/live/ws/events/1", 1n, {
    makeSocket: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    setTimer: (fn, ms) => { const t = { fn, ms, cleared: false }; timers.push(t); return t; },
    clearTimer: (t) => { (t as { cleared: boolean }).cleared = true; },
    random: () => 1,
    pingMs: 15_000,
  });
  const frames: ServerFrame[] = [];
  const states: RoomStatus[] = [];
  client.onFrame((f) => frames.push(f));
  client.onStatus((s) => states.push(s));
  const pending = () => timers.filter((t) => !t.cleared);
  const fire = (ms: number) => { const t = pending().find((x) => x.ms === ms)!; t.cleared = true; t.fn(); };
  return { client, sockets, timers, frames, states, pending, fire };
}

const welcome = { type: "welcome", you: "0xaa", event: { id: 1, persona_id: 1, ends_at: 9 }, attendees: [], host: false };

describe("the room's client", () => {
  it("connects, passes on well-formed frames and sends the fan's", () => {
    const { client, sockets, frames, states } = setup();
    client.connect();
    expect(sockets[0].url).toBe("ws://app/live/ws/events/1");
    expect(client.send({ type: "chat", text: "too early" })).toBe(false);
    sockets[0].accept();
    expect(states.at(-1)!.state).toBe("open");
    sockets[0].frame(welcome);
    sockets[0].frame("garbage");
    sockets[0].frame({ type: "unknown" });
    sockets[0].frame({ type: "chat", id: 1, from: "0xbb", text: "hi", at: 1 });
    expect(frames.map((f) => f.type)).toEqual(["welcome", "chat"]);
    expect(client.send({ type: "ask", text: "why?" })).toBe(true);
    expect(JSON.parse(sockets[0].sent[0])).toEqual({ type: "ask", text: "why?" });
  });
  it("pings while open", () => {
    const { client, sockets, fire } = setup();
    client.connect();
    sockets[0].accept();
    fire(15_000);
    expect(JSON.parse(sockets[0].sent.at(-1)!)).toEqual({ type: "ping" });
    fire(15_000);
    expect(sockets[0].sent.filter((s) => s.includes("ping"))).toHaveLength(2);
  });
  it("reconnects with a growing backoff after 1013 and lost connections, from the start after a welcome", () => {
    const { client, sockets, states, pending, fire } = setup();
    client.connect();
    sockets[0].accept();
    sockets[0].drop(1013, "server restarting");
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", code: 1013, message: "server restarting", attempt: 1 });
    expect(pending().map((t) => t.ms)).toEqual([500]);
    fire(500);
    expect(sockets).toHaveLength(2);
    sockets[1].drop(1006);
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", attempt: 2, message: "the connection to the room was lost" });
    expect(pending().map((t) => t.ms)).toEqual([1000]);
    fire(1000);
    sockets[2].accept();
    sockets[2].frame(welcome);
    sockets[2].drop(1013);
    expect(pending().map((t) => t.ms)).toEqual([500]);
  });
  it("stops at a refusal and keeps its reason", () => {
    for (const [code, reason, message] of [[1008, "no ticket for event 1", "no ticket for event 1"], [1008, "sign in first", "sign in first"],
                                           [4404, "", "there is no event 1"], [4409, "", "event 1 has ended or was cancelled"]] as const) {
      const { client, sockets, states, pending } = setup();
      client.connect();
      sockets[0].drop(code, reason);
      expect(states.at(-1)).toMatchObject({ state: "refused", code, message });
      expect(pending()).toHaveLength(0);
      expect(sockets).toHaveLength(1);
    }
  });
  it("leaves for good when closed, and ignores the old socket", () => {
    const { client, sockets, states, pending } = setup();
    client.connect();
    sockets[0].accept();
    client.close();
    expect(sockets[0].closedWith).toEqual([1000, "left the room"]);
    expect(states.at(-1)!.state).toBe("closed");
    sockets[0].drop(1006);
    expect(pending()).toHaveLength(0);
    client.connect();
    expect(sockets).toHaveLength(1);
  });
});
