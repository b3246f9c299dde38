"""Runs the mapped tests against each mutant, each worker in its own copy of the project tree.

A tree is a folder with real copies of what a run changes or reads relative to its root
(contracts/, tests/, ape-config.yaml, pyproject.toml, .build/) and links to everything else of
the project (its Python packages, node_modules, ...). The first tree is compiled once with
`ape compile`; its .build/ is kept aside and put back after every mutant, so ape recompiles
only the mutated contract (and, for a mutated module, the contracts that import it: ape
rebuilds a file when its own text changes, so those get a comment line appended while the
mutant is in place).

For each contract the mapped tests first run on the clean tree: they must pass, and their time
sets the mutants' timeout (TIMEOUT_FACTOR x + TIMEOUT_MARGIN_S). For each mutant:

1. the mutated text is written into the worker's tree;
2. the contract (with its importers) is compiled with the project's compiler settings
   (compiler.py, in a process of its own): an error makes the mutant invalid;
3. `ape test --network ethereum:local:foundry -p no:cacheprovider <mapped tests> -x -q` runs
   in the tree, with a fixed hypothesis seed and no hypothesis database, so that a result
   does not depend on which mutant ran before: exit 1 (a test failed) kills the mutant, exit 0
   means it survived, the timeout means timed out, any other exit (pytest could not run the
   tests, tried twice) is an error: reported, not scored and not cached;
4. the tree is put back.

ape's foundry provider starts its anvil on a free port it picks (`host: auto` in
ape-config.yaml), so workers running at once do not collide.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import audit
from audit.mutation.cache import Cache, baseline_key, mutant_key, source_hash, tests_hash
from audit.mutation.config import ImportGraph, Target
from audit.mutation.generate import Mutant, generate, sample
from audit.mutation.operators import OPERATORS

STATUSES = ("killed", "survived", "timeout", "invalid", "equivalent", "error")
NETWORK = "ethereum:local:foundry"
TIMEOUT_FACTOR = 3.0
TIMEOUT_MARGIN_S = 30.0
COMPILE_TIMEOUT_S = 600.0
PROJECT_COMPILE_TIMEOUT_S = 1800.0
#: the clean run has no baseline to scale from: a generous bound, so that a hang ends
CLEAN_RUN_TIMEOUT_S = 1800.0
#: what a tree holds as real copies; the rest of the project is linked
COPIED = ("contracts", "tests", "ape-config.yaml", "pyproject.toml")
LEFT_OUT = {".git", ".build", ".cache", ".hypothesis", ".pytest_cache", "__pycache__"}
#: appended to an importer of a mutated module, so that ape compiles it again
RECOMPILE_MARK = "\n# mutation testing: compiled again with the mutated module\n"


class RunnerError(Exception):
    """The runs cannot start (the project does not compile, ...)."""


@dataclass(frozen=True)
class Plan:
    """One contract's share of a run: the mutants to try and what the cache keys on."""

    target: Target
    source: str
    mutants: list[Mutant]
    generated: int
    typed: bool
    importers: tuple[str, ...]
    source_hash: str
    tests_hash: str
    operators: tuple[str, ...]
    max_mutants: int | None


@dataclass
class Result:
    mutant: Mutant
    status: str
    duration: float = 0.0
    detail: str = ""
    cached: bool = False


@dataclass
class Baseline:
    passed: bool
    duration: float
    detail: str = ""
    cached: bool = False

    @property
    def timeout(self) -> float:
        return TIMEOUT_FACTOR * self.duration + TIMEOUT_MARGIN_S


@dataclass
class Outcome:
    returncode: int | None  # None: killed at the timeout
    output: str
    duration: float


def make_plan(
    root: Path,
    target: Target,
    graph: ImportGraph,
    operators: tuple[str, ...] = OPERATORS,
    max_mutants: int | None = None,
) -> Plan:
    source = (root / target.path).read_text()
    generated = generate(source, target.path, root=root, operators=operators)
    importers = graph.importers(target.path)
    decided_by = {*graph.dependencies(target.path), *importers}
    for importer in importers:
        decided_by.update(graph.dependencies(importer))
    decided_by.discard(target.path)
    return Plan(
        target=target,
        source=source,
        mutants=sample(generated.mutants, max_mutants),
        generated=len(generated.mutants),
        typed=generated.typed,
        importers=tuple(importers),
        source_hash=source_hash(root, target.path, sorted(decided_by)),
        tests_hash=tests_hash(root, target.tests),
        operators=operators,
        max_mutants=max_mutants,
    )


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line[:300]
    return _tail(output, 1)


