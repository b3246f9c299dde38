"""A seeded local chain behind the web service, for the frontend's end-to-end tests and
benchmarks, built from the pieces `make up` uses: anvil, the web service (frontend, IPFS
gateway, index), `ape run deploy --fresh` and the Nova Lumen seed, every file under one
folder and every port free. No oracle operators (the tests drive the chain themselves).

    python -m stack.web.devstack /tmp/dir    # the same stack by hand (Ctrl-C stops it)
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from fame.config import PROJECT_ROOT, Settings
from fame.manifest import manifest_path
from fame.procs import Supervisor, free_port, wait_until
from stack.anvil import start_anvil
from stack.up import ape_run

BIN = PROJECT_ROOT / ".venv" / "bin"


@dataclass
class DevStack:
    rpc_url: str
    web_url: str
    manifest: Path
    demo: dict
    env: dict[str, str]
    logs: Path


def stack_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAME_", "APE_FOUNDRY_HOST"))}
    env["PATH"] = f"{BIN}:{PROJECT_ROOT / 'node_modules' / '.bin'}:{env.get('PATH', '')}"
    env["FAME_DEPLOYMENTS_DIR"] = str(root / "deployments")
    env["FAME_STATE_DIR"] = str(root / "state")
    env.update(extra)
    return env


def start(root: Path, sup: Supervisor, dist: Path | None = None) -> DevStack:
    """Start the stack with every file under `root`; `dist`: the built frontend to serve."""
    root.mkdir(parents=True, exist_ok=True)
    logs = root / "logs"
    anvil_port, web_port = free_port(), free_port()
    rpc_url = start_anvil(sup, "127.0.0.1", anvil_port, log=logs / "anvil.log")
    env = stack_env(
        root,
        FAME_ANVIL_PORT=str(anvil_port),
        FAME_GATEWAY_PORT=str(web_port),
        FAME_RPC_URL=rpc_url,
        FAME_IPFS_FSYNC="false",
    )
    web_url = f"http://127.0.0.1:{web_port}"
    argv = [sys.executable, "-m", "stack.web", "--port", str(web_port), "--rpc-url", rpc_url]
    if dist is not None:
        argv += ["--dist", str(dist)]
    proc = sup.start("web", argv, log=logs / "web.log", env=env, cwd=PROJECT_ROOT)
    wait_until(
        lambda: httpx.get(web_url + "/health", timeout=1).status_code == 200,
        60,
        "web service",
        proc=proc,
        log=logs / "web.log",
    )
    cfg = Settings(deployments_dir=root / "deployments", state_dir=root / "state")
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.startswith("FAME_")})
    try:
        ape_run(cfg, rpc_url, "deploy", ["--fresh"], logs / "deploy.log", "deploying contracts")
        out = ape_run(cfg, rpc_url, "seed_demo", ["--gateway-api", web_url], logs / "seed.log", "seeding the demo")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    line = next(ln for ln in out.splitlines() if ln.startswith("demo: "))
    return DevStack(
        rpc_url, web_url, manifest_path(31337, root / "deployments"), json.loads(line.removeprefix("demo: ")), env, logs
    )


if __name__ == "__main__":
    import signal
    import threading

    sup = Supervisor()
    try:
        s = start(Path(sys.argv[1]), sup)
        print(json.dumps({"rpc": s.rpc_url, "web": s.web_url, "manifest": str(s.manifest)}), flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
    finally:
        sup.stop()
