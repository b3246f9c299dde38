"""`make audit` (`python -m audit`): the three campaigns an auditor runs, and one table.

1. mutation: `python -m audit.mutation` (its own report in audit/results/mutation.*), one row
   per contract: the scored mutants are the checks, survivors and timeouts the failures;
2. fuzz: every HTTP API fuzzed from its OpenAPI schema at the deep budget (FAME_FUZZ_DEEP=1),
   one row per service (test module): each fuzzed operation or property is a check;
3. conformance: the standards' clauses (tests/conformance, tests/conformance_offchain), one row
   per standard: each clause is a check, a clause the code is known to break (a strict xfail,
   with its reason) is a known deviation, not a failure.

The table goes to the terminal and to audit/results/summary.md and summary.json. The exit
status is 0 only when no stage failed and every contract reached --min-score.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "audit" / "results"
NETWORK = "ethereum:local:foundry"

#: what each pytest stage runs (paths that do not exist yet are left out, and said so)
FUZZ_TESTS = ("tests/fuzz", "tests/social/test_social_fuzz.py", "tests/oracle/test_oracle_api.py")
CONFORMANCE_TESTS = ("tests/conformance", "tests/conformance_offchain")
STAGES = ("mutation", "fuzz", "conformance")


@dataclass(frozen=True)
class Row:
    """One line of the summary."""

    stage: str
    subject: str
    checks: int
    failures: int
    deviations: int = 0  # known deviations (conformance: strict xfails with their clause)
    skipped: int = 0
    score: float | None = None  # mutation: killed / scored; the others: passed / (checks - deviations)

    @property
    def ok(self) -> bool:
        return self.failures == 0


# ------------------------------------------------------------------------ reading results


def mutation_rows(document: dict[str, Any]) -> list[Row]:
    """Rows of audit.mutation's JSON report (mutation.json), one per contract."""
    rows = []
    for name, entry in sorted(document.get("contracts", {}).items()):
        c = entry["counts"]
        scored = c["mutants"] - c.get("equivalent", 0) - c.get("invalid", 0) - c.get("error", 0)
        rows.append(
            Row(
                "mutation",
                name,
                checks=scored,
                failures=c.get("survived", 0) + c.get("timeout", 0),
                deviations=c.get("equivalent", 0),
                skipped=c.get("invalid", 0) + c.get("error", 0),
                score=entry.get("score"),
            )
        )
    return rows


def _subject(classname: str, file: str | None) -> str:
    """A test module's readable name: tests/conformance/test_erc20.py -> erc20."""
    stem = Path(file).stem if file else classname.split(".")[-1]
    if stem[:1].isupper() and "." in classname:  # a test class: its module is the one before
        stem = classname.split(".")[-2]
    return stem.removeprefix("test_").removesuffix("_fuzz")


def junit_rows(stage: str, xml_text: str) -> list[Row]:
    """Rows of a pytest JUnit XML report, one per test module (parametrized cases count apart)."""
    tally: dict[str, dict[str, int]] = {}
    root = ET.fromstring(xml_text)
    for case in root.iter("testcase"):
        subject = _subject(case.get("classname", ""), case.get("file"))
        t = tally.setdefault(subject, {"checks": 0, "failures": 0, "deviations": 0, "skipped": 0})
        t["checks"] += 1
        kinds = {child.tag for child in case}
        skipped = case.find("skipped")
        if "failure" in kinds or "error" in kinds:
            t["failures"] += 1
        elif skipped is not None and skipped.get("type") == "pytest.xfail":
            t["deviations"] += 1
        elif skipped is not None:
            t["skipped"] += 1
    rows = []
    for subject, t in sorted(tally.items()):
        judged = t["checks"] - t["deviations"] - t["skipped"]
        passed = judged - t["failures"]
        rows.append(Row(stage, subject, **t, score=passed / judged if judged else None))
    return rows


# ------------------------------------------------------------------------ running stages


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def test_command() -> list[str]:
    """The test runner of the pytest stages: `ape test` on the local chain, as `make test`."""
    return [_tool("ape"), "test", "--network", NETWORK, "-p", "no:cacheprovider"]


test_command.__test__ = False  # type: ignore[attr-defined]  # a function named test_*, not a test


def run_pytest_stage(
    stage: str, paths: Sequence[str], *, root: Path, results: Path, env: dict[str, str] | None = None
) -> tuple[list[Row], list[str]]:
    """Run `ape test` on the stage's existing paths with a JUnit report; (rows, notes)."""
    present = [p for p in paths if (root / p).exists()]
    notes = [f"{stage}: {p} does not exist (yet): not run" for p in paths if p not in present]
    if not present:
        return [], notes
    report = results / f"{stage}.junit.xml"
    command = [*test_command(), "-q", *present]
    command += [f"--junitxml={report}", "-o", "junit_family=xunit2"]
    print(f"audit: {stage}: {' '.join(present)}", flush=True)
    done = subprocess.run(command, cwd=root, env={**os.environ, **(env or {})}, check=False)
    if not report.exists():
        return [Row(stage, "(the run)", checks=1, failures=1)], [*notes, f"{stage}: exit {done.returncode}, no report"]
    return junit_rows(stage, report.read_text()), notes


