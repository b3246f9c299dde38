"""`python -m audit.mutation`: mutation testing of the contracts (docs/auditor.md).

    python -m audit.mutation                          # every contract of targets.toml, sampled
    python -m audit.mutation --contract RevenueConfig --max-mutants 0 --jobs 1
    python -m audit.mutation --contract FMC --list    # the mutants, without running anything

Exit status: 0 when every clean run passed and no run broke (and, with --min-score, every
contract scored at least that), 1 otherwise or when the tables do not match the tree.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from audit.mutation import config
from audit.mutation.cache import DEFAULT_DIR, Cache
from audit.mutation.config import ConfigError, ImportGraph
from audit.mutation.generate import generate
from audit.mutation.operators import OPERATORS
from audit.mutation.report import DEFAULT_RESULTS, contract_entry, rich_table, write_reports
from audit.mutation.runner import Baseline, Plan, Result, Runner, RunnerError, make_plan

#: Mutants per contract when --max-mutants is not given: what fits `make audit` into its
#: budget on 2 cores (docs/auditor.md says what the sample holds).
DEFAULT_MAX_MUTANTS = 8


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m audit.mutation", description=__doc__.split("\n")[0])
    p.add_argument("--contract", nargs="+", action="extend", metavar="NAME", help="contracts by name (default: all)")
    p.add_argument("--operators", nargs="+", action="extend", metavar="OP", choices=OPERATORS, help="operators")
    p.add_argument(
        "--max-mutants",
        type=int,
        default=DEFAULT_MAX_MUTANTS,
        metavar="N",
        help=f"mutants per contract, a stable spread sample (default {DEFAULT_MAX_MUTANTS}; 0: all)",
    )
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="mutants tested at once")
    p.add_argument("--list", action="store_true", help="print the mutants and stop (no compile, no tests)")
    p.add_argument("--no-cache", action="store_true", help="run every mutant again (results are still recorded)")
    p.add_argument("--min-score", type=float, metavar="FRACTION", help="fail when a contract scores below this")
    p.add_argument("--root", type=Path, default=config.ROOT, help="the project (default: this repository)")
    p.add_argument("--targets", type=Path, help="the contract -> tests table (default: audit/mutation/targets.toml)")
    p.add_argument("--equivalent", type=Path, help="the equivalent mutants (default: audit/mutation/equivalent.toml)")
    p.add_argument("--cache-dir", type=Path, help=f"where results are cached (default: ROOT/{DEFAULT_DIR})")
    p.add_argument("--results", type=Path, help=f"where the reports go (default: ROOT/{DEFAULT_RESULTS})")
    return p


def _list(console: Console, plans: list[Plan], equivalents: dict[str, str]) -> None:
    for plan in plans:
        table = Table(title=f"{plan.target.name}: {len(plan.mutants)} of {plan.generated} mutants ({plan.target.path})")
        table.add_column("id", no_wrap=True)
        table.add_column("line", justify="right")
        table.add_column("function", overflow="fold")
        table.add_column("mutation", overflow="fold")
        for mutant in plan.mutants:
            shown = mutant.description + (" [equivalent]" if mutant.id in equivalents else "")
            table.add_row(mutant.id, str(mutant.line), mutant.function, shown)
        console.print(table)
        if not plan.typed:
            console.print(f"[yellow]{plan.target.name}: the compiler's types were not available: no argument swaps")


def _stale_equivalents(root: Path, plans: list[Plan], equivalents: dict[str, str]) -> list[str]:
    """Listed equivalents of these contracts that no operator generates any more."""
    stale = []
    for plan in plans:
        listed = [i for i in equivalents if i.split(":")[0] == plan.target.name]
        if not listed:
            continue
        ids = {m.id for m in generate(plan.source, plan.target.path, root=root).mutants}
        stale += [i for i in listed if i not in ids]
    return stale


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # A wide table even when the output is not a terminal (a log, `make audit | tee`).
    console = Console() if sys.stdout.isatty() else Console(width=140)
    root: Path = args.root.resolve()
    try:
        targets = config.load_targets(root, args.targets or config.TARGETS)
        equivalents = config.load_equivalents(args.equivalent or config.EQUIVALENT)
    except ConfigError as exc:
        console.print(f"[red]{exc}", highlight=False)
        return 1
    names = args.contract or sorted(targets)
    unknown = [n for n in names if n not in targets]
    if unknown:
        console.print(f"[red]unknown contracts: {', '.join(unknown)} (known: {', '.join(sorted(targets))})")
        return 1
    operators = tuple(op for op in OPERATORS if op in args.operators) if args.operators else OPERATORS
    max_mutants = args.max_mutants or None
    graph = ImportGraph(root)
    plans = [make_plan(root, targets[name], graph, operators, max_mutants) for name in dict.fromkeys(names)]
    if operators == OPERATORS:
        for stale in _stale_equivalents(root, plans, equivalents):
            console.print(f"[yellow]equivalent.toml lists {stale}, which is generated no more: remove it")
    if args.list:
        _list(console, plans, equivalents)
        return 0

    cache = Cache(args.cache_dir or root / DEFAULT_DIR, enabled=not args.no_cache)
    baselines: dict[str, Baseline] = {}
    results: list[Result] = []
    progress = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("killed {task.fields[killed]}  survived {task.fields[survived]}  {task.fields[note]}"),
        TimeElapsedColumn(),
        console=console,
    )
    tasks: dict[str, TaskID] = {}
    tally: dict[str, dict[str, int]] = {}

    def on_result(plan: Plan, result: Result) -> None:
        counts = tally[plan.target.name]
        counts[result.status] = counts.get(result.status, 0) + 1
        progress.update(
            tasks[plan.target.name],
            advance=1,
            killed=counts.get("killed", 0),
            survived=counts.get("survived", 0),
        )

    def on_baseline(plan: Plan, baseline: Baseline) -> None:
        note = f"clean run {baseline.duration:.0f} s" if baseline.passed else "[red]clean run failed"
        progress.update(tasks[plan.target.name], note=note)

    runner = Runner(root, cache, equivalents, jobs=args.jobs, on_result=on_result, on_baseline=on_baseline)
    try:
        with progress:
            for plan in plans:
                tally[plan.target.name] = {}
                tasks[plan.target.name] = progress.add_task(
                    plan.target.name, total=len(plan.mutants), killed=0, survived=0, note=""
                )
            baselines, results = runner.run(plans)
    except RunnerError as exc:
        console.print(f"[red]{exc}", highlight=False)
        return 1
    finally:
        runner.close()

    entries: dict[str, dict[str, Any]] = {
        plan.target.name: contract_entry(plan, results, baselines.get(plan.target.name)) for plan in plans
    }
    json_path, md_path = write_reports(args.results or root / DEFAULT_RESULTS, entries)
    console.print(rich_table(entries))
    console.print(f"reports: {json_path} and {md_path} (each survivor's diff is in both)")

    failed = False
    for name, baseline in sorted(baselines.items()):
        if not baseline.passed:
            failed = True
            console.print(f"[red]{name}: {baseline.detail}", highlight=False)
    for result in results:
        if result.status == "error":
            failed = True
            console.print(f"[red]{result.mutant.id}: the test run broke: {result.detail}", highlight=False)
    if args.min_score is not None:
        for name, entry in sorted(entries.items()):
            if entry["score"] is not None and entry["score"] < args.min_score:
                failed = True
                console.print(f"[red]{name}: score {entry['score']:.3f} is below {args.min_score}")
    return 1 if failed else 0
