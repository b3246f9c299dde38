import { describe, expect, it } from "vitest";
import { ACTION_UNITS, VISEMES, blend, ease, expression, faceWeights, lipPoint, mouthShape } from "../src/avatar-face";

describe("the avatar's face", () => {
  it("knows the rig's emotions as action units, a neutral face for others", () => {
    expect(expression("joy").AU12).toBe(1);
    expect(expression("Surprise", 0.5).AU1).toBe(0.5);
    expect(Object.keys(expression("nope"))).toEqual([...ACTION_UNITS]);
    expect(Object.values(expression("nope")).every((v) => v === 0)).toBe(true);
    expect(blend(expression("joy"), expression("sadness"), 0.5).AU12).toBeCloseTo(0.5);
  });
  it("has the rig's visemes, rest for unknown names", () => {
    expect(Object.keys(VISEMES)).toEqual(["rest", "AI", "E", "O", "U", "WQ", "MBP", "FV", "L", "etc"]);
    expect(mouthShape("??")).toBe(VISEMES.rest);
  });
  it("opens the mouth with the viseme, closes it for MBP, rounds it for O", () => {
    const calm = expression("calm");
    expect(faceWeights(calm, mouthShape("AI")).open).toBeGreaterThan(0.8);
    const m = faceWeights(calm, mouthShape("MBP"));
    expect(m.open).toBeLessThan(0.05);
    expect(m.press).toBe(1);
    expect(faceWeights(calm, mouthShape("O")).round).toBe(1);
    expect(faceWeights(calm, mouthShape("E")).wide).toBeCloseTo(1);
  });
  it("shows the emotion in brows, lids and mouth corners", () => {
    const rest = mouthShape("rest");
    const joy = faceWeights(expression("joy"), rest, 0);
    const sad = faceWeights(expression("sadness"), rest, 0);
    const anger = faceWeights(expression("anger"), rest, 0);
    const surprise = faceWeights(expression("surprise"), rest, 0);
    expect(joy.smile).toBe(1);
    expect(joy.cheek).toBeGreaterThan(0.5);
    expect(sad.frown).toBeGreaterThan(0.7);
    expect(sad.browInner).toBeGreaterThan(0.4); // inner brows up
    expect(anger.browInner).toBe(-1); // brows pulled down
    expect(surprise.browOuter).toBe(1);
    expect(surprise.eyeOpen).toBe(1);
    expect(surprise.open).toBeGreaterThan(0.4); // jaw drop without speech
    expect(sad.eyeOpen).toBeLessThan(1);
  });
  it("eases toward a target at any frame rate", () => {
    const a = faceWeights(expression("calm"), mouthShape("rest"), 0);
    const b = faceWeights(expression("calm"), mouthShape("AI"), 1);
    expect(ease(a, b, 0).open).toBe(a.open);
    const half = ease(a, b, 0.05).open;
    expect(half).toBeGreaterThan(a.open);
    expect(half).toBeLessThan(b.open);
    expect(ease(a, b, 10).open).toBeCloseTo(b.open);
  });
  it("draws lips whose opening follows the jaw and whose corners follow the smile", () => {
    const top = (w: object) => lipPoint(Math.PI / 2, 0, w)[1];
    const bottom = (w: object) => lipPoint(-Math.PI / 2, 0, w)[1];
    expect(top({ open: 1 }) - bottom({ open: 1 })).toBeGreaterThan(top({}) - bottom({}) + 0.4);
    expect(lipPoint(0, 0, { smile: 1 })[1]).toBeGreaterThan(0.15);
    expect(lipPoint(0, 0, { frown: 1 })[1]).toBeLessThan(-0.15);
    expect(lipPoint(0, 1, { round: 1 })[0]).toBeLessThan(lipPoint(0, 1, {})[0]);
    expect(lipPoint(0, 1, {})[0]).toBeGreaterThan(lipPoint(0, 0, {})[0]); // the outer edge is outside the inner
  });
});
