import { describe, expect, it } from "vitest";
import { formatAge, formatBps, formatDuration, formatMultiplier, formatSentiment, formatUnits, parseUnits, shortAddress } from "../src/format";

describe("amounts", () => {
  it("formats base units with grouping and trimmed fractions", () => {
    expect(formatUnits(1234567n * 10n ** 18n)).toBe("1,234,567");
    expect(formatUnits(15n * 10n ** 17n)).toBe("1.5");
    expect(formatUnits(1n, 18, 4)).toBe("0");
    expect(formatUnits(-25n * 10n ** 16n)).toBe("-0.25");
  });
  it("parses what a person types and refuses the rest", () => {
    expect(parseUnits("1,000.5")).toBe(1000500000000000000000n);
    expect(parseUnits("0.000000000000000001")).toBe(1n);
    expect(() => parseUnits("1e18")).toThrow();
    expect(() => parseUnits("-1")).toThrow();
    expect(() => parseUnits("0.0000000000000000001")).toThrow(/decimals/);
  });
  it("round-trips", () => {
    for (const text of ["0", "1", "12.345", "1000000"]) expect(formatUnits(parseUnits(text), 18, 18).replace(/,/g, "")).toBe(text);
  });
});

describe("time", () => {
  it("keeps the two largest units", () => {
    expect(formatDuration(0)).toBe("now");
    expect(formatDuration(59)).toBe("59s");
    expect(formatDuration(3600 + 120 + 5)).toBe("1h 2m");
    expect(formatDuration(30 * 86400)).toBe("30d");
    expect(formatDuration(-5)).toBe("now");
  });
  it("says ago or in", () => {
    expect(formatAge(100, 160)).toBe("1m ago");
    expect(formatAge(200n, 100n)).toBe("in 1m 40s");
  });
});

describe("ratios", () => {
  it("formats multipliers, percents and sentiment", () => {
    expect(formatMultiplier(12_500)).toBe("1.25x");
    expect(formatMultiplier(30_000n)).toBe("3x");
    expect(formatBps(500)).toBe("5%");
    expect(formatBps(1234)).toBe("12.34%");
    expect(formatSentiment(4200)).toBe("+0.42");
    expect(formatSentiment(-10_000)).toBe("-1.00");
  });
  it("shortens addresses", () => {
    expect(shortAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")).toBe("0x7099…79C8");
  });
});
