import { describe, expect, it } from "vitest";
import {
  BACKOFF_MAX_MS, CHAT_MAX, MoveThrottle, backoffDelay, chatProblem, clampToFloor, closeOutcome, decodePcm16, encodeClientFrame,
  headingOf, parseServerFrame, roomErrorText,
} from "../src/live-protocol";

const A = "0x00000000000000000000000000000000000000aa";

describe("the server's frames", () => {
  it("reads a welcome with its attendees", () => {
    expect(parseServerFrame(JSON.stringify({
      type: "welcome", you: A, event: { id: 1, persona_id: 2, ends_at: 99 }, host: true,
      attendees: [{ address: A, x: 1, z: -2, heading: 0.5 }, { address: "0xbb", x: "no" }],
    }))).toEqual({ type: "welcome", you: A, event: { id: 1, personaId: 2, endsAt: 99 }, host: true,
                   attendees: [{ address: A, x: 1, z: -2, heading: 0.5 }], questions: [] });
  });
  it("reads the open questions of a welcome, and the host coming and going", () => {
    const w = parseServerFrame(JSON.stringify({ type: "welcome", you: A, event: { id: 1 }, attendees: [], host: false,
      questions: [{ type: "question", id: 4, from: A, text: "first?", at: 1 }, { id: 5 }] }));
    expect(w).toMatchObject({ questions: [{ id: "4", from: A, text: "first?" }] });
    expect(parseServerFrame('{"type":"host","present":true}')).toEqual({ type: "host", present: true });
    expect(parseServerFrame('{"type":"host"}')).toBeNull();
  });
  it("reads presence, joined, left, chat and questions", () => {
    expect(parseServerFrame('{"type":"presence","avatars":[{"address":"0xaa","x":0,"z":0}]}'))
      .toEqual({ type: "presence", avatars: [{ address: "0xaa", x: 0, z: 0, heading: 0 }] });
    expect(parseServerFrame('{"type":"joined","address":"0xaa"}')).toEqual({ type: "joined", address: "0xaa" });
    expect(parseServerFrame('{"type":"left","address":"0xaa"}')).toEqual({ type: "left", address: "0xaa" });
    expect(parseServerFrame('{"type":"chat","id":3,"from":"0xaa","text":"hi","at":12}'))
      .toEqual({ type: "chat", id: "3", from: "0xaa", text: "hi", at: 12 });
    expect(parseServerFrame('{"type":"question","id":"q1","from":"0xaa","text":"why?"}'))
      .toEqual({ type: "question", id: "q1", from: "0xaa", text: "why?" });
  });
  it("reads an answer's frames", () => {
    expect(parseServerFrame('{"type":"answer.start","question_id":"q1","emotion":"joy","text":"Hello.","sample_rate":22050,"ai_label":"AI-generated"}'))
      .toEqual({ type: "answer.start", questionId: "q1", emotion: "joy", text: "Hello.", sampleRate: 22050, aiLabel: "AI-generated" });
    expect(parseServerFrame('{"type":"answer.audio","question_id":"q1","seq":2,"at":0.5,"pcm":"AAA=","visemes":[[0,"AI"],[0.1,"MBP"],["x","E"],[0.2]]}'))
      .toEqual({ type: "answer.audio", questionId: "q1", seq: 2, at: 0.5, pcm: "AAA=", visemes: [[0, "AI"], [0.1, "MBP"]] });
    expect(parseServerFrame('{"type":"answer.audio","question_id":"q1","seq":0,"pcm":"","visemes":[]}'))
      .toMatchObject({ at: null });
    expect(parseServerFrame('{"type":"answer.caption","question_id":"q1","text":"Hello.","start":0,"end":0.8}'))
      .toEqual({ type: "answer.caption", questionId: "q1", text: "Hello.", start: 0, end: 0.8 });
    expect(parseServerFrame('{"type":"answer.end","question_id":"q1","duration":1.2}'))
      .toEqual({ type: "answer.end", questionId: "q1", duration: 1.2 });
  });
  it("reads errors and pongs", () => {
    expect(parseServerFrame('{"type":"error","code":"moderated","message":"held"}')).toEqual({ type: "error", code: "moderated", message: "held" });
    expect(parseServerFrame('{"type":"pong"}')).toEqual({ type: "pong" });
  });
  it("drops what is not a well-formed frame", () => {
    for (const raw of ["", "not json", "[]", "null", '{"type":"nope"}', '{"type":"welcome"}', '{"type":"answer.start","question_id":"q","sample_rate":0}',
                       '{"type":"answer.caption","question_id":"q","text":"x","start":0}', '{"type":"chat","text":"no sender"}', '{"type":"joined"}']) {
      expect(parseServerFrame(raw)).toBeNull();
    }
  });
  it("writes the fan's frames as JSON", () => {
    expect(JSON.parse(encodeClientFrame({ type: "move", x: 1, z: 2, heading: 0 }))).toEqual({ type: "move", x: 1, z: 2, heading: 0 });
    expect(JSON.parse(encodeClientFrame({ type: "ask", text: "why?" }))).toEqual({ type: "ask", text: "why?" });
  });
});

