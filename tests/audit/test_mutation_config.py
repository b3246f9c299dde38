"""The committed tables of the mutation stage (audit/mutation/targets.toml, equivalent.toml)
against the tree, and the checks behind them fed bad tables.

Invariants: every contract under contracts/ but the mocks has an entry in targets.toml whose
tests exist (so a new contract without one fails here, with its name in the message); the
tool refuses a table that misses a contract, names a removed one or a mock; equivalent.toml
entries carry an id and a reason; the import graph finds the contracts a module is compiled
into; the compiler check accepts the real contracts and names the file of an error.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from audit.mutation import config
from audit.mutation.cli import main
from audit.mutation.compiler import check
from audit.mutation.config import ConfigError, ImportGraph, load_equivalents, load_targets, target_problems

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_table_covers_every_contract() -> None:
    table = tomllib.loads(config.TARGETS.read_text())
    problems = target_problems(ROOT, table, "audit/mutation/targets.toml")
    assert not problems, "\n".join(problems)
    names = set(load_targets())
    assert {Path(p).stem for p in config.mutable_contracts(ROOT)} == names
    assert not any(p.startswith("contracts/test/") for p in table)


def test_the_committed_equivalents_load() -> None:
    for mutant_id, reason in load_equivalents().items():
        assert mutant_id.split(":")[0] in load_targets(), mutant_id
        assert reason


def _tree(tmp_path: Path, contracts: list[str]) -> Path:
    for rel in contracts:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# pragma version ~=0.4.3\n")
    (tmp_path / "tests").mkdir(exist_ok=True)
    (tmp_path / "tests" / "test_a.py").write_text("")
    return tmp_path


def test_a_contract_without_an_entry_is_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["contracts/a/A.vy", "contracts/b/New.vy", "contracts/test/MockX.vy"])
    table = tmp_path / "targets.toml"
    table.write_text('["contracts/a/A.vy"]\ntests = ["tests/test_a.py"]\n')
    with pytest.raises(ConfigError, match=r"contracts/b/New\.vy has no entry in targets\.toml") as raised:
        load_targets(root, table)
    assert "MockX" not in str(raised.value)  # mocks need none
    # the command says the same and stops
    assert main(["--root", str(root), "--targets", str(table), "--list"]) == 1


@pytest.mark.parametrize(
    ("extra", "entry", "message"),
    [
        (
            [],
            '["contracts/gone/Old.vy"]\ntests = ["tests/test_a.py"]',
            "contracts/gone/Old.vy is not a contract of the tree",
        ),
        ([], '["contracts/test/MockX.vy"]\ntests = ["tests/test_a.py"]', "contracts/test/MockX.vy is a mock"),
        ([], '["contracts/a/B.vy"]\ntests = ["tests/test_missing.py"]', "tests/test_missing.py, which does not exist"),
        ([], '["contracts/a/B.vy"]\ntests = []', "contracts/a/B.vy needs tests = "),
        (["contracts/c/A.vy"], '["contracts/c/A.vy"]\ntests = ["tests/test_a.py"]', "share the name A"),
    ],
)
def test_bad_entries_are_refused(tmp_path: Path, extra: list[str], entry: str, message: str) -> None:
    root = _tree(tmp_path, ["contracts/a/A.vy", "contracts/a/B.vy", "contracts/test/MockX.vy", *extra])
    table = tomllib.loads(
        '["contracts/a/A.vy"]\ntests = ["tests/test_a.py"]\n["contracts/a/B.vy"]\ntests = ["tests/test_a.py"]'
    )
    if not extra:
        assert target_problems(root, table, "targets.toml") == []
    table.update(tomllib.loads(entry))
    problems = target_problems(root, table, "targets.toml")
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[equivalent]]\nid = "A:log:0123456789"\n', "needs a reason"),
        ('[[equivalent]]\nid = "A:log:0123456789"\nreason = "  "\n', "needs a reason"),
        ('[[equivalent]]\nid = "nonsense"\nreason = "r"\n', "needs id"),
        ('[[equivalent]]\nid = "A:log:1"\nreason = "r"\n[[equivalent]]\nid = "A:log:1"\nreason = "r"\n', "twice"),
    ],
)
def test_bad_equivalents_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "equivalent.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_equivalents(path)


def test_equivalents_load_by_id(tmp_path: Path) -> None:
    path = tmp_path / "equivalent.toml"
    path.write_text('[[equivalent]]\nid = "A:log:0123456789"\nreason = " the event is never read "\n')
    assert load_equivalents(path) == {"A:log:0123456789": "the event is never read"}
    assert load_equivalents(tmp_path / "absent.toml") == {}


def test_import_graph_of_the_tree() -> None:
    graph = ImportGraph(ROOT)
    assert graph.importers("contracts/token/votes.vy") == ["contracts/token/FMC.vy"]
    assert "contracts/token/interfaces/IERC6372.vyi" in graph.dependencies("contracts/token/FMC.vy")
    assert "contracts/token/votes.vy" in graph.dependencies("contracts/token/FMC.vy")
    assert graph.importers("contracts/reputation/engagement_math.vy") == [
        "contracts/oracle/EngagementOracle.vy",
        "contracts/reputation/Reputation.vy",
    ]
    assert graph.importers("contracts/persona/RevenueConfig.vy") == []


def test_compiler_check_accepts_the_contracts_and_names_an_error(tmp_path: Path) -> None:
    assert check(ROOT, [Path("contracts/persona/RevenueConfig.vy"), Path("contracts/token/votes.vy")]) is None
    # a source with its own optimisation pragma (FMC: codesize) compiles as ape compiles it, with no
    # conflicting setting beside the pragma
    assert check(ROOT, [Path("contracts/token/FMC.vy")]) is None
    (tmp_path / "Broken.vy").write_text(
        "# pragma version ~=0.4.3\nx: public(uint256)\n\n@external\ndef f():\n    self.x = -1\n"
    )
    error = check(tmp_path, [Path("Broken.vy")])
    assert error is not None and error.startswith("Broken.vy: ")
