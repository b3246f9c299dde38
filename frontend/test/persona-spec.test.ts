import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildSpec, parseTraits, validateSpec } from "../src/persona-spec";

const form = { name: "Kai Tide", handle: "kai_tide", tagline: "Surf and code", backstory: "Grew up by the sea.",
               traits: "calm:0.7, playful:0.4", artStyle: "anime", look: "Blue hair, wetsuit.", palette: "#112233 #AABBCC",
               valence: 0.5, arousal: 0.2 };

describe("persona spec", () => {
  it("accepts the repository's example", () => {
    const example = JSON.parse(readFileSync(new URL("../../docs/examples/persona-nova.json", import.meta.url), "utf8"));
    expect(validateSpec(example)).toEqual([]);
  });
  it("builds a valid spec from the form", () => {
    const spec = buildSpec(form);
    expect(validateSpec(spec)).toEqual([]);
    expect(spec.traits).toEqual([{ name: "calm", intensity: 0.7 }, { name: "playful", intensity: 0.4 }]);
  });
  it("reports schema errors with their path", () => {
    const errors = validateSpec(buildSpec({ ...form, traits: "calm:7", palette: "blue", handle: "Bad Handle" }));
    expect(errors.join("\n")).toMatch(/\/traits\/0\/intensity/);
    expect(errors.join("\n")).toMatch(/\/visual_style\/palette\/0/);
    expect(errors.join("\n")).toMatch(/\/handle/);
    expect(validateSpec({})).not.toEqual([]);
  });
  it("parses traits with a default intensity", () => {
    expect(parseTraits("a, b:1")).toEqual([{ name: "a", intensity: 0.5 }, { name: "b", intensity: 1 }]);
  });
});
