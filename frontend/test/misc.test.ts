import { describe, expect, it } from "vitest";
import { BaseError, ContractFunctionRevertedError, encodeErrorResult, parseAbi } from "viem";
import { linePath } from "../src/chart";
import { emotionalState, emotionLabel } from "../src/emotion";
import { eventsUrl } from "../src/index-api";
import { ipfsUrl } from "../src/ipfs";
import { canClaim, canWithdraw } from "../src/staking-model";
import { reasonInText, revertReason } from "../src/tx/revert-reason";
import { TxTracker, statusText } from "../src/tx/tracker";

describe("revert reasons", () => {
  it("decodes Error(string) from the contract", () => {
    const abi = parseAbi(["error Error(string)"]);
    const data = encodeErrorResult({ abi, errorName: "Error", args: ["launchpad: empty name"] });
    const err = new ContractFunctionRevertedError({ abi: [], data, functionName: "propose_persona" });
    expect(revertReason(new BaseError("outer", { cause: err }))).toBe("launchpad: empty name");
  });
  it("finds the reason in a node's message and recognises a refusal", () => {
    expect(reasonInText("execution reverted: staking: zero amount")).toBe("staking: zero amount");
    expect(revertReason({ code: 4001, message: "User rejected" })).toBe("rejected in the wallet");
  });
});

describe("transaction states", () => {
  it("moves from signing to pending to confirmed or failed", () => {
    const t = new TxTracker();
    const seen: string[] = [];
    t.subscribe((entries) => seen.push(entries[0].status));
    const e = t.start("Vote For");
    t.update(e, { status: "pending", hash: "0x1" });
    t.update(e, { status: "confirmed", block: 7n });
    expect(seen).toEqual(["signing", "pending", "confirmed"]);
    expect(statusText(e)).toBe("confirmed in block 7");
    expect(statusText({ id: 2, label: "x", status: "failed", error: "launchpad: nothing to refund" })).toBe("failed: launchpad: nothing to refund");
  });
});

describe("chart", () => {
  it("scales points into the box", () => {
    expect(linePath([{ t: 0, v: 0 }, { t: 10, v: 10_000 }], 100, 50, 10_000)).toBe("M0.0,50.0 L100.0,0.0");
    expect(linePath([], 100, 50)).toBe("");
    expect(linePath([{ t: 5, v: 5000 }], 100, 50, 10_000)).toBe("M50.0,25.0");
  });
});

describe("emotional state", () => {
  it("labels the quadrants and follows the audience", () => {
    expect(emotionLabel(0.6, 0.3)).toBe("content");
    expect(emotionLabel(-0.5, 0.8)).toBe("tense");
    expect(emotionalState({ valence: 0.6, arousal: 0.3 }, null).valence).toBe(0.6);
    expect(emotionalState({ valence: 0.6, arousal: 0.3 }, -0.9).valence).toBeCloseTo(0.1);
  });
});

describe("urls and staking rules", () => {
  it("builds gateway and index urls", () => {
    expect(ipfsUrl("http://g", "ipfs://bafy", "a b.json")).toBe("http://g/ipfs/bafy?filename=a%20b.json");
    expect(eventsUrl("http://i/api/index", { contract: "FameGovernor", persona_id: 1n, limit: 5 }))
      .toBe("http://i/api/index/events?contract=FameGovernor&persona_id=1&limit=5");
  });
  it("allows withdraw only after unlock and claim only with rewards", () => {
    const p = { id: 1n, personaId: 1n, amount: 5n, multiplierBps: 10_000n, unlockAt: 100n, pending: 0n };
    expect(canWithdraw(p, 99n)).toBe(false);
    expect(canWithdraw(p, 100n)).toBe(true);
    expect(canWithdraw({ ...p, amount: 0n }, 200n)).toBe(false);
    expect(canClaim(p)).toBe(false);
    expect(canClaim({ ...p, pending: 1n })).toBe(true);
  });
});

import { avatarUrl } from "../src/avatar";
describe("avatar", () => {
  it("prefers the spec's reference image, then the latest picture, then a drawn badge", () => {
    const spec = { name: "Nova Lumen", visual_style: { palette: ["#1FB5A8"], reference_images: ["bafyref"] } };
    expect(avatarUrl("http://g", spec, "http://g/ipfs/bafypic")).toBe("http://g/ipfs/bafyref");
    expect(avatarUrl("http://g", { name: "Nova Lumen" }, "http://g/ipfs/bafypic")).toBe("http://g/ipfs/bafypic");
    const badge = decodeURIComponent(avatarUrl("http://g", { name: "Nova Lumen", visual_style: { palette: ["#1FB5A8"] } }));
    expect(badge).toContain(">NL</text>");
    expect(badge).toContain("#1FB5A8");
  });
});

import { revenueModel } from "../src/revenue-model";
describe("revenue model", () => {
  const fn = (name: string) => ({ type: "function", name, inputs: [], outputs: [] });
  it("follows the deployment's ABIs", () => {
    expect(revenueModel([fn("transfer")], true)).toBe("splitter");
    expect(revenueModel([fn("transfer"), fn("claim"), fn("claimable")], true)).toBe("share-token");
    expect(() => revenueModel([fn("transfer")], false)).toThrow(/neither/);
  });
});
