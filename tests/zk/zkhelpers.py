"""Helpers shared by the ZK tests (a plain module: tests/zk is not a package, so that it does not
shadow the `zk` library)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"
SNARKJS = NODE_BIN / "snarkjs"


def node_available() -> bool:
    return shutil.which("node") is not None and SNARKJS.exists() and (ROOT / "node_modules" / "circomlibjs").exists()


requires_node = pytest.mark.skipif(not node_available(), reason="node and the npm test references are not installed")


def run_snarkjs(*args, cwd=None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(SNARKJS), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"snarkjs {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def run_node(script: str, cwd=ROOT) -> str:
    proc = subprocess.run(["node", "-e", script], cwd=cwd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"node failed:\n{proc.stderr}")
    return proc.stdout
