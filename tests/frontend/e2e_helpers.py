"""What the browser end-to-end tests share: building the frontend against a stack's manifest
and running one e2e script in headless Chromium, failing with the run's output and the named
services' logs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fame.config import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = FRONTEND / "test-results"


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def build_for(stack) -> Path:
    from fame.errors import FameError
    from stack.web.build import build_frontend

    log = stack.logs / "frontend.log"
    try:
        return build_frontend(stack.manifest, log, out_dir=stack.logs.parent / "dist")
    except FameError as err:
        pytest.fail(f"{err}\n{tail(log, 6000)}")


def run_e2e(script: str, stack, logs: tuple[str, ...], timeout: int, **env: str) -> str:
    """Runs frontend/e2e/<script> against `stack`; returns its output."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test-tools` installs Debian's chromium")
    full_env = {
        **os.environ,
        "BASE_URL": stack.web_url,
        # the store's RPC API (loopback, beside the web app): what a script pins through as a tool would
        "IPFS_RPC_URL": stack.ipfs_rpc_url,
        "RPC_URL": stack.rpc_url,
        "FAME_MANIFEST": str(stack.manifest),
        "E2E_ARTIFACTS": str(ARTIFACTS),
        "CHROMIUM": CHROMIUM,
        **env,
    }

    def service_logs() -> str:
        return "\n".join(f"--- {n} ---\n{tail(stack.logs / n)}" for n in logs)

    try:
        proc = subprocess.run(
            ["node", f"e2e/{script}"],
            cwd=FRONTEND,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
        pytest.fail(f"{script} did not finish in {err.timeout}s:\n{out[-6000:]}\n{service_logs()}")
    # the failed step first: a summary that shows one line of the message still says which
    failed = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FAIL ")), "no step reported")
    assert proc.returncode == 0, f"{script} failed: {failed[:400]}\n{proc.stdout[-8000:]}\n{service_logs()}"
    print(proc.stdout)
    return proc.stdout
