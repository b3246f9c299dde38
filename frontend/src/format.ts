// Pure formatting helpers (unit-tested in test/format.test.ts).

/** `value` (integer base units) as a decimal string with at most `maxFraction` digits. */
export function formatUnits(value: bigint, decimals = 18, maxFraction = 4): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let fraction = (abs % base).toString().padStart(decimals, "0").slice(0, maxFraction).replace(/0+$/, "");
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + wholeText + (fraction ? "." + fraction : "");
}

/** A decimal string typed by a person ("1,000.5") as base units; throws on anything else. */
export function parseUnits(text: string, decimals = 18): bigint {
  const clean = text.trim().replace(/,/g, "");
  if (!/^\d+(\.\d+)?$/.test(clean)) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const [whole, fraction = ""] = clean.split(".");
  if (fraction.length > decimals) throw new Error(`at most ${decimals} decimals`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** A duration in seconds, short: "2d 3h", "5m 10s", "now". */
export function formatDuration(seconds: number | bigint): string {
  let s = Math.max(0, Math.floor(Number(seconds)));
  if (s === 0) return "now";
  const units: [string, number][] = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** "3m ago" / "in 2h" relative to `now` (both unix seconds). */
export function formatAge(then: number | bigint, now: number | bigint): string {
  const delta = Number(now) - Number(then);
  return delta >= 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(-delta)}`;
}

/** Basis points as a multiplier: 15000 -> "1.5x". */
export function formatMultiplier(bps: number | bigint): string {
  return `${(Number(bps) / 10_000).toFixed(2).replace(/\.?0+$/, "")}x`;
}

/** Basis points as a percent: 500 -> "5%". */
export function formatBps(bps: number | bigint): string {
  return `${(Number(bps) / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

export function formatDate(unix: number | bigint): string {
  return new Date(Number(unix) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** Oracle sentiment in basis points (-10000..10000) as "+0.42". */
export function formatSentiment(bps: number | bigint): string {
  const v = Number(bps) / 10_000;
  return (v >= 0 ? "+" : "") + v.toFixed(2);
}

export function formatCount(n: number | bigint): string {
  return BigInt(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
