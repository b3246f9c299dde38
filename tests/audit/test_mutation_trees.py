"""What the runner's processes see of the trees (audit/mutation/runner.py), with the copy and
`ape compile` replaced by stand-ins.

Invariants: every process the runner starts has TMPDIR set to a folder of the run's work
folder that is not above any tree, so ape never takes a tree for a throwaway project (it would
then, once a test compiles a source of its own, take a mutated contract for compiled and test
its old bytecode; runner.py says how); no tree sits under a folder ape leaves out of a project
(`.cache`, `.build`); the work folder goes when the runner closes.

Plain pytest, no chain: `.venv/bin/python -m pytest tests/audit/test_mutation_trees.py -q -p no:ape_test`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audit.mutation import runner as runner_module
from audit.mutation.cache import Cache
from audit.mutation.runner import Outcome, Runner


def _in(folder: str, path: Path) -> bool:
    """ape's own test (ape.utils.os.in_tempdir) with `folder` as the temporary folder."""
    return os.path.normpath(path).startswith(os.path.normpath(Path(folder).resolve()))


def test_the_runs_temporary_folder_is_beside_the_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def populate(root: Path, dest: Path) -> None:
        (dest / ".build").mkdir(parents=True)

    seen: list[dict[str, str]] = []

    def execute(self: Runner, argv: list[str], cwd: Path, timeout: float | None, env: dict[str, str] | None = None):
        seen.append(self.environment(env))
        return Outcome(0, "", 0.0)

    monkeypatch.setattr(runner_module, "populate", populate)
    monkeypatch.setattr(Runner, "execute", execute)
    runner = Runner(tmp_path / "project", Cache(tmp_path / "cache"), {})
    tree = runner._tree()
    workdir = tree.path.parent
    assert seen, "the base tree is compiled with ape"
    scratch = runner.environment()["TMPDIR"]
    assert Path(scratch).is_dir() and Path(scratch).parent == workdir
    assert all(env["TMPDIR"] == scratch for env in seen)
    assert not _in(scratch, tree.path) and not _in(scratch, workdir / "base")
    assert not {".cache", ".build"} & {p.name for p in tree.path.parents}
    assert runner.environment({"X": "1"}) == {"X": "1", "TMPDIR": scratch}
    runner.close()
    assert not workdir.exists()
