"""The runner's bookkeeping (audit/mutation/runner.py, cache.py, report.py) with the test runs
replaced by a stand-in, the timeout on a real process group, and one end-to-end run of the real
tool (the real compiler, `ape test` on anvil) on a tiny contract and test file written here.

Invariants: a second run takes every result from the cache and runs nothing; a change to the
mapped tests, or --no-cache, runs again; errors are never cached; a listed equivalent mutant is
not run; a failing clean run stops its contract; score = killed / (mutants - equivalent -
invalid - errors); the timeout takes the test run's whole process group with it; end to end,
a mutant the tests notice is killed and one they cannot is survived, with its diff reported.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from audit.mutation import runner as runner_module
from audit.mutation.cache import Cache
from audit.mutation.cli import main
from audit.mutation.config import ImportGraph, Target
from audit.mutation.generate import Mutant
from audit.mutation.report import contract_entry, counts_of, render_markdown, score, totals, write_reports
from audit.mutation.runner import Baseline, Outcome, Plan, Result, Runner, Tree, make_plan

ROOT = Path(__file__).resolve().parents[2]

CONTRACT = """# pragma version ~=0.4.3

counter: public(uint256)


@external
def set_counter(x: uint256):
    assert x < 100, "too big"
    self.counter = x
"""

TESTS = """def test_set(project, accounts):
    tiny = project.Tiny.deploy(sender=accounts[0])
    tiny.set_counter(7, sender=accounts[0])
    assert tiny.counter() == 7
