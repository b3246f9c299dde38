"""Helpers for tests that run the stack and the deploy script as real processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fame.config import PROJECT_ROOT
from fame.procs import Supervisor, free_port
from stack.anvil import start_anvil

BIN = PROJECT_ROOT / ".venv" / "bin"


def stack_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a child process: its own deployments/state folders, no FAME_RPC_URL leak."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAME_", "APE_FOUNDRY_HOST"))}
    env["PATH"] = f"{BIN}:{PROJECT_ROOT / 'node_modules' / '.bin'}:{env.get('PATH', '')}"
    env["FAME_DEPLOYMENTS_DIR"] = str(tmp_path / "deployments")
    env["FAME_STATE_DIR"] = str(tmp_path / "state")
    env.update(extra)
    return env


def ape_deploy(env: dict[str, str], rpc_url: str, *args: str) -> subprocess.CompletedProcess:
    """`ape run deploy` against an existing node."""
    return subprocess.run(
        [str(BIN / "ape"), "run", "deploy", "--network", "ethereum:local:foundry", *args],
        cwd=PROJECT_ROOT,
        env={**env, "APE_FOUNDRY_HOST": rpc_url},
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def anvil_node():
    """A fresh anvil on a free loopback port, stopped after the test."""
    sup = Supervisor()
    url = start_anvil(sup, "127.0.0.1", free_port())
    yield sup, url
    sup.stop()


@pytest.fixture
def python():
    return sys.executable
