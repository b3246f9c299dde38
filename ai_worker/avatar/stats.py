"""The few statistics the diversity audit needs (no SciPy in the worker's dependencies): the
chi-square goodness-of-fit test against a uniform spread, via the regularised upper
incomplete gamma function (series and continued fraction, as in Numerical Recipes)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def _gamma_p_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    ap = a
    for _ in range(500):
        ap += 1
        term *= x / ap
        total += term
        if abs(term) < abs(total) * 1e-14:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_q_fraction(a: float, x: float) -> float:
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 500):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-14:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for a chi-square variable with df degrees of freedom."""
    if x <= 0:
        return 1.0
    a, half = df / 2.0, x / 2.0
    if half < a + 1:
        return max(0.0, 1.0 - _gamma_p_series(a, half))
    return min(1.0, _gamma_q_fraction(a, half))


def chi2_fit(counts: Sequence[int], probs: Sequence[float] | None = None) -> tuple[float, float]:
    """Chi-square statistic and p-value of `counts` against expected shares `probs` (None: equal)."""
    n, k = sum(counts), len(counts)
    if n == 0 or k < 2:
        return 0.0, 1.0
    probs = probs or [1 / k] * k
    stat = sum((c - n * q) ** 2 / (n * q) for c, q in zip(counts, probs, strict=True))
    return stat, chi2_sf(stat, k - 1)


def max_min_ratio(counts: Sequence[int], probs: Sequence[float] | None = None) -> float:
    """Largest over smallest of count / expected share (inf when a bucket is empty and others are not)."""
    k = len(counts)
    probs = probs or [1 / k] * k
    rel = [c / q for c, q in zip(counts, probs, strict=True)]
    lo, hi = min(rel), max(rel)
    if hi == 0:
        return 1.0
    return math.inf if lo == 0 else hi / lo


def chi2_distance(counts: Sequence[int], probs: Sequence[float] | None = None) -> float:
    """Pearson's distance of the shares from the expected ones, sum (share - q)^2 / q: 0 when they
    match; unlike total variation it still grows when an already over-full bucket gets fuller."""
    n, k = sum(counts), len(counts)
    if n == 0:
        return 0.0
    probs = probs or [1 / k] * k
    return sum((c / n - q) ** 2 / q for c, q in zip(counts, probs, strict=True))


def total_variation(counts: Sequence[int], probs: Sequence[float] | None = None) -> float:
    """Distance of the spread from the expected one: 0 (matches) .. 1 (disjoint)."""
    n, k = sum(counts), len(counts)
    if n == 0:
        return 0.0
    probs = probs or [1 / k] * k
    return 0.5 * sum(abs(c / n - q) for c, q in zip(counts, probs, strict=True))