def _tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])[-2000:]


class Runner:
    def __init__(
        self,
        root: Path,
        cache: Cache,
        equivalents: dict[str, str],
        jobs: int = 1,
        on_result: Callable[[Plan, Result], None] | None = None,
        on_baseline: Callable[[Plan, Baseline], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.cache = cache
        self.equivalents = equivalents
        self.jobs = max(1, jobs)
        self.on_result = on_result or (lambda plan, result: None)
        self.on_baseline = on_baseline or (lambda plan, baseline: None)
        self._workdir: Path | None = None
        self._base_lock = threading.Lock()
        self._base: Path | None = None
        self._local = threading.local()
        self._tree_numbers = itertools.count()
        self._live: set[subprocess.Popen[str]] = set()
        self._live_lock = threading.Lock()
        self._closed = False

    # -- the whole run ------------------------------------------------------------------------

    def run(self, plans: list[Plan]) -> tuple[dict[str, Baseline], list[Result]]:
        """Every plan's results (cached, equivalent and run), and the clean runs it needed."""
        results: list[Result] = []
        pending: dict[str, list[Mutant]] = {}
        for plan in plans:
            for mutant in plan.mutants:
                if mutant.id in self.equivalents:
                    result = Result(mutant, "equivalent", detail=self.equivalents[mutant.id])
                elif (known := self.cache.get(mutant_key(plan.source_hash, mutant.id, plan.tests_hash))) is not None:
                    result = Result(mutant, known["status"], known["duration"], known.get("detail", ""), cached=True)
                else:
                    pending.setdefault(plan.target.name, []).append(mutant)
                    continue
                results.append(result)
                self.on_result(plan, result)
        baselines: dict[str, Baseline] = {}
        by_name = {plan.target.name: plan for plan in plans}
        needed = [by_name[name] for name in pending]
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="mutation")
        try:
            clean_runs = {pool.submit(self._baseline, plan): plan for plan in needed}
            for clean_run in as_completed(clean_runs):
                plan = clean_runs[clean_run]
                baselines[plan.target.name] = clean_run.result()
                self.on_baseline(plan, baselines[plan.target.name])
            runs = {
                pool.submit(self._mutant, by_name[name], mutant, baselines): by_name[name]
                for name, mutants in pending.items()
                if baselines[name].passed
                for mutant in mutants
            }
            for run in as_completed(runs):
                result = run.result()
                results.append(result)
                self.on_result(runs[run], result)
        except BaseException:
            # Ctrl-C or a failure: stop the running tests now rather than wait for them.
            pool.shutdown(wait=False, cancel_futures=True)
            self.close()
            raise
        pool.shutdown()
        order = {(p.target.name, m.id): i for i, (p, m) in enumerate((p, m) for p in plans for m in p.mutants)}
        results.sort(key=lambda r: order[(r.mutant.contract, r.mutant.id)])
        return baselines, results

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stops the runs still going (their whole process group: ape and its anvil) and removes
        the trees."""
        self._closed = True
        with self._live_lock:
            live = list(self._live)
        for proc in live:
            self._kill(proc)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # -- one contract, one mutant -------------------------------------------------------------

    def _baseline(self, plan: Plan) -> Baseline:
        key = baseline_key(plan.source_hash, plan.tests_hash)
        known = self.cache.get(key)
        if known is not None:
            return Baseline(True, known["duration"], cached=True)
        baseline = self._clean_run(plan)
        if baseline.passed:
            self.cache.put(key, {"duration": round(baseline.duration, 2)})
        return baseline

    def _clean_run(self, plan: Plan) -> Baseline:
        tree = self._tree()
        error = tree.compile_check([plan.target.path, *plan.importers])
        if error is not None:
            return Baseline(False, 0.0, f"the contract as it is does not compile: {error}")
        outcome = tree.run_tests(plan.target.tests, timeout=CLEAN_RUN_TIMEOUT_S)
        if outcome.returncode is None:
            return Baseline(False, outcome.duration, f"the mapped tests took over {CLEAN_RUN_TIMEOUT_S:.0f} s")
        if outcome.returncode != 0:
            detail = f"the mapped tests fail on the clean tree:\n{_tail(outcome.output)}"
            return Baseline(False, outcome.duration, detail)
        return Baseline(True, outcome.duration)

    def _mutant(self, plan: Plan, mutant: Mutant, baselines: dict[str, Baseline]) -> Result:
        if self._closed:
            return Result(mutant, "error", detail="the run was stopped")
        result = self._try(plan, mutant, baselines[plan.target.name].timeout)
        if result.status != "error":
            self.cache.put(
                mutant_key(plan.source_hash, mutant.id, plan.tests_hash),
                {"status": result.status, "duration": round(result.duration, 2), "detail": result.detail},
            )
        return result

    def _try(self, plan: Plan, mutant: Mutant, timeout: float) -> Result:
        """One mutant in this worker's tree: compile, test, put the tree back."""
        tree = self._tree()
        started = time.monotonic()
        try:
            tree.write(plan.target.path, mutant.apply(plan.source))
            for importer in plan.importers:
                tree.append(importer, RECOMPILE_MARK)
            error = tree.compile_check([plan.target.path, *plan.importers])
            if error is not None:
                return Result(mutant, "invalid", time.monotonic() - started, error.splitlines()[0][:300])
            return self._classify(mutant, tree.run_tests(plan.target.tests, timeout=timeout))
        finally:
            tree.restore([plan.target.path, *plan.importers])

    @staticmethod
    def _classify(mutant: Mutant, outcome: Outcome) -> Result:
        if outcome.returncode is None:
            return Result(mutant, "timeout", outcome.duration, f"no result after {outcome.duration:.0f} s")
        if outcome.returncode == 1:
            return Result(mutant, "killed", outcome.duration, _first_failure(outcome.output))
        if outcome.returncode == 0:
            return Result(mutant, "survived", outcome.duration)
        return Result(mutant, "error", outcome.duration, f"exit {outcome.returncode}:\n{_tail(outcome.output)}")

    # -- trees and processes ------------------------------------------------------------------

    def _tree(self) -> Tree:
        tree = getattr(self._local, "tree", None)
        if tree is None:
            base = self._base_tree()
            assert self._workdir is not None
            path = self._workdir / f"worker-{next(self._tree_numbers)}"
            shutil.copytree(base, path, symlinks=True)
            tree = self._local.tree = Tree(self, path)
        return tree

    def _base_tree(self) -> Path:
        with self._base_lock:
            if self._base is None:
                self._workdir = Path(tempfile.mkdtemp(prefix="fame-mutation-"))
                (self._workdir / "tmp").mkdir()
                base = self._workdir / "base"
                populate(self.root, base)
                outcome = self.execute([*ape_command(), "compile"], base, PROJECT_COMPILE_TIMEOUT_S)
                if outcome.returncode != 0:
                    raise RunnerError(f"`ape compile` fails on a copy of the project:\n{_tail(outcome.output)}")
                shutil.copytree(base / ".build", self._workdir / "build")
                self._base = base
            return self._base

    @property
    def build_snapshot(self) -> Path:
        assert self._workdir is not None
        return self._workdir / "build"

    def environment(self, env: dict[str, str] | None = None) -> dict[str, str]:
        """What the runs see (test_environment's by default), with TMPDIR set to a folder of
        this run's work folder, beside the trees and not above them. ape takes a project under
        the temporary folder for a throwaway copy: once a test compiles a source of its own
        (`compilers.compile_source`, as tests/did does), it reloads the manifest's sources from
        the files, the mutated contract looks compiled and its old bytecode is what the tests
        deploy. (Nor may the trees sit under a `.cache` or `.build` folder: ape leaves the
        sources there out of the project.)"""
        env = dict(env or test_environment(self.root))
        if self._workdir is not None:
            env["TMPDIR"] = str(self._workdir / "tmp")
        return env

    def execute(self, argv: list[str], cwd: Path, timeout: float | None, env: dict[str, str] | None = None) -> Outcome:
        """Runs a command in its own process group, so that at the timeout it goes with every
        process it started (ape's anvil)."""
        started = time.monotonic()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=self.environment(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        with self._live_lock:
            self._live.add(proc)
        try:
            output, _ = proc.communicate(timeout=timeout)
            return Outcome(proc.returncode, output, time.monotonic() - started)
        except subprocess.TimeoutExpired:
            self._kill(proc)
            output, _ = proc.communicate()
            return Outcome(None, output, time.monotonic() - started)
        finally:
            with self._live_lock:
                self._live.discard(proc)

    @staticmethod
    def _kill(proc: subprocess.Popen[str]) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class Tree:
    runner: Runner
    path: Path
    #: the text of each file as it was before this tree's first change to it
    _originals: dict[str, str] = field(default_factory=dict)

    def write(self, rel: str, text: str) -> None:
        file = self.path / rel
        self._originals.setdefault(rel, file.read_text())
        file.write_text(text)

    def append(self, rel: str, text: str) -> None:
        self.write(rel, self._originals.get(rel, (self.path / rel).read_text()) + text)

    def restore(self, rels: list[str]) -> None:
        for rel in rels:
            if rel in self._originals:
                (self.path / rel).write_text(self._originals[rel])
        shutil.rmtree(self.path / ".build", ignore_errors=True)
        shutil.copytree(self.runner.build_snapshot, self.path / ".build")

    def compile_check(self, rels: list[str]) -> str | None:
        env = test_environment(self.runner.root)
        package_parent = str(Path(audit.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
        argv = [sys.executable, "-m", "audit.mutation.compiler", str(self.path), *rels]
        outcome = self.runner.execute(argv, self.path, COMPILE_TIMEOUT_S, env)
        if outcome.returncode == 0:
            return None
        return outcome.output.strip() or f"the compiler exited with {outcome.returncode}"

    def run_tests(self, tests: tuple[str, ...], timeout: float | None) -> Outcome:
        outcome = self._run_tests_once(tests, timeout)
        if outcome.returncode not in (0, 1, None):
            # pytest could not run the tests at all; on a loaded machine that is most often
            # ape giving up on its anvil after 20 s of starting: once more before an error.
            outcome = self._run_tests_once(tests, timeout)
        return outcome

    def _run_tests_once(self, tests: tuple[str, ...], timeout: float | None) -> Outcome:
        # No hypothesis database: an example saved by one mutant's failure would otherwise be
        # replayed against the next mutant this worker runs.
        shutil.rmtree(self.path / ".hypothesis", ignore_errors=True)
        return self.runner.execute(test_command(tests), self.path, timeout)


def ape_command() -> list[str]:
    beside = Path(sys.executable).parent / "ape"
    return [str(beside) if beside.exists() else (shutil.which("ape") or "ape")]


def test_command(tests: tuple[str, ...]) -> list[str]:
    return [
        *ape_command(),
        "test",
        "--network",
        NETWORK,
        "-p",
        "no:cacheprovider",
        *tests,
        "-x",
        "-q",
        "--hypothesis-seed=0",
    ]


def test_environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HYPOTHESIS_PROFILE", "default")
    paths = [str(Path(sys.executable).parent), str(root / "node_modules" / ".bin"), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(p for p in paths if p)
    return env


def populate(root: Path, dest: Path) -> None:
    """A tree of the project at `dest`: copies of COPIED and .build/, links to the rest."""
    dest.mkdir(parents=True)
    for entry in sorted(root.iterdir()):
        if entry.name in LEFT_OUT:
            continue
        if entry.name in COPIED:
            if entry.is_dir():
                shutil.copytree(
                    entry,
                    dest / entry.name,
                    symlinks=True,
                    ignore=shutil.ignore_patterns(".hypothesis", ".pytest_cache"),
                )
            else:
                shutil.copy2(entry, dest / entry.name)
        else:
            (dest / entry.name).symlink_to(entry)
    if (root / ".build").is_dir():
        shutil.copytree(root / ".build", dest / ".build")