describe("closing", () => {
  it("shows the server's reason for a refusal, and does not come back", () => {
    expect(closeOutcome(1008, "no ticket for event 1", 1n)).toEqual({ kind: "refused", message: "no ticket for event 1" });
    expect(closeOutcome(1008, "sign in first", 1n)).toEqual({ kind: "refused", message: "sign in first" });
    expect(closeOutcome(4404, "", 9n)).toEqual({ kind: "refused", message: "there is no event 9" });
    expect(closeOutcome(4409, "", 2n)).toEqual({ kind: "refused", message: "event 2 has ended or was cancelled" });
    expect(closeOutcome(4409, "event 2 was cancelled", 2n).message).toBe("event 2 was cancelled");
  });
  it("comes back after a restart or a lost connection", () => {
    expect(closeOutcome(1013, "", 1n)).toEqual({ kind: "retry", message: "the room server is restarting" });
    expect(closeOutcome(1006, "", 1n).kind).toBe("retry");
    expect(closeOutcome(1011, "internal error", 1n)).toEqual({ kind: "retry", message: "internal error" });
    expect(closeOutcome(1000, "", 1n).kind).toBe("closed");
  });
  it("waits longer after each failed try, up to a ceiling, with some spread", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(0, () => 0)).toBe(400);
    expect(backoffDelay(2, mid)).toBe(1800);
  });
});

describe("moving", () => {
  it("keeps the fan on the 20 x 20 m floor", () => {
    expect(clampToFloor(12, -30)).toEqual({ x: 10, z: -10 });
    expect(clampToFloor(NaN, 3)).toEqual({ x: 0, z: 3 });
  });
  it("sends at most ten moves a second, the latest position last", () => {
    const t = new MoveThrottle(100);
    expect(t.offer(1, 1, 0, 0)).toEqual({ type: "move", x: 1, z: 1, heading: 0 });
    expect(t.offer(1.5, 1, 0, 30)).toBeNull();
    expect(t.offer(2, 1, 0, 60)).toBeNull();
    expect(t.due(90)).toBeNull();
    expect(t.waitMs(90)).toBe(10);
    expect(t.due(100)).toEqual({ type: "move", x: 2, z: 1, heading: 0 });
    expect(t.due(300)).toBeNull();
    expect(t.waitMs(300)).toBeNull();
    expect(t.offer(3, 1, 0, 150)).toBeNull(); // 50 ms after the kept one went
    // over a second of steady walking, no more than ten frames leave
    const u = new MoveThrottle(100);
    let sent = 0;
    for (let ms = 0; ms < 1000; ms += 16) {
      if (u.offer(ms / 100, 0, 0, ms)) sent++;
      if (u.due(ms)) sent++;
    }
    expect(sent).toBeLessThanOrEqual(10);
  });
  it("faces where the fan walks (0 toward the stage)", () => {
    expect(headingOf(0, -1, 2)).toBeCloseTo(0);
    expect(headingOf(1, 0, 0)).toBeCloseTo(Math.PI / 2);
    expect(headingOf(0, 0, 1.25)).toBe(1.25);
  });
});

describe("chat", () => {
  it("takes 1 to 280 characters", () => {
    expect(chatProblem("  ")).toBe("write something first");
    expect(chatProblem("hi")).toBeNull();
    expect(chatProblem("é".repeat(CHAT_MAX))).toBeNull();
    expect(chatProblem("x".repeat(CHAT_MAX + 1))).toMatch(/^at most 280 characters/);
  });
  it("says what an error frame means", () => {
    expect(roomErrorText("moderated", "needs review")).toBe("Held by moderation: needs review.");
    expect(roomErrorText("rate_limited", "")).toMatch(/slow down/);
    expect(roomErrorText("other", "")).toBe("other");
  });
});

describe("PCM16", () => {
  it("decodes little-endian signed samples to -1..1", () => {
    const bytes = new Uint8Array([0x00, 0x00, 0xff, 0x7f, 0x00, 0x80, 0x00, 0x40]);
    const samples = decodePcm16(Buffer.from(bytes).toString("base64"));
    expect(Array.from(samples)).toEqual([0, 32767 / 32768, -1, 0.5]);
  });
});
