"""The diversity audit: who the rig draws, measured.

For a set of persona specs it renders each look, measures skin tone from pixels (measure.py),
takes apparent age and gender presentation from the look's own parameters (the rig decides
them, so they are reported as rig parameters: there is no classifier here guessing from the
image), and compares each spread with an even one:

* skin: evenly spread over the ten Monk tones, checked on the three tone groups (light 1-3,
  medium 4-7, deep 8-10, expected 30/40/30 %) and, from 50 personas up, on all ten tones;
* presentation (feminine / masculine / androgynous) and age (young / adult / mature): thirds.

An axis is flagged imbalanced when a chi-square goodness-of-fit test rejects the even spread
at p < 0.01 (from 2 personas per bucket up), or when the largest bucket holds more than 3x
the smallest relative to its expected share (from 10 per bucket up; an empty bucket counts as
infinitely far). Below those sizes an axis is reported as too small to judge.

    entries = audit_specs(specs)
    report = summarise(entries)            # counts, shares, tests, flags
    shift = spread_shift(existing_specs, new_spec)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from .look import AGES, PRESENTATIONS, Look, look_from_spec
from .measure import SkinReading, measure_look
from .monk import MST_GROUPS, N_TONES, group_of
from .stats import chi2_distance, chi2_fit, max_min_ratio, total_variation

P_THRESHOLD = 0.01
RATIO_THRESHOLD = 3.0
MIN_PER_BUCKET_CHI2 = 2
MIN_PER_BUCKET_RATIO = 10


@dataclass(frozen=True)
class Entry:
    """One audited persona."""

    name: str
    source: str  # "approved", "random", or a file name
    look: Look
    skin: SkinReading
    thumbnail: Image.Image | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "skin_measured": self.skin.to_json(),
            "skin_rig": self.look.skin_tone,
            "mst_group": group_of(self.skin.tone),
            "presentation": self.look.presentation,
            "age": self.look.age,
            "hair_style": self.look.hair_style,
            "seed": self.look.seed,
        }


def axes() -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    """Each audited axis: its buckets and their expected shares."""
    groups = tuple(MST_GROUPS)
    return {
        "mst_group": (groups, tuple(len(MST_GROUPS[g]) / N_TONES for g in groups)),
        "mst": (tuple(str(t) for t in range(1, N_TONES + 1)), tuple([1 / N_TONES] * N_TONES)),
        "presentation": (PRESENTATIONS, tuple([1 / len(PRESENTATIONS)] * len(PRESENTATIONS))),
        "age": (AGES, tuple([1 / len(AGES)] * len(AGES))),
    }


def bucket(entry: Entry, axis: str) -> str:
    if axis == "mst_group":
        return group_of(entry.skin.tone)
    if axis == "mst":
        return str(entry.skin.tone)
    return str(getattr(entry.look, axis))


def audit_looks(items: Iterable[tuple[str, str, Look]], thumbnails: bool = False) -> list[Entry]:
    out = []
    for name, source, look in items:
        reading, image = measure_look(look)
        out.append(
            Entry(name, source, look, reading, image.resize((96, 96), Image.Resampling.LANCZOS) if thumbnails else None)
        )
    return out


def audit_specs(specs: Sequence[dict[str, Any]], source: str = "approved", thumbnails: bool = False) -> list[Entry]:
    return audit_looks(((str(s.get("name") or "?"), source, look_from_spec(s)) for s in specs), thumbnails)


def axis_summary(entries: Sequence[Entry], axis: str) -> dict[str, Any]:
    names, probs = axes()[axis]
    counts = [sum(1 for e in entries if bucket(e, axis) == b) for b in names]
    n = len(entries)
    k = len(names)
    stat, p = chi2_fit(counts, probs)
    ratio = max_min_ratio(counts, probs)
    judged_chi2 = n >= MIN_PER_BUCKET_CHI2 * k
    judged_ratio = n >= MIN_PER_BUCKET_RATIO * k
    reasons = []
    if judged_chi2 and p < P_THRESHOLD:
        reasons.append(f"chi-square p = {p:.2g} < {P_THRESHOLD}")
    if judged_ratio and ratio > RATIO_THRESHOLD:
        reasons.append(f"max/min share ratio {'inf' if math.isinf(ratio) else f'{ratio:.2f}'} > {RATIO_THRESHOLD}")
    return {
        "buckets": list(names),
        "counts": dict(zip(names, counts, strict=True)),
        "shares": {b: (c / n if n else 0.0) for b, c in zip(names, counts, strict=True)},
        "expected": dict(zip(names, probs, strict=True)),
        "chi2": round(stat, 3),
        "p_value": p,
        "max_min_ratio": None if math.isinf(ratio) else round(ratio, 3),
        "total_variation": round(total_variation(counts, probs), 4),
        "distance": round(chi2_distance(counts, probs), 6),
        "judged": judged_chi2,
        "flagged": bool(reasons),
        "reasons": reasons,
    }


def summarise(entries: Sequence[Entry]) -> dict[str, Any]:
    """Spread, tests and flags over all audited axes (see the module docstring for the rule)."""
    summary = {axis: axis_summary(entries, axis) for axis in axes()}
    mismatched = [e.name for e in entries if e.skin.tone != e.look.skin_tone]
    return {
        "n": len(entries),
        "axes": summary,
        "flags": [f"{axis}: " + "; ".join(s["reasons"]) for axis, s in summary.items() if s["flagged"]],
        "skin_rig_vs_measured_mismatches": mismatched,
        "rule": {
            "p_threshold": P_THRESHOLD,
            "ratio_threshold": RATIO_THRESHOLD,
            "min_per_bucket_chi2": MIN_PER_BUCKET_CHI2,
            "min_per_bucket_ratio": MIN_PER_BUCKET_RATIO,
        },
        "method": {
            "skin": "measured from pixels: median of the rendered cheek patch, CIELAB, nearest Monk swatch",
            "presentation": "the rig's own look parameter (not a classifier)",
            "age": "the rig's own look parameter (not a classifier)",
        },
    }


def spread_shift(
    existing_specs: Sequence[dict[str, Any]] | Sequence[Entry], new_spec: dict[str, Any]
) -> dict[str, Any]:
    """How adding `new_spec` moves the spread of `existing_specs` (specs, or already audited
    entries to skip re-rendering): per axis the bucket the new persona lands in, that bucket's
    share before and after, the distance from an even spread (stats.chi2_distance) before and
    after, and whether the
    set gets more or less balanced; plus the flags before and after."""
    before = [e for e in existing_specs if isinstance(e, Entry)]
    specs = [s for s in existing_specs if not isinstance(s, Entry)]
    before += audit_specs(specs, "existing") if specs else []
    new = audit_specs([new_spec], "new")[0]
    after = [*before, new]
    s0, s1 = summarise(before), summarise(after)
    out: dict[str, Any] = {"new": new.to_json(), "axes": {}, "flags_before": s0["flags"], "flags_after": s1["flags"]}
    for axis in ("mst_group", "presentation", "age"):
        a0, a1 = s0["axes"][axis], s1["axes"][axis]
        b = bucket(new, axis)
        tv0, tv1 = a0["distance"], a1["distance"]
        effect = "more balanced" if tv1 < tv0 - 1e-9 else "less balanced" if tv1 > tv0 + 1e-9 else "no change"
        out["axes"][axis] = {
            "bucket": b,
            "share_before": round(a0["shares"][b], 4),
            "share_after": round(a1["shares"][b], 4),
            "expected": round(a0["expected"][b], 4),
            "distance_before": tv0,
            "distance_after": tv1,
            "effect": effect,
        }
    return out
