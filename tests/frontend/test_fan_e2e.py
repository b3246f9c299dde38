"""A fan's whole loop in headless Chromium (frontend/e2e/fan.mjs) against the real services: on
the persona's page the fan signs in with SIWE, likes and comments the persona's first post, and
reads the reply its runtime writes with the language model; the next oracle round (four
operators reading the social service) puts the like on chain and the reputation the page shows
moves. The stack is `stack.web.devstack` with fans=True; the screenshot of the final page is
kept as frontend/test-results/persona-fan.png."""

import os
import subprocess
from pathlib import Path

import pytest
from e2e_helpers import build_for

from fame.config import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = FRONTEND / "test-results"
LOGS = ("social.log", "runtime.log", "oracle-0.log", "oracle-1.log", "web.log")


def tail(path: Path, chars: int = 2500) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def service_logs(stack) -> str:
    """The end of each service's log: what the failure message carries."""
    state_logs = stack.logs.parent / "state" / "logs"  # where oracle.launch puts the operators' logs
    parts = []
    for name in LOGS:
        path = state_logs / name if name.startswith("oracle") else stack.logs / name
        parts.append(f"--- {name} ---\n{tail(path)}")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def fan_build(fan_stack, node_tools) -> Path:
    return build_for(fan_stack)


def test_fan_signs_in_likes_comments_and_moves_the_reputation(fan_stack, fan_build):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test-tools` installs Debian's chromium")
    env = {
        **os.environ,
        "BASE_URL": fan_stack.web_url,
        "RPC_URL": fan_stack.rpc_url,
        "FAME_MANIFEST": str(fan_stack.manifest),
        "E2E_ARTIFACTS": str(ARTIFACTS),
        "CHROMIUM": CHROMIUM,
    }
    try:
        proc = subprocess.run(
            ["node", "e2e/fan.mjs"],
            cwd=FRONTEND,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=420,
        )
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
        pytest.fail(
            f"the fan's end-to-end run did not finish in {err.timeout}s:\n{out[-6000:]}\n{service_logs(fan_stack)}"
        )
    assert proc.returncode == 0, f"the fan's end-to-end run failed:\n{proc.stdout[-8000:]}\n{service_logs(fan_stack)}"
    print(proc.stdout)  # the steps and their times (pytest -s, or -rP)
    assert (ARTIFACTS / "persona-fan.png").stat().st_size > 10_000, "screenshot persona-fan.png missing"
