import { describe, expect, it } from "vitest";
import { briefJson, emotionName, requestActions, statusName } from "../src/content-model";

const me = "0x00000000000000000000000000000000000000Aa";
const base = { requester: me, status: 1, deadline: 1000n, claimExpires: 0n, challengeEnds: 0n };

describe("content requests", () => {
  it("names statuses and emotion hints", () => {
    expect(statusName(1)).toBe("Open");
    expect(statusName(3)).toBe("Fulfilled");
    expect(statusName(5)).toBe("Released");
    expect(emotionName(0)).toBe("joy");
    expect(emotionName(255)).toMatch(/^any/);
  });
  it("lets the requester cancel an open request and refund it after the deadline", () => {
    expect(requestActions(base, me.toLowerCase(), 500n)).toEqual({ release: false, reject: false, cancel: true, refund: false });
    expect(requestActions(base, me, 1001n).refund).toBe(true);
    expect(requestActions(base, "0x01", 1001n)).toEqual({ release: false, reject: false, cancel: false, refund: false });
  });
  it("treats a lapsed claim like an open request", () => {
    const claimed = { ...base, status: 2, claimExpires: 600n };
    expect(requestActions(claimed, me, 599n).cancel).toBe(false);
    expect(requestActions(claimed, me, 600n).cancel).toBe(true);
  });
  it("allows reject inside the challenge window and release after it, to anyone", () => {
    const fulfilled = { ...base, status: 3, challengeEnds: 700n };
    expect(requestActions(fulfilled, me, 699n)).toEqual({ release: false, reject: true, cancel: false, refund: false });
    expect(requestActions(fulfilled, "0x02", 700n)).toEqual({ release: true, reject: false, cancel: false, refund: false });
  });
  it("writes the worker's canonical brief", () => {
    expect(briefJson("  Nova at the observatory ")).toBe('{"text":"Nova at the observatory"}');
    expect(() => briefJson(" ")).toThrow();
    expect(() => briefJson("x".repeat(1001))).toThrow();
  });
});
