"""The two committed tables: targets.toml (which tests exercise which contract) and
equivalent.toml (mutants no test can tell from the original, each with why), and the import
graph of contracts/ (a mutated module is compiled, and its results cached, with the contracts
that import it).

The rule for a new contract: every `.vy` file under contracts/ (the mocks under contracts/test/
excepted) must have an entry in targets.toml; the tool stops on one that has none, naming it,
and so does tests/audit (a new contract without an entry fails `make test`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from vyper.ast import nodes as vy_ast  # type: ignore[import-untyped]
from vyper.ast import parse_to_ast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGETS = HERE / "targets.toml"
EQUIVALENT = HERE / "equivalent.toml"
CONTRACTS = "contracts"
#: contracts/test/ holds mocks: deployed by tests, never mutated.
MOCKS = "contracts/test"


class ConfigError(Exception):
    """A table that does not match the tree; the message says what to change."""


@dataclass(frozen=True)
class Target:
    #: the contract, relative to the project root (`contracts/persona/RevenueConfig.vy`)
    path: str
    #: what `ape test` runs against its mutants: files, folders or node ids (`file::test`)
    tests: tuple[str, ...]

    @property
    def name(self) -> str:
        return Path(self.path).stem


def mutable_contracts(root: Path) -> list[str]:
    """Every contract the tool mutates: `.vy` under contracts/, mocks excepted."""
    base = root / CONTRACTS
    paths = [p.relative_to(root).as_posix() for p in base.rglob("*.vy")] if base.is_dir() else []
    return sorted(p for p in paths if not p.startswith(MOCKS + "/"))


def target_problems(root: Path, table: dict[str, object], table_name: str) -> list[str]:
    """What is wrong with a targets table against the tree (empty when nothing is)."""
    problems = []
    contracts = mutable_contracts(root)
    for path in contracts:
        if path not in table:
            problems.append(
                f'{path} has no entry in {table_name}: add ["{path}"] with tests = [...], the tests that exercise it'
            )
    names: dict[str, str] = {}
    for path, entry in table.items():
        if path.startswith(MOCKS + "/"):
            problems.append(f"{table_name}: {path} is a mock (contracts/test/ is not mutated)")
        elif not (root / path).is_file():
            problems.append(f"{table_name}: {path} is not a contract of the tree (renamed or removed?)")
        elif not path.endswith(".vy"):
            problems.append(f"{table_name}: {path} is not a .vy contract")
        name = Path(path).stem
        if name in names:
            problems.append(f"{table_name}: {path} and {names[name]} share the name {name}")
        names[name] = path
        tests = entry.get("tests") if isinstance(entry, dict) else None
        if not isinstance(tests, list) or not tests or not all(isinstance(t, str) for t in tests):
            problems.append(f'{table_name}: {path} needs tests = ["tests/...", ...] (at least one)')
            continue
        for test in tests:
            if not (root / test.split("::")[0]).exists():
                problems.append(f"{table_name}: {path} maps to {test}, which does not exist")
    return problems


def load_targets(root: Path = ROOT, table_path: Path = TARGETS) -> dict[str, Target]:
    """The targets by contract name; ConfigError with every problem when the table and the
    tree disagree."""
    table = tomllib.loads(table_path.read_text())
    name = _shown(table_path, root)
    problems = target_problems(root, table, name)
    if problems:
        raise ConfigError("\n".join(problems))
    return {Path(p).stem: Target(p, tuple(e["tests"])) for p, e in sorted(table.items())}


def load_equivalents(path: Path = EQUIVALENT) -> dict[str, str]:
    """Mutant id -> why it is equivalent."""
    data = tomllib.loads(path.read_text()) if path.is_file() else {}
    entries = data.get("equivalent", [])
    found: dict[str, str] = {}
    problems = []
    for entry in entries:
        mutant_id, reason = entry.get("id"), entry.get("reason")
        if not isinstance(mutant_id, str) or mutant_id.count(":") != 2:
            problems.append(f'{path.name}: {entry!r} needs id = "Contract:operator:hash"')
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(f"{path.name}: {mutant_id} needs a reason (why no test can tell it from the original)")
        elif mutant_id in found:
            problems.append(f"{path.name}: {mutant_id} is listed twice")
        else:
            found[mutant_id] = reason.strip()
    if problems:
        raise ConfigError("\n".join(problems))
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _imports_of(root: Path, path: str) -> set[str]:
    """The files of the tree a Vyper file imports directly (snekmate and the standard
    interfaces live outside it and never change under a mutant)."""
    file = root / path
    try:
        module = parse_to_ast(file.read_text(), resolved_path=str(file), is_interface=path.endswith(".vyi"))
    except Exception:
        return set()
    found = set()
    for node in module.body:
        if isinstance(node, vy_ast.ImportFrom):
            if node.level:
                base = file.parent
                for _ in range(node.level - 1):
                    base = base.parent
            else:
                base = root
            if node.module:
                base = base.joinpath(*node.module.split("."))
            stem = base / node.name
        elif isinstance(node, vy_ast.Import):
            stem = root.joinpath(*node.name.split("."))
        else:
            continue
        for suffix in (".vy", ".vyi"):
            candidate = stem.with_name(stem.name + suffix)
            if candidate.is_file():
                found.add(candidate.resolve().relative_to(root.resolve()).as_posix())
    return found


class ImportGraph:
    """Who imports whom among the Vyper files of contracts/ (mocks included)."""

    def __init__(self, root: Path) -> None:
        base = root / CONTRACTS
        files = sorted(p.relative_to(root).as_posix() for p in base.rglob("*.vy*")) if base.is_dir() else []
        self.imports = {f: _imports_of(root, f) for f in files}

    def dependencies(self, path: str) -> list[str]:
        """Every file `path` imports, directly or through others."""
        seen: set[str] = set()
        todo = [path]
        while todo:
            for dep in self.imports.get(todo.pop(), set()):
                if dep not in seen and dep != path:
                    seen.add(dep)
                    todo.append(dep)
        return sorted(seen)

    def importers(self, path: str) -> list[str]:
        """Every contract (.vy) that imports `path`, directly or through others: they compile a
        mutated module into themselves."""
        return sorted(f for f in self.imports if f.endswith(".vy") and path in self.dependencies(f))
