"""The floors rule (pyproject.toml, [tool.importlinter]) holds on the tree and catches a back-up
import: each case copies the project's Python packages to a temporary folder, adds one import
that points the wrong way, and runs the same checker `make lint` runs on that copy.

Invariants: the shared package and zk/ import no service and nothing of the top floor; zk/
imports nothing of the project outside zk/; services never import each other; zk's modules
form no cycle."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]


def _copy_tree(dest: Path) -> None:
    for package in PACKAGES:
        for src in (ROOT / package).rglob("*.py"):
            if "__pycache__" in src.parts:
                continue
            target = dest / src.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    shutil.copyfile(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    # cwd first on the path: the checker reads the copy, not the installed project.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("floors")
    _copy_tree(dest)
    return dest


def test_every_root_package_is_under_a_contract() -> None:
    layered = {name.strip() for layer in CONFIG["contracts"][0]["layers"] for name in layer.split("|")}
    assert layered == set(PACKAGES)
    assert {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()} <= set(PACKAGES), (
        "a new top-level package must be given its floor in [tool.importlinter]"
    )


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    out = _lint(tree)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


BACK_UP_IMPORTS = [
    # (file, import added, the contract it breaks, what the report names)
    ("fame/config.py", "import oracle.report", "Floors point down", "fame.config -> oracle.report"),
    ("fame/ipfs/cid.py", "from stack.web import indexer", "Floors point down", "fame.ipfs.cid -> stack.web.indexer"),
    ("zk/field.py", "import fame.config", "Floors point down", "zk.field -> fame.config"),
    ("oracle/aggregate.py", "import ai_worker.emotions", "Floors point down", "oracle.aggregate -> ai_worker.emotions"),
    ("ai_worker/jobs.py", "from stack import cli", "Floors point down", "ai_worker.jobs -> stack.cli"),
    ("social/__init__.py", "import oracle.report", "Floors point down", "social -> oracle.report"),
    ("zk/field.py", "from . import groth16", "without cycles", ".field -> .groth16"),
]


@pytest.mark.parametrize(
    ("path", "line", "contract", "named"), BACK_UP_IMPORTS, ids=[f"{p}:{ln}" for p, ln, _, _ in BACK_UP_IMPORTS]
)
def test_a_back_up_import_breaks_the_floors(tmp_path: Path, path: str, line: str, contract: str, named: str) -> None:
    _copy_tree(tmp_path)
    target = tmp_path / path
    target.write_text(target.read_text() + f"\n{line}  # the back-up import under test\n")
    out = _lint(tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    broken = [ln for ln in out.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), out.stdout
    assert named in out.stdout, out.stdout
