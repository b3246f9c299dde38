"""`make test`'s runner: the suite in two lanes at once, one per core.

The chain lane is `ape test`: the tests that use ape's fixtures (accounts, chain, project),
against the anvil ape starts. The services lane is plain pytest without ape's plugin: the tests
that start their own servers (stacks on free ports, PostgreSQL, Redis, Chromium, the fediverse
peer) or need no chain at all. Which files go to the chain lane is pyproject.toml's
[tool.fame.test-lanes] (a test that needs ape's fixtures in the services lane fails with
"fixture 'accounts' not found": it names the file to move). Everything else under tests/ is the
services lane.

Each lane prints its lines with its name in front, then both summaries come again at the end,
with the exit status of the worse lane.

    python tests/lanes.py [--lane chain|services] [-- extra pytest arguments]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def chain_paths() -> list[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = config["tool"]["fame"]["test-lanes"]["chain"]
    paths = [ROOT / p for p in listed]
    missing = [str(p.relative_to(ROOT)) for p in paths if not p.exists()]
    if missing:
        sys.exit(f"pyproject.toml [tool.fame.test-lanes] names what does not exist: {', '.join(missing)}")
    return paths


def test_files(paths: list[Path]) -> set[Path]:
    out: set[Path] = set()
    for p in paths:
        out.update([p] if p.is_file() else p.rglob("test_*.py"))
    return out


def split_selection(extra: list[str]) -> tuple[list[str], list[str]]:
    """The extra arguments that name tests (paths, node ids) and the others (-k, -x, ...)."""
    named, options = [], []
    for arg in extra:
        path = arg.split("::")[0]
        is_path = not arg.startswith("-") and (ROOT / path).exists()
        (named if is_path else options).append(arg)
    return named, options


def select(files: set[Path], named: list[str]) -> list[str]:
    """`files` (relative paths), or where tests were named, what of them lies in `files`."""
    if not named:
        return [str(p.relative_to(ROOT)) for p in sorted(files)]
    out = []
    for arg in named:
        target = (ROOT / arg.split("::")[0]).resolve()
        if target.is_file():
            out += [arg] if target in files else []
        else:
            out += [str(p.relative_to(ROOT)) for p in sorted(files) if p.is_relative_to(target)]
    return out


def lanes(extra: list[str]) -> dict[str, list[str]]:
    """Each lane's command; a lane none of whose files the extra arguments name is left out."""
    named, options = split_selection(extra)
    chain = {p.resolve() for p in test_files(chain_paths())}
    services = {p.resolve() for p in test_files([TESTS])} - chain
    network = os.environ.get("NETWORK", "ethereum:local:foundry")
    common = ["-p", "no:cacheprovider", "-rfE", "--durations=25", *options]
    commands = {
        "chain": (["ape", "test", "--network", network, *common], select(chain, named)),
        "services": ([sys.executable, "-m", "pytest", "-p", "no:ape_test", *common], select(services, named)),
    }
    return {name: [*argv, *paths] for name, (argv, paths) in commands.items() if paths}


@dataclass
class Lane:
    """One lane's run: its process while it runs, then its exit status, time and lines."""

    name: str
    argv: list[str]
    proc: subprocess.Popen[str] | None = None
    returncode: int | None = None
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    def run(self, width: int) -> None:
        started = time.monotonic()
        # a temporary-folder root of its own: two pytest sessions never tidy each other's folders
        argv = [*self.argv, f"--basetemp={tempfile.mkdtemp(prefix=f'fame-{self.name}-')}"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            print(f"{self.name:<{width}} | {self.lines[-1]}", flush=True)
        self.returncode = self.proc.wait()
        self.seconds = time.monotonic() - started


def summary(lines: list[str]) -> str:
    words = ("passed", "failed", "error", "skipped", "deselected", "collected")
    ends = [
        ln for ln in lines if " in " in ln and any(w in ln for w in words) and not ln.startswith(("FAILED", "ERROR"))
    ]
    return ends[-1].strip("= ") if ends else "(no summary: see its lines above)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lane", choices=["chain", "services"], action="append", help="run only this lane")
    parser.add_argument("extra", nargs="*", help="passed to pytest in every lane (after --)")
    args = parser.parse_args()
    chosen = lanes(args.extra)
    if args.lane:
        chosen = {k: v for k, v in chosen.items() if k in args.lane}
    if not chosen:
        print(f"no test file under tests/ matches {' '.join(args.extra)}: name a path under tests/", file=sys.stderr)
        return 4
    width = max(map(len, chosen))
    runs = [Lane(name, argv) for name, argv in chosen.items()]
    threads = [threading.Thread(target=lane.run, args=(width,), daemon=True) for lane in runs]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    except KeyboardInterrupt:
        for lane in runs:
            if lane.proc is not None:
                lane.proc.terminate()
        return 130
    worst = 0
    print("\nlanes:")
    for lane in runs:
        rc = lane.returncode
        # "no tests collected" is no failure when extra arguments narrowed the run to the other lane
        ok = rc == 0 or (rc == 5 and bool(args.extra))
        worst = worst if ok else max(worst, rc or 1)
        verdict = "ok  " if ok else "FAIL"
        print(f"  {lane.name:<{width}}  {verdict}  {lane.seconds / 60:5.1f} min  {summary(lane.lines)}")
        for ln in lane.lines:
            if ln.startswith(("FAILED ", "ERROR ")):
                print(f"  {'':<{width}}        {ln}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