"""


def _project(root: Path) -> Path:
    (root / "contracts").mkdir(parents=True)
    (root / "contracts" / "Tiny.vy").write_text(CONTRACT)
    (root / "tests").mkdir()
    (root / "tests" / "test_tiny.py").write_text(TESTS)
    shutil.copyfile(ROOT / "ape-config.yaml", root / "ape-config.yaml")
    (root / "targets.toml").write_text('["contracts/Tiny.vy"]\ntests = ["tests/test_tiny.py"]\n')
    return root


TARGET = Target("contracts/Tiny.vy", ("tests/test_tiny.py",))


class StandIn(Runner):
    """The runner with its two test runs replaced: a mutant is killed when its operator is in
    `killing`, and `error` makes the ids in it break."""

    def __init__(
        self,
        root: Path,
        cache: Cache,
        equivalents: dict[str, str] | None = None,
        *,
        killing: frozenset[str] = frozenset({"assert", "comparison"}),
        error: frozenset[str] = frozenset(),
        clean_passes: bool = True,
    ) -> None:
        super().__init__(root, cache, equivalents or {})
        self.killing, self.error, self.clean_passes = killing, error, clean_passes
        self.tried: list[str] = []
        self.clean_runs = 0

    def _clean_run(self, plan: Plan) -> Baseline:
        self.clean_runs += 1
        return Baseline(self.clean_passes, 2.0, "" if self.clean_passes else "the mapped tests fail")

    def _try(self, plan: Plan, mutant: Mutant, timeout: float) -> Result:
        assert timeout == 3 * 2.0 + 30
        self.tried.append(mutant.id)
        if mutant.id in self.error:
            return Result(mutant, "error", 0.1, "exit 4")
        return Result(mutant, "killed" if mutant.operator in self.killing else "survived", 0.1)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return _project(tmp_path / "project")


def _plan(root: Path) -> Plan:
    return make_plan(root, TARGET, ImportGraph(root))


def test_a_second_run_takes_everything_from_the_cache(tiny: Path, tmp_path: Path) -> None:
    plan = _plan(tiny)
    first = StandIn(tiny, Cache(tmp_path / "cache"))
    baselines, results = first.run([plan])
    assert first.clean_runs == 1 and sorted(first.tried) == sorted(m.id for m in plan.mutants)
    assert not any(r.cached for r in results) and baselines["Tiny"].passed

    second = StandIn(tiny, Cache(tmp_path / "cache"))  # a new process: the cache is read from disk
    baselines, again = second.run([_plan(tiny)])
    assert second.tried == [] and second.clean_runs == 0 and baselines == {}
    assert all(r.cached for r in again)
    assert [(r.mutant.id, r.status) for r in again] == [(r.mutant.id, r.status) for r in results]


def test_changed_tests_or_no_cache_run_again(tiny: Path, tmp_path: Path) -> None:
    StandIn(tiny, Cache(tmp_path / "cache")).run([_plan(tiny)])
    (tiny / "tests" / "test_tiny.py").write_text(TESTS + "\n# edited\n")
    edited = StandIn(tiny, Cache(tmp_path / "cache"))
    edited.run([_plan(tiny)])
    assert edited.clean_runs == 1 and len(edited.tried) == len(_plan(tiny).mutants)

    forced = StandIn(tiny, Cache(tmp_path / "cache", enabled=False))
    forced.run([_plan(tiny)])
    assert forced.clean_runs == 1 and len(forced.tried) == len(_plan(tiny).mutants)
    # what --no-cache learnt is kept for the next run
    later = StandIn(tiny, Cache(tmp_path / "cache"))
    later.run([_plan(tiny)])
    assert later.tried == []


def test_errors_are_not_cached(tiny: Path, tmp_path: Path) -> None:
    plan = _plan(tiny)
    broken = plan.mutants[0].id
    StandIn(tiny, Cache(tmp_path / "cache"), error=frozenset({broken})).run([plan])
    again = StandIn(tiny, Cache(tmp_path / "cache"))
    again.run([_plan(tiny)])
    assert again.tried == [broken]


def test_listed_equivalents_are_not_run(tiny: Path, tmp_path: Path) -> None:
    plan = _plan(tiny)
    listed = plan.mutants[1].id
    runner = StandIn(tiny, Cache(tmp_path / "cache"), {listed: "why"})
    _, results = runner.run([plan])
    assert listed not in runner.tried
    (result,) = [r for r in results if r.mutant.id == listed]
    assert result.status == "equivalent" and result.detail == "why"


def test_a_failing_clean_run_stops_its_contract(tiny: Path, tmp_path: Path) -> None:
    runner = StandIn(tiny, Cache(tmp_path / "cache"), clean_passes=False)
    baselines, results = runner.run([_plan(tiny)])
    assert not baselines["Tiny"].passed and runner.tried == [] and results == []
    retry = StandIn(tiny, Cache(tmp_path / "cache"))
    retry.run([_plan(tiny)])
    assert retry.clean_runs == 1  # a failed clean run is not remembered


def test_outcomes_are_classified() -> None:
    mutant = _plan_mutant()
    assert Runner._classify(mutant, Outcome(None, "", 40.0)).status == "timeout"
    killed = Runner._classify(mutant, Outcome(1, "...\nFAILED tests/test_tiny.py::test_set - assert 0 == 7\n", 3.0))
    assert killed.status == "killed" and killed.detail.startswith("FAILED tests/test_tiny.py::test_set")
    assert Runner._classify(mutant, Outcome(0, "1 passed", 3.0)).status == "survived"
    for code in (2, 3, 4, 5):
        assert Runner._classify(mutant, Outcome(code, "usage", 1.0)).status == "error"


def _plan_mutant() -> Mutant:
    return Mutant("Tiny:assert:0123456789", "Tiny", "contracts/Tiny.vy", "assert", 0, 1, "#", "pass", "x", 1, "f")


def test_the_timeout_ends_the_whole_process_group(tmp_path: Path) -> None:
    runner = Runner(tmp_path, Cache(tmp_path / "cache"), {})
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    outcome = runner.execute(["bash", "-c", f"sleep 60 & echo $! > {pid_file}; wait"], tmp_path, timeout=1.0)
    assert outcome.returncode is None and time.monotonic() - started < 15
    child = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # the child may take a moment to be reaped
            os.kill(child, 0)
            time.sleep(0.1)


@pytest.mark.parametrize(("exits", "tries", "final"), [("3 0", 2, 0), ("3 3", 2, 3), ("1 0", 1, 1), ("0 1", 1, 0)])
def test_a_run_that_could_not_start_is_tried_once_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exits: str, tries: int, final: int
) -> None:
    """Exit 1 (a test failed) and 0 are answers; anything else (ape's anvil did not come up in
    time, say) gets a second try."""
    log = tmp_path / "tries"
    script = f"echo . >> {log}; codes=({exits}); exit ${{codes[$(( $(wc -l < {log}) - 1 ))]}}"
    monkeypatch.setattr(runner_module, "test_command", lambda tests: ["bash", "-c", script])
    tree = Tree(Runner(tmp_path, Cache(tmp_path / "cache"), {}), tmp_path)
    assert tree.run_tests(("tests/x.py",), timeout=30).returncode == final
    assert len(log.read_text().splitlines()) == tries


def test_report_arithmetic(tiny: Path) -> None:
    statuses = ["killed"] * 6 + ["survived"] * 2 + ["equivalent", "invalid", "timeout", "error"]
    counts = counts_of(statuses)
    assert counts["mutants"] == 12 and counts["killed"] == 6 and counts["timeout"] == 1
    assert score(counts) == pytest.approx(6 / 9)  # 12 - equivalent - invalid - error
    assert score(counts_of(["invalid", "equivalent"])) is None
    with pytest.raises(ValueError, match="unknown statuses"):
        counts_of(["killed", "zombie"])

    plan = _plan(tiny)
    results = [Result(m, "killed" if i % 2 else "survived", 1.0) for i, m in enumerate(plan.mutants)]
    entry = contract_entry(plan, results, Baseline(True, 5.0))
    assert entry["counts"]["survived"] == len(entry["survivors"]) == (len(plan.mutants) + 1) // 2
    assert entry["score"] == pytest.approx(entry["counts"]["killed"] / len(plan.mutants))
    survivor = entry["survivors"][0]
    assert survivor["diff"].startswith("--- a/contracts/Tiny.vy\n+++ b/contracts/Tiny.vy\n")
    other = {**entry, "counts": counts, "score": score(counts), "survivors": []}
    both = totals({"Tiny": entry, "Other": other})
    assert both["counts"]["mutants"] == len(plan.mutants) + 12
    assert both["score"] == pytest.approx((entry["counts"]["killed"] + 6) / (len(plan.mutants) + 9))
    markdown = render_markdown({"contracts": {"Tiny": entry}, "totals": totals({"Tiny": entry})})
    assert "```diff\n" + survivor["diff"].rstrip("\n") + "\n```" in markdown


def test_reports_keep_the_contracts_not_run_again(tiny: Path, tmp_path: Path) -> None:
    plan = _plan(tiny)
    entry = contract_entry(plan, [Result(plan.mutants[0], "killed")], Baseline(True, 1.0))
    write_reports(tmp_path / "results", {"Tiny": entry, "Old": {**entry, "path": "contracts/Old.vy"}})
    json_path, md_path = write_reports(tmp_path / "results", {"Tiny": {**entry, "sampled": 99}})
    document = json.loads(json_path.read_text())
    assert set(document["contracts"]) == {"Old", "Tiny"} and document["contracts"]["Tiny"]["sampled"] == 99
    assert "| Old |" in md_path.read_text() and "| Tiny |" in md_path.read_text()


def test_end_to_end_with_ape_on_a_tiny_contract(tiny: Path, tmp_path: Path) -> None:
    """The real tool: the tiny test sets the counter, so dropping that write is noticed; no test
    sends a value of 100 or more, so removing the assert is not."""
    args = [
        "--root",
        str(tiny),
        "--targets",
        str(tiny / "targets.toml"),
        "--equivalent",
        str(tiny / "none.toml"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--results",
        str(tmp_path / "results"),
        "--operators",
        "assert",
        "state-write",
        "--jobs",
        "1",
        "--max-mutants",
        "0",
    ]
    assert main(args) == 0
    document = json.loads((tmp_path / "results" / "mutation.json").read_text())
    entry = document["contracts"]["Tiny"]
    by_description = {m["description"]: m for m in entry["mutants"]}
    assert by_description["state write removed"]["status"] == "killed"
    assert "test_set" in by_description["state write removed"]["detail"]
    assert by_description["assert removed"]["status"] == "survived"
    assert entry["counts"] == {
        "mutants": 2,
        "killed": 1,
        "survived": 1,
        "timeout": 0,
        "invalid": 0,
        "equivalent": 0,
        "error": 0,
    }
    assert entry["score"] == pytest.approx(1 / 2)
    (survivor,) = entry["survivors"]
    assert '-    assert x < 100, "too big"\n+    pass\n' in survivor["diff"]
    assert entry["clean_run"]["passed"]

    assert main(args) == 0  # again: all from the cache, no tree, no ape
    again = json.loads((tmp_path / "results" / "mutation.json").read_text())["contracts"]["Tiny"]
    assert all(m["cached"] for m in again["mutants"]) and again["counts"] == entry["counts"]
    assert again["clean_run"] is None
