"""Results already known: a mutant's outcome is kept under the hash of what decides it.

Key of a mutant: the contract's source with every file of the tree it imports (a mutated
module's importers are compiled with it, so an interface change is seen too), the mutant's
id, and the mapped test files (the mapped paths, every conftest.py and helper module beside
them and in the folders above up to tests/, and ape-config.yaml), and RUNNER_VERSION (the test
command and the statuses' meaning). The clean run's time is kept under the same hashes without
the mutant. Other contracts are not part of the key: a campaign after an unrelated contract
changes keeps its results (`--no-cache` runs everything again).

The file is JSON under .cache/ (ignored by git), rewritten after every result so that an
interrupted campaign keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

#: Bump when a cached result may no longer mean what it meant (test command, statuses,
#: ape's view of the trees). 3: the runs' TMPDIR is no longer above the trees (runner.py,
#: Runner.environment, says why): survivors of version 1 may have been run against the
#: unmutated bytecode.
RUNNER_VERSION = "3"

DEFAULT_DIR = Path(".cache") / "audit-mutation"


def _hash_files(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_hash(root: Path, path: str, dependencies: list[str]) -> str:
    return _hash_files(root, [root / p for p in [path, *dependencies]])


def test_files(root: Path, tests: tuple[str, ...]) -> list[Path]:
    """The files whose content decides what the mapped tests do."""
    found: list[Path] = []
    tests_dir = root / "tests"
    for test in tests:
        target = root / test.split("::")[0]
        if target.is_dir():
            found += [p for p in target.rglob("*.py") if "__pycache__" not in p.parts]
            folder = target
        else:
            found.append(target)
            folder = target.parent
        # conftest.py and helper modules beside the tests and above them, up to tests/
        while True:
            found += [p for p in folder.glob("*.py") if not p.name.startswith("test_")]
            if folder == tests_dir or folder == root or tests_dir not in folder.parents:
                break
            folder = folder.parent
    config = root / "ape-config.yaml"
    if config.is_file():
        found.append(config)
    return [p for p in found if p.is_file()]


def tests_hash(root: Path, tests: tuple[str, ...]) -> str:
    digest = hashlib.sha256(_hash_files(root, test_files(root, tests)).encode())
    digest.update("\0".join(tests).encode())
    return digest.hexdigest()


def mutant_key(source: str, mutant_id: str, tests: str) -> str:
    return hashlib.sha256(f"{RUNNER_VERSION}\0{source}\0{mutant_id}\0{tests}".encode()).hexdigest()


def baseline_key(source: str, tests: str) -> str:
    return hashlib.sha256(f"{RUNNER_VERSION}\0{source}\0clean run\0{tests}".encode()).hexdigest()


class Cache:
    """A JSON map from key to result; shared by the worker threads of one run."""

    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.path = directory / "results.json"
        self.enabled = enabled
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {}
        if self.path.is_file():
            try:
                self._data = json.loads(self.path.read_text())
            except json.JSONDecodeError:
                self._data = {}  # a file cut short by a crash: start over

    def get(self, key: str) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        with self._lock:
            value = self._data.get(key)
            return dict(value) if value is not None else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        # --no-cache still records what it learns: the next cached run uses it.
        with self._lock:
            self._data[key] = value
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._data, indent=0, sort_keys=True))
            tmp.replace(self.path)
