"""Per-contract results: counts, score, each survivor's diff; JSON, Markdown and a rich table.

score = killed / (mutants - equivalent - invalid - errors): a mutant that does not compile is
no fault a test could see, an equivalent one is no fault at all, and an error (the test run
itself broke) says nothing either way; a timed-out mutant counts against the score (the tests
did not catch it in time). None when nothing is left to score.

The results folder keeps one entry per contract: a run over some contracts replaces theirs and
keeps the others' from earlier runs (each entry says when it ran and with which settings).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.table import Table

from audit.mutation.runner import STATUSES, Baseline, Plan, Result

DEFAULT_RESULTS = Path("audit") / "results"
JSON_NAME = "mutation.json"
MARKDOWN_NAME = "mutation.md"
UNSCORED = ("equivalent", "invalid", "error")


def counts_of(statuses: list[str]) -> dict[str, int]:
    counter = Counter(statuses)
    unknown = set(counter) - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown statuses: {sorted(unknown)}")
    return {"mutants": len(statuses), **{status: counter[status] for status in STATUSES}}


def score(counts: dict[str, int]) -> float | None:
    scored = counts["mutants"] - sum(counts[s] for s in UNSCORED)
    return counts["killed"] / scored if scored > 0 else None


def contract_entry(plan: Plan, results: list[Result], baseline: Baseline | None) -> dict[str, Any]:
    mine = [r for r in results if r.mutant.contract == plan.target.name]
    counts = counts_of([r.status for r in mine])
    return {
        "path": plan.target.path,
        "tests": list(plan.target.tests),
        "ran_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "operators": list(plan.operators),
        "max_mutants": plan.max_mutants,
        "generated": plan.generated,
        "sampled": len(plan.mutants),
        "typed": plan.typed,
        "clean_run": None
        if baseline is None
        else {"passed": baseline.passed, "seconds": round(baseline.duration, 1), "detail": baseline.detail},
        "counts": counts,
        "score": score(counts),
        "mutants": [
            {
                "id": r.mutant.id,
                "operator": r.mutant.operator,
                "line": r.mutant.line,
                "function": r.mutant.function,
                "description": r.mutant.description,
                "status": r.status,
                "seconds": round(r.duration, 1),
                "detail": r.detail,
                "cached": r.cached,
            }
            for r in mine
        ],
        "survivors": [
            {
                "id": r.mutant.id,
                "line": r.mutant.line,
                "operator": r.mutant.operator,
                "description": r.mutant.description,
                "diff": r.mutant.diff(plan.source),
            }
            for r in mine
            if r.status == "survived"
        ],
    }


def totals(entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    summed = {key: sum(e["counts"][key] for e in entries.values()) for key in ("mutants", *STATUSES)}
    return {"counts": summed, "score": score(summed)}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


_COLUMNS = ("mutants", "killed", "survived", "equivalent", "timeout", "invalid", "error")
_HEADERS = ("contract", "mutants", "killed", "survived", "equivalent", "timed out", "invalid", "errors", "score")


def _row(name: str, entry: dict[str, Any]) -> list[str]:
    counts = entry["counts"]
    shown = name
    clean_run = entry.get("clean_run")
    if clean_run is not None and not clean_run["passed"]:
        shown += " (clean run failed)"
    return [shown, *(str(counts[c]) for c in _COLUMNS), _percent(entry["score"])]


def rich_table(entries: dict[str, dict[str, Any]], title: str = "Mutation testing") -> Table:
    table = Table(title=title)
    for i, header in enumerate(_HEADERS):
        table.add_column(header, justify="left" if i == 0 else "right")
    for name, entry in sorted(entries.items()):
        table.add_row(*_row(name, entry))
    if len(entries) > 1:
        total = totals(entries)
        table.add_row(*_row("all", total), style="bold")
    return table


def render_markdown(document: dict[str, Any]) -> str:
    entries: dict[str, dict[str, Any]] = document["contracts"]
    lines = [
        "# Mutation testing of the contracts",
        "",
        "Written by `python -m audit.mutation` (docs/auditor.md, section Mutation testing). "
        "score = killed / (mutants - equivalent - invalid - errors).",
        "",
        "| " + " | ".join(_HEADERS) + " |",
        "|---|" + "---:|" * (len(_HEADERS) - 1),
    ]
    for name, entry in sorted(entries.items()):
        lines.append("| " + " | ".join(_row(name, entry)) + " |")
    if len(entries) > 1:
        lines.append("| " + " | ".join(f"**{cell}**" for cell in _row("all", document["totals"])) + " |")
    lines.append("")
    for name, entry in sorted(entries.items()):
        lines += [
            f"## {name}",
            "",
            f"`{entry['path']}`, {entry['sampled']} of {entry['generated']} mutants"
            + (f" (at most {entry['max_mutants']})" if entry["max_mutants"] else "")
            + f", tests: {', '.join(f'`{t}`' for t in entry['tests'])}; run {entry['ran_at']}.",
            "",
        ]
        clean_run = entry.get("clean_run")
        if clean_run is not None and not clean_run["passed"]:
            lines += ["The clean run failed, so no mutant ran:", "", "```", clean_run["detail"], "```", ""]
        if entry["survivors"]:
            lines += [f"{len(entry['survivors'])} survived:", ""]
            for survivor in entry["survivors"]:
                lines += [
                    f"- `{survivor['id']}` line {survivor['line']}, {survivor['description']}",
                    "",
                    "```diff",
                    survivor["diff"].rstrip("\n"),
                    "```",
                    "",
                ]
        others = [m for m in entry["mutants"] if m["status"] in ("timeout", "error")]
        for mutant in others:
            lines.append(f"- {mutant['status']}: `{mutant['id']}` line {mutant['line']}, {mutant['description']}")
        if others:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_reports(results_dir: Path, entries: dict[str, dict[str, Any]]) -> tuple[Path, Path]:
    """Merges this run's entries into the results folder's JSON and rewrites both files."""
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / JSON_NAME
    previous: dict[str, Any] = {}
    if json_path.is_file():
        try:
            previous = json.loads(json_path.read_text()).get("contracts", {})
        except json.JSONDecodeError:
            previous = {}
    merged = {**previous, **entries}
    document = {
        "tool": "python -m audit.mutation",
        "score": "killed / (mutants - equivalent - invalid - error)",
        "contracts": dict(sorted(merged.items())),
        "totals": totals(merged),
    }
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    md_path = results_dir / MARKDOWN_NAME
    md_path.write_text(render_markdown(document))
    return json_path, md_path
