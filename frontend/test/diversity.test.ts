import { describe, expect, it } from "vitest";
import { flagLines } from "../src/diversity";

describe("diversity preview", () => {
  it("names the audit's axes for people and keeps the reasons", () => {
    expect(flagLines(["mst_group: chi-square p = 0.001 < 0.01; max/min share ratio inf > 3.0", "other: x"])).toEqual([
      "Skin tone (Monk scale group): chi-square p = 0.001 < 0.01; max/min share ratio inf > 3.0",
      "other: x",
    ]);
  });
});