def run_mutation_stage(args: argparse.Namespace, *, root: Path, results: Path) -> tuple[list[Row], list[str]]:
    command = [sys.executable, "-m", "audit.mutation", "--results", str(results), "--jobs", str(args.jobs)]
    if args.max_mutants is not None:
        command += ["--max-mutants", str(args.max_mutants)]
    print("audit: mutation", flush=True)
    done = subprocess.run(command, cwd=root, check=False)
    report = results / "mutation.json"
    if not report.exists():
        return [Row("mutation", "(the run)", checks=1, failures=1)], [f"mutation: exit {done.returncode}, no report"]
    return mutation_rows(json.loads(report.read_text())), []


# ------------------------------------------------------------------------ the table


def _percent(score: float | None) -> str:
    return "—" if score is None else f"{100 * score:.1f}%"


HEADERS = ("stage", "contract, service or standard", "checks", "failures", "known deviations", "skipped", "score")


def table_lines(rows: Iterable[Row]) -> list[list[str]]:
    return [
        [r.stage, r.subject, str(r.checks), str(r.failures), str(r.deviations), str(r.skipped), _percent(r.score)]
        for r in rows
    ]


def markdown(rows: Sequence[Row], notes: Sequence[str], min_score: float, started: str) -> str:
    lines = [
        "# FameEngine audit",
        "",
        f"Generated by `make audit` (`python -m audit`) at {started}. Mutation: the score is killed / scored",
        f"mutants (gate {100 * min_score:g}%); equivalent mutants (audit/mutation/equivalent.toml) are the",
        "known deviations. Fuzz and conformance: one check per test case; a conformance clause the code",
        "is known to break is a strict xfail, counted as a known deviation with its reason in the test.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
        *("| " + " | ".join(cells) + " |" for cells in table_lines(rows)),
    ]
    if notes:
        lines += ["", "## Notes", "", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def verdict(rows: Sequence[Row], min_score: float) -> list[str]:
    """Why the audit fails (empty: it passes)."""
    problems = [f"{r.stage} {r.subject}: {r.failures} failing" for r in rows if r.failures and r.stage != "mutation"]
    problems += [
        f"mutation {r.subject}: score {_percent(r.score)} below {100 * min_score:g}%"
        for r in rows
        if r.stage == "mutation" and r.score is not None and r.score < min_score
    ]
    return problems


def print_table(rows: Sequence[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="FameEngine audit")
    for header in HEADERS:
        table.add_column(header, justify="right" if header in ("checks", "failures", "score") else "left")
    for row, cells in zip(rows, table_lines(rows), strict=True):
        table.add_row(*cells, style=None if row.ok else "red")
    Console().print(table)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m audit", description=__doc__.split("\n\n")[0])
    p.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES), help="what to run (default: all)")
    p.add_argument("--max-mutants", type=int, metavar="N", help="mutants per contract (audit.mutation's option)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="mutants tested at once")
    p.add_argument("--min-score", type=float, default=0.9, metavar="FRACTION", help="mutation gate (default 0.9)")
    p.add_argument("--shallow", action="store_true", help="the fuzz stage at make test's small budget")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--results", type=Path, default=RESULTS, help="where the reports go (default: audit/results)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    args.results.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    notes: list[str] = []
    if "mutation" in args.stages:
        got, said = run_mutation_stage(args, root=args.root, results=args.results)
        rows += got
        notes += said
    if "fuzz" in args.stages:
        env = {} if args.shallow else {"FAME_FUZZ_DEEP": "1"}
        got, said = run_pytest_stage("fuzz", FUZZ_TESTS, root=args.root, results=args.results, env=env)
        rows += got
        notes += said
    if "conformance" in args.stages:
        got, said = run_pytest_stage("conformance", CONFORMANCE_TESTS, root=args.root, results=args.results)
        rows += got
        notes += said
    problems = verdict(rows, args.min_score)
    (args.results / "summary.md").write_text(markdown(rows, [*notes, *problems], args.min_score, started))
    (args.results / "summary.json").write_text(
        json.dumps(
            {
                "generated_at": started,
                "min_score": args.min_score,
                "rows": [asdict(r) for r in rows],
                "notes": notes,
                "problems": problems,
            },
            indent=2,
        )
        + "\n"
    )
    print_table(rows)
    for line in [*notes, *problems]:
        print(f"audit: {line}")
    print(f"audit: written {args.results / 'summary.md'} and summary.json")
    return 1 if problems else 0
