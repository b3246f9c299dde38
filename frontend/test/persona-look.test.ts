import { describe, expect, it } from "vitest";
import { PyRandom, hints, lookFromSpec, personaSeed, textSeed } from "../src/persona-look";
// Looks the avatar rig (ai_worker.avatar.look.look_from_spec) computed for these specs: the
// live room's avatar must be the same individual as the persona's pictures.
import rigLooks from "./fixtures/rig-looks.json";

describe("Python's random.Random, as the rig seeds and samples it", () => {
  it("matches CPython for small and multi-word seeds", () => {
    expect(new PyRandom(0n).random()).toBe(0.8444218515250481);
    expect(new PyRandom(2n ** 40n + 5n).random()).toBe(0.5043802970418443);
    expect(new PyRandom(1n).randint(1, 10)).toBe(3);
  });
  it("samples choices with and without weights, and choice", () => {
    expect(new PyRandom(7n).choices1(["a", "b", "c"], [3, 2, 1])).toBe("a");
    expect(new PyRandom(7n).choices1(["a", "b", "c"])).toBe("a");
    expect(new PyRandom(7n).choice([0.33, -0.33])).toBe(-0.33);
  });
  it("derives the rig's text seeds (SHA-256) and sub-generators", () => {
    expect(textSeed(42n, "skin")).toBe(1112608156241521273n);
    const r = new PyRandom(textSeed(42n, "skin"));
    expect([r.random(), r.random(), r.random()]).toEqual([0.21843519798100375, 0.9720425916236417, 0.36037637096494823]);
    expect(new PyRandom(textSeed(42n, "skin")).randint(1, 10)).toBe(4);
  });
});

describe("a persona's look", () => {
  it.each(rigLooks.map((r) => [r.name, r] as const))("is the rig's look for %s", (_name, { spec, look }) => {
    const mine = lookFromSpec(spec as Record<string, unknown>);
    expect({ ...mine, seed: String(mine.seed) }).toEqual(look);
  });
  it("seeds from avatar_seed, else the handle or name, else the id", () => {
    expect(personaSeed({ avatar_seed: 5, name: "X" })).toBe(5n);
    expect(personaSeed({ name: " Nova " })).toBe(personaSeed({ name: "nova" }));
    expect(personaSeed({ handle: "h", name: "n" })).toBe(personaSeed({ name: "h" }));
    expect(personaSeed({}, 7)).toBe(textSeed("fameengine:avatar:id", 7));
  });
  it("reads what the spec states, and nothing else", () => {
    const h = hints({ visual_style: { description: "Silver-haired, round glasses and glasses, a pendant, skin tone 9, clean-shaven, earrings and hoops" },
                      narrative: { backstory: "They and their friends; they help them." } });
    expect(h.hair_colour).toBe("#c9ccd6");
    // one pair of glasses; a word the rig reads twice counts twice, as the rig does
    expect(h.accessories).toEqual(["glasses_round", "earrings", "earrings", "necklace"]);
    expect(h.skin_tone).toBe(9);
    expect(h.facial_hair).toBe("none");
    expect(h.presentation).toBe("androgynous");
    // word boundaries know letters past ASCII: "éhe" holds no "he"
    expect(hints({ narrative: { backstory: "éhe éhe she" } }).presentation).toBe("feminine");
  });
});
