"""Aggregation rules of the protocol, pure functions (no I/O).

- Medians: per persona and per field, the lower median of the observations of at least
  2f+1 operators. With at most f of them arbitrary, at least f values lie on each side
  of the chosen one, so it is bounded by honest values.
- Due personas: never reported, close to the on-chain heartbeat, or moved by at least the
  deviation threshold.
- Tolerance: a signer accepts a report only if every value is close to its own observation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .report import COUNT_FIELDS, Engagement

FIELDS = (*COUNT_FIELDS, "sentiment_bps", "observed_at")


def lower_median(values: Sequence[int]) -> int:
    if not values:
        raise ValueError("the median of nothing")
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def quorum(f: int) -> int:
    """Observations needed for a median: 2f + 1."""
    return 2 * f + 1


def aggregate(observations: Mapping[int, Mapping[int, Engagement]], f: int) -> dict[int, Engagement]:
    """Per-field medians per persona, over `observations` (operator -> persona -> engagement).

    A persona seen by fewer than 2f+1 operators is left out.
    """
    by_persona: dict[int, list[Engagement]] = {}
    for seen in observations.values():
        for pid, e in seen.items():
            by_persona.setdefault(pid, []).append(e)
    out = {}
    for pid, items in sorted(by_persona.items()):
        if len(items) < quorum(f):
            continue
        out[pid] = Engagement(pid, *(lower_median([getattr(e, name) for e in items]) for name in FIELDS))
    return out


@dataclass(frozen=True)
class DuePolicy:
    heartbeat: int  # on-chain heartbeat, seconds
    margin: int  # report this many seconds before it expires
    deviation_bps: int
    sentiment_deviation_bps: int


def why_due(new: Engagement, chain: Mapping[str, int], now: int, policy: DuePolicy) -> str | None:
    """Why persona `new.persona_id` needs a report now (None: it does not)."""
    if not chain.get("updated_at"):
        return "never reported"
    if new.observed_at <= chain["observed_at"]:
        return None  # nothing newer than the chain has
    if now - chain["updated_at"] >= policy.heartbeat - policy.margin:
        return "heartbeat"
    for name in COUNT_FIELDS:
        old, value = chain[name], getattr(new, name)
        if abs(value - old) * 10_000 >= policy.deviation_bps * max(old, 1):
            return f"{name} deviation"
    if abs(new.sentiment_bps - chain["sentiment_bps"]) >= policy.sentiment_deviation_bps:
        return "sentiment deviation"
    return None


def select_due(
    medians: Mapping[int, Engagement],
    chain: Mapping[int, Mapping[str, int]],
    now: int,
    policy: DuePolicy,
    limit: int = 128,
) -> dict[int, str]:
    """The personas to report (at most `limit`, most overdue first), with the reason."""
    due = {}
    for pid, e in medians.items():
        reason = why_due(e, chain.get(pid, {}), now, policy)
        if reason:
            due[pid] = reason
    if len(due) > limit:
        order = sorted(due, key=lambda p: (chain.get(p, {}).get("updated_at", 0), p))
        due = {p: due[p] for p in order[:limit]}
    return due


@dataclass(frozen=True)
class Tolerance:
    counts_bps: int
    sentiment_bps: int
    seconds: int
    slack: int = 10  # absolute slack on counts (small numbers are noisy)


def tolerance_problems(report: Sequence[Engagement], own: Mapping[int, Engagement], tol: Tolerance) -> list[str]:
    """Why this signer must not sign `report` (empty: it may)."""
    problems = []
    for e in report:
        mine = own.get(e.persona_id)
        if mine is None:
            problems.append(f"persona {e.persona_id}: this operator has no observation of it")
            continue
        for name in COUNT_FIELDS:
            value, ref = getattr(e, name), getattr(mine, name)
            if abs(value - ref) > tol.slack and abs(value - ref) * 10_000 > tol.counts_bps * max(ref, 1):
                gap = abs(value - ref) * 100 / max(ref, 1)
                problems.append(
                    f"persona {e.persona_id}: {name} {value} is {gap:.1f}% away from this operator's "
                    f"{ref} (tolerance {tol.counts_bps / 100:g}%)"
                )
        if abs(e.sentiment_bps - mine.sentiment_bps) > tol.sentiment_bps:
            problems.append(
                f"persona {e.persona_id}: sentiment {e.sentiment_bps} is more than {tol.sentiment_bps} "
                f"bps away from this operator's {mine.sentiment_bps}"
            )
        if abs(e.observed_at - mine.observed_at) > tol.seconds:
            problems.append(
                f"persona {e.persona_id}: observed_at {e.observed_at} is more than {tol.seconds}s away "
                f"from this operator's {mine.observed_at}"
            )
    return problems
