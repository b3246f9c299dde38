import { describe, expect, it } from "vitest";
import { AnswerTimeline, LEAD_S, MIN_AHEAD_S } from "../src/live-timeline";

describe("an answer's timeline", () => {
  it("plays the first chunk a little ahead, the next ones right after it", () => {
    const a = new AnswerTimeline("q1", 22050, "joy", "Hi there.");
    expect(a.position(10)).toBeNull();
    const first = a.placeChunk(0, 0.25, [[0, "AI"], [0.1, "MBP"]], 10);
    expect(first).toBeCloseTo(10 + LEAD_S);
    expect(a.placeChunk(0.25, 0.25, [[0, "E"]], 10.05)).toBeCloseTo(10 + LEAD_S + 0.25);
    // a chunk without `at` follows the audio so far
    expect(a.placeChunk(null, 0.25, [], 10.1)).toBeCloseTo(10 + LEAD_S + 0.5);
    expect(a.audioEnd).toBeCloseTo(0.75);
    expect(a.chunks).toBe(3);
  });
  it("gives the viseme being heard, in chunk-relative time", () => {
    const a = new AnswerTimeline("q1", 22050, "joy", "");
    a.placeChunk(0, 0.25, [[0, "AI"], [0.1, "MBP"]], 0);
    a.placeChunk(0.25, 0.25, [[0, "MBP"], [0.05, "O"]], 0);
    const at = (t: number) => a.visemeAt(a.position(a.origin! + t));
    expect(at(-0.01)).toBe("rest");
    expect(at(0.05)).toBe("AI");
    expect(at(0.12)).toBe("MBP");
    expect(at(0.26)).toBe("MBP");
    expect(at(0.31)).toBe("O");
    expect(at(0.5)).toBe("rest"); // the audio is over
    expect(a.visemeAt(null)).toBe("rest");
  });
  it("shows the caption that covers the moment heard", () => {
    const a = new AnswerTimeline("q1", 22050, "calm", "");
    a.addCue({ start: 0, end: 1.2, text: "Hello there." });
    a.addCue({ start: 1.3, end: 2.0, text: "Ask me anything." });
    a.addCue({ start: 2, end: 2, text: "empty span" });
    expect(a.cueAt(null)).toBeNull();
    expect(a.cueAt(0.5)?.text).toBe("Hello there.");
    expect(a.cueAt(1.25)).toBeNull();
    expect(a.cueAt(1.9)?.text).toBe("Ask me anything.");
    expect(a.cueAt(2.0)).toBeNull();
  });
  it("moves what is still to come later when a chunk arrives late, so captions keep to the audio", () => {
    const a = new AnswerTimeline("q1", 22050, "joy", "");
    a.addCue({ start: 0, end: 0.5, text: "One." });
    a.addCue({ start: 0.62, end: 1.2, text: "Two." });
    a.placeChunk(0, 0.62, [[0, "AI"]], 0); // the first sentence and its gap
    const origin = a.origin!;
    // the second sentence's audio comes 1 s after it should have started
    const late = origin + 0.62 + 1;
    const when = a.placeChunk(0.62, 0.58, [[0, "O"]], late);
    expect(when).toBeCloseTo(late + MIN_AHEAD_S);
    expect(a.origin).toBeCloseTo(late + MIN_AHEAD_S - 0.62);
    expect(a.cueAt(a.position(when + 0.1))?.text).toBe("Two.");
    expect(a.visemeAt(a.position(when + 0.1))).toBe("O");
  });
  it("starts after the previous answer's audio", () => {
    const a = new AnswerTimeline("q2", 22050, "joy", "", 50);
    expect(a.placeChunk(0, 0.25, [], 10)).toBe(50);
    expect(a.clockEnd()).toBeCloseTo(50.25);
  });
  it("is finished once the end frame came and the audio played out", () => {
    const a = new AnswerTimeline("q1", 22050, "joy", "");
    a.placeChunk(0, 1, [], 0);
    expect(a.finished(a.origin! + 2)).toBe(false); // no answer.end yet
    a.end(1);
    expect(a.finished(a.origin! + 0.5)).toBe(false);
    expect(a.finished(a.origin! + 1.001)).toBe(true);
  });
});
