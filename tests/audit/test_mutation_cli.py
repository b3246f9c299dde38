"""The command line (audit/mutation/cli.py) with the test runs replaced by a stand-in: the gate
and the filters, on two tiny contracts written here.

Invariants: --min-score fails the run (exit 1) when any contract scores below it, and passes
it when every contract scores at least that; --contract runs the named contracts only and
refuses a name that is not in the table; the report is written either way.

Plain pytest, no chain: `.venv/bin/python -m pytest tests/audit/test_mutation_cli.py -q -p no:ape_test`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit.mutation import cli
from audit.mutation.generate import Mutant
from audit.mutation.runner import Baseline, Plan, Result, Runner

ROOT = Path(__file__).resolve().parents[2]

#: the text of both contracts (the stand-in runner decides which of their mutants die)
CONTRACT = """# pragma version ~=0.4.3

counter: public(uint256)


@external
def set_counter(x: uint256):
    assert x < 100, "too big"
    self.counter = x
"""


class StandIn(Runner):
    """The runner with its test runs replaced: every mutant of Strong is killed, a mutant of
    Weak only when its operator is `assert`."""

    tried: list[str] = []

    def _clean_run(self, plan: Plan) -> Baseline:
        return Baseline(True, 1.0)

    def _try(self, plan: Plan, mutant: Mutant, timeout: float) -> Result:
        StandIn.tried.append(mutant.id)
        killed = mutant.contract == "Strong" or mutant.operator == "assert"
        return Result(mutant, "killed" if killed else "survived", 0.1)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "contracts").mkdir(parents=True)
    for name in ("Strong", "Weak"):
        (root / "contracts" / f"{name}.vy").write_text(CONTRACT)
    (root / "tests").mkdir()
    (root / "tests" / "test_tiny.py").write_text("def test_nothing():\n    pass\n")
    shutil.copyfile(ROOT / "ape-config.yaml", root / "ape-config.yaml")
    (root / "targets.toml").write_text(
        "".join(f'["contracts/{name}.vy"]\ntests = ["tests/test_tiny.py"]\n\n' for name in ("Strong", "Weak"))
    )
    monkeypatch.setattr(cli, "Runner", StandIn)
    StandIn.tried = []
    return root


def _args(root: Path, *extra: str) -> list[str]:
    return [
        "--root",
        str(root),
        "--targets",
        str(root / "targets.toml"),
        "--equivalent",
        str(root / "none.toml"),
        "--cache-dir",
        str(root / "cache"),
        "--results",
        str(root / "results"),
        "--operators",
        "assert",
        "state-write",
        "--jobs",
        "1",
        *extra,
    ]


def _scores(root: Path) -> dict[str, float]:
    document = json.loads((root / "results" / "mutation.json").read_text())
    return {name: entry["score"] for name, entry in document["contracts"].items()}


def test_without_a_gate_a_low_score_still_passes(project: Path) -> None:
    assert cli.main(_args(project)) == 0
    assert _scores(project) == {"Strong": 1.0, "Weak": 0.5}


def test_min_score_fails_when_any_contract_is_below_it(project: Path) -> None:
    assert cli.main(_args(project, "--min-score", "0.9")) == 1
    assert _scores(project) == {"Strong": 1.0, "Weak": 0.5}  # the report is written all the same


def test_min_score_passes_when_every_contract_reaches_it(project: Path) -> None:
    assert cli.main(_args(project, "--min-score", "0.5")) == 0
    # and the gate reads the scores, not the runs: the same answer from the cache
    assert cli.main(_args(project, "--min-score", "0.9")) == 1
    assert cli.main(_args(project, "--contract", "Strong", "--min-score", "0.9")) == 0


def test_contract_runs_only_the_named_ones(project: Path) -> None:
    assert cli.main(_args(project, "--contract", "Strong")) == 0
    assert StandIn.tried and all(i.startswith("Strong:") for i in StandIn.tried)
    assert set(_scores(project)) == {"Strong"}


def test_an_unknown_contract_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(_args(project, "--contract", "Nope")) == 1
    assert "unknown contracts: Nope" in capsys.readouterr().out
    assert StandIn.tried == []
