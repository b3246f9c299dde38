import { describe, expect, it } from "vitest";
import { availableActions, countdown, stateName } from "../src/governance-model";

describe("proposal states", () => {
  it("names the governor's state numbers", () => {
    expect(stateName(0)).toBe("Pending");
    expect(stateName(1)).toBe("Active");
    expect(stateName(5)).toBe("Queued");
    expect(stateName(7)).toBe("Executed");
  });

  it("counts down to the next step in chain time", () => {
    const p = { voteStart: 160n, voteEnd: 3760n, eta: 0n };
    expect(countdown({ ...p, state: "Pending" }, 100n)).toEqual({ label: "voting starts in", seconds: 60n });
    expect(countdown({ ...p, state: "Active" }, 3700n)).toEqual({ label: "voting ends in", seconds: 60n });
    expect(countdown({ ...p, state: "Queued", eta: 5000n }, 4880n)).toEqual({ label: "executable in", seconds: 120n });
    expect(countdown({ ...p, state: "Queued", eta: 5000n }, 5000n)).toEqual({ label: "executable", seconds: 0n });
    expect(countdown({ ...p, state: "Executed" }, 9999n)).toBeNull();
  });

  it("offers only what the state allows", () => {
    const none = { vote: false, contribute: false, queue: false, execute: false, refund: false, claimShares: false };
    expect(availableActions("Pending", 1, false, 0n, 0n, 0n)).toEqual({ ...none, contribute: true });
    expect(availableActions("Active", 1, false, 0n, 0n, 0n)).toEqual({ ...none, vote: true, contribute: true });
    expect(availableActions("Active", 1, true, 0n, 0n, 0n).vote).toBe(false);
    expect(availableActions("Succeeded", 2, true, 5n, 0n, 0n)).toEqual({ ...none, queue: true });
    expect(availableActions("Queued", 2, true, 5n, 200n, 100n).execute).toBe(false);
    expect(availableActions("Queued", 2, true, 5n, 200n, 200n).execute).toBe(true);
    expect(availableActions("Defeated", 4, true, 5n, 0n, 0n)).toEqual({ ...none, refund: true });
    expect(availableActions("Defeated", 4, true, 0n, 0n, 0n).refund).toBe(false);
    expect(availableActions("Executed", 3, true, 5n, 0n, 0n, 10n)).toEqual({ ...none, claimShares: true });
  });
});
