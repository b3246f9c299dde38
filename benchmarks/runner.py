"""`python -m benchmarks [SUITE ...]`: compile, start a private anvil, run the suites, report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import signal
import sys
from pathlib import Path

from rich.console import Console
from rich.traceback import Traceback
from web3 import Web3

from .artifacts import APE_MANIFEST, OurContracts, ape_compile
from .chain import BLOCK_INTERVAL_S, HARDFORK, Anvil
from .context import Context, dev_accounts
from .core import SUITES, Row, Suite
from .progress import Steps
from .report import RESULTS_DIR, RunInfo, merge_previous, rich_table, write_reports
from .solidity import SETTINGS
from .suites import load_all


def _vyper_line() -> str | None:
    if not APE_MANIFEST.is_file():
        return None
    for compiler in json.loads(APE_MANIFEST.read_text()).get("compilers", []) or []:
        if compiler.get("name") == "vyper":
            settings = compiler.get("settings", {})
            return (
                f"ours: Vyper {compiler.get('version')} via `ape compile` "
                f"(optimize {settings.get('optimize', 'default')}, EVM {settings.get('evmVersion', 'default')})"
            )
    return None


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="FameEngine gas and speed beside the reference implementations (ratio = ours / anchor).",
    )
    parser.add_argument("suites", nargs="*", metavar="SUITE", help="suites to run (default: all; see --list)")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    parser.add_argument("--no-compile", action="store_true", help="skip `ape compile` and use .build/ as it is")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where bench.md and bench.json go")
    args = parser.parse_args(argv)
    load_all()
    unknown = [name for name in args.suites if name not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}")
    return args


def _on_sigterm(signum, frame):  # turn SIGTERM into SystemExit so anvil is stopped on the way out
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    # Off a terminal (CI logs, pipes) rich would assume 80 columns and wrap every cell.
    out = Console(width=None if sys.stdout.isatty() else 180)
    if args.list:
        for s in SUITES.values():
            out.print(f"{s.name:<14} {s.title}")
        return 0
    selected: list[Suite] = [SUITES[name] for name in (args.suites or list(SUITES))]
    signal.signal(signal.SIGTERM, _on_sigterm)

    rows: list[Row] = []
    info = RunInfo(generated=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
    warnings: list[str] = []
    anvil = Anvil()
    ctx: Context | None = None
    with Steps(Console(stderr=True, width=None if sys.stderr.isatty() else 120)) as steps:
        try:
            if not args.no_compile:
                with steps.step("ape compile (our Vyper contracts)") as step:
                    result = ape_compile()
                    if not result.ok:
                        step.warn("failed: using the last build")
                        tail = "\n".join(result.output.splitlines()[-15:])
                        steps.console.print(f"[yellow]ape compile failed; the last build is used:[/yellow]\n{tail}")
                        where = re.search(r'contract "([^"]+)"', result.output)
                        at = f" (at {where.group(1)})" if where else ""
                        warnings.append(f"`ape compile` failed{at}; figures for our contracts come from the last build")
            with steps.step(f"anvil ({HARDFORK}) on a free loopback port") as step:
                anvil.start()
                step.note(f"{anvil.url}, pid {anvil.pid}")
            w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 120}))
            ctx = Context(w3, anvil, dev_accounts(10), OurContracts(), steps)
            ctx.warnings.extend(warnings)
            clean = ctx.snapshot()
            for s in selected:
                try:
                    with steps.step(f"suite {s.name}: {s.title}"):
                        for row in s.func(ctx):
                            rows.append(row)
                except Exception as exc:  # one broken suite does not hide the others' figures
                    steps.console.print(Traceback.from_exception(type(exc), exc, exc.__traceback__, max_frames=8))
                    info.errors.append(f"suite {s.name}: {type(exc).__name__}: {exc}")
                finally:
                    ctx.revert(clean)
                    clean = ctx.snapshot()
                info.suites.append(s)
        finally:
            anvil.stop()

    version = anvil.version.splitlines()[0].replace(" Version:", "") if anvil.version else "anvil"
    info.toolchain.append(
        f"chain: {version}, hardfork {HARDFORK}, automine (one transaction per block unless a suite batches a block), "
        f"{BLOCK_INTERVAL_S} s between block timestamps"
    )
    if (vyper := _vyper_line()) is not None:
        info.toolchain.append(vyper)
    if ctx is not None:
        for solc in sorted(v.split(".Emscripten")[0] for v in ctx.anchor_solc_versions):
            opt = SETTINGS["optimizer"]
            info.toolchain.append(
                f"anchors: solc-js {solc} (optimizer {'on' if opt['enabled'] else 'off'}, {opt['runs']} runs, "
                f"EVM {SETTINGS['evmVersion']}, legacy pipeline)"
            )
        info.warnings = list(ctx.warnings)
    else:
        info.warnings = warnings

    out.print(rich_table(rows))
    if args.suites and set(args.suites) != set(SUITES):
        # a partial run replaces its own rows in the report and keeps everyone else's
        rows = merge_previous(rows, info, args.out, list(SUITES.values()))
    md, js = write_reports(rows, info, args.out)
    for w in info.warnings:
        out.print(f"[yellow]warning:[/yellow] {w}")
    for e in info.errors:
        out.print(f"[red]error:[/red] {e}")
    out.print(f"written: {_rel(md)}, {_rel(js)}")
    return 1 if info.errors else 0


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
