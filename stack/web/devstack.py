"""A seeded local chain behind the web service, for the frontend's end-to-end tests and
benchmarks, built from the pieces `make up` uses: anvil, the web service (frontend, IPFS
gateway, index), `ape run deploy --fresh` and the Nova Lumen seed, every file under one
folder and every port free, and the social service (SQLite in the folder, its SIWE origin the
web app's, which forwards /social/ to it): fans sign in with it, and what the web app pins for
them (a persona spec, a content brief) takes that session. The embedded store's RPC API listens
on a free loopback port of its own, in the web app's process (`DevStack.ipfs_rpc_url`). No
oracle operators (the tests drive the chain themselves).

With `fans=True` it is the fans' whole loop as well, at the cost of a few more seconds and
processes: the persona runtime answering in character with its language model (pinning
through the store's RPC API), and the four oracle operators reading the personas' measured
engagement from the social service (the native source), so that a fan's like reaches the
chain's next report and the persona's reputation.

    python -m stack.web.devstack /tmp/dir           # the same stack by hand (Ctrl-C stops it)
    python -m stack.web.devstack /tmp/dir --fans    # ... with the persona runtime and the oracle
    python -m stack.web.devstack /tmp/dir --worker  # ... with the AI worker
    python -m stack.web.devstack /tmp/dir --live    # ... with the live server and the persona
                                                    #     hosting its events

With `live=True` the live server (live/) runs on a free port behind the web app's /live/, and
the persona runtime hosts the demo persona's events, answering from its templates (the fans'
loop has the language model; here what is measured is the room, the voice and the badge).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fame.chain import connect
from fame.config import PROJECT_ROOT, Settings, social_settings
from fame.manifest import manifest_path
from fame.procs import Supervisor, free_port, free_port_block, wait_until
from stack.anvil import start_anvil
from stack.up import ape_run, start_runtime, start_worker, sync_social

BIN = PROJECT_ROOT / ".venv" / "bin"
#: The local oracle committee the deploy script installs (oracle.keys.dev_committee).
ORACLE_OPERATORS = 4
#: Seconds between the social service's reads of the persona registry.
SOCIAL_SYNC_S = 2
#: The persona runtime's converted copy of its language model, kept across stacks (the first
#: conversion of the GGUF file takes half a minute on two busy cores, loading the copy seconds).
MODEL_CACHE = PROJECT_ROOT / ".cache" / "runtime-models"


@dataclass
class DevStack:
    rpc_url: str
    web_url: str
    #: The embedded store's RPC API (/api/v0: add, pin, unpin), on loopback beside the web app.
    ipfs_rpc_url: str
    manifest: Path
    demo: dict
    env: dict[str, str]
    logs: Path
    #: The social service (fans reach it as web_url + "/social").
    social_url: str = ""
    #: With fans=True: the oracle operators' base URLs.
    oracle_urls: list[str] = field(default_factory=list)
    #: With live=True: the live server (fans reach it as web_url + "/live").
    live_url: str | None = None


def stack_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAME_", "APE_FOUNDRY_HOST"))}
    env["PATH"] = f"{BIN}:{PROJECT_ROOT / 'node_modules' / '.bin'}:{env.get('PATH', '')}"
    env["FAME_DEPLOYMENTS_DIR"] = str(root / "deployments")
    env["FAME_STATE_DIR"] = str(root / "state")
    env.update(extra)
    return env


@contextmanager
def fame_environ(env: dict[str, str]) -> Iterator[None]:
    """While it lasts, this process's FAME_* variables are exactly `env`'s: what the children
    started meanwhile (and the helpers of stack.up that read the environment) see."""
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("FAME_")]:
        del os.environ[key]
    os.environ.update({k: v for k, v in env.items() if k.startswith("FAME_")})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _healthy(url: str) -> bool:
    return httpx.get(url + "/health", timeout=1).status_code == 200


def start(
    root: Path,
    sup: Supervisor,
    dist: Path | None = None,
    *,
    fans: bool = False,
    worker: bool = False,
    live: bool = False,
) -> DevStack:
    """Start the stack with every file under `root`; `dist`: the built frontend to serve;
    `fans`: also the persona runtime and the oracle operators; `worker`: also the AI worker (dev
    account 7) fulfilling the content market's requests and putting them in the persona's feed;
    `live`: also the live server and the persona runtime hosting the persona's events."""
    root.mkdir(parents=True, exist_ok=True)
    logs = root / "logs"
    anvil_port, web_port, ipfs_rpc_port = free_port(), free_port(), free_port()
    rpc_url = start_anvil(sup, "127.0.0.1", anvil_port, log=logs / "anvil.log")
    web_url = f"http://127.0.0.1:{web_port}"
    env = stack_env(
        root,
        FAME_ANVIL_PORT=str(anvil_port),
        FAME_GATEWAY_PORT=str(web_port),
        FAME_IPFS_RPC_PORT=str(ipfs_rpc_port),
        FAME_RPC_URL=rpc_url,
        FAME_IPFS_FSYNC="false",
    )
    live_url = None
    if live:
        live_port = free_port()
        live_url = f"http://127.0.0.1:{live_port}"
        env.update(FAME_LIVE_PORT=str(live_port))
    # Every stack has the social service: the web app's pins need a fan's session, which it gives.
    social_port = free_port()
    social_url = f"http://127.0.0.1:{social_port}"
    env.update(
        FAME_SOCIAL_PORT=str(social_port),
        # fans sign in on the web app's origin, which forwards /social/ to the service
        FAME_SOCIAL_PUBLIC_URL=web_url,
        # the token this process's stack.up.sync_social sends, whatever its environment says
        FAME_SOCIAL_OPERATOR_TOKEN=social_settings().operator_token.get_secret_value(),
    )
    cfg = Settings(deployments_dir=root / "deployments", state_dir=root / "state", ipfs_rpc_port=ipfs_rpc_port)
    with fame_environ(env):
        argv = [sys.executable, "-m", "stack.web", "--port", str(web_port), "--rpc-url", rpc_url,
                "--ipfs-rpc-host", "127.0.0.1", "--ipfs-rpc-port", str(ipfs_rpc_port),
                "--social-url", social_url]  # fmt: skip
        if dist is not None:
            argv += ["--dist", str(dist)]
        if live_url is not None:
            argv += ["--live-url", live_url]
        proc = sup.start("web", argv, log=logs / "web.log", env=env, cwd=PROJECT_ROOT)
        wait_until(lambda: _healthy(web_url), 60, "web service", proc=proc, log=logs / "web.log")
        wait_until(lambda: _healthy(cfg.ipfs_rpc_url), 30, "the IPFS RPC API", proc=proc, log=logs / "web.log")
        ape_run(cfg, rpc_url, "deploy", ["--fresh"], logs / "deploy.log", "deploying contracts")
        # After the deploy, so that its first read of the registry finds the manifest (a failed
        # read makes it wait before the next), and while the seed runs.
        social = sup.start(
            "social service",
            [sys.executable, "-m", "social", "--host", "127.0.0.1", "--port", str(social_port),
             "--rpc-url", rpc_url, "--sync-interval", str(SOCIAL_SYNC_S)],
            log=logs / "social.log",
            env=env,
            cwd=PROJECT_ROOT,
        )  # fmt: skip
        seed_args = ["--gateway-api", cfg.ipfs_rpc_url, "--gateway-url", web_url]
        out = ape_run(cfg, rpc_url, "seed_demo", seed_args, logs / "seed.log", "seeding the demo")
        oracle_urls = []
        wait_until(lambda: _healthy(social_url), 60, "social service", proc=social, log=logs / "social.log")
        _sync_social(social_url, logs)
        if fans:
            oracle_urls = _start_fans(sup, cfg, env, rpc_url, web_url, social_url, logs)
        if worker:
            start_worker(sup, cfg, rpc_url, web_url, logs)
        if live_url is not None:
            _start_live(sup, cfg, env, rpc_url, web_url, social_url, live_port, logs)
    line = next(ln for ln in out.splitlines() if ln.startswith("demo: "))
    return DevStack(
        rpc_url,
        web_url,
        cfg.ipfs_rpc_url,
        manifest_path(31337, root / "deployments"),
        json.loads(line.removeprefix("demo: ")),
        env,
        logs,
        social_url,
        oracle_urls,
        live_url,
    )


def _sync_social(social_url: str, logs: Path) -> None:
    """The social service learns the demo persona now (it answers 503 for a while after a failed
    read of the chain: ask until it reads it)."""

    def synced() -> bool:
        sync_social(social_url)
        return True

    wait_until(synced, 30, "the social service's read of the persona registry", log=logs / "social.log")


def _start_live(
    sup: Supervisor,
    cfg: Settings,
    env: dict[str, str],
    rpc_url: str,
    web_url: str,
    social_url: str,
    live_port: int,
    logs: Path,
) -> None:
    """The live server (sessions from the social service, tickets from the chain) and the persona
    runtime that hosts the persona's events in it."""
    live_url = f"http://127.0.0.1:{live_port}"
    argv = [sys.executable, "-m", "live", "--host", "127.0.0.1", "--port", str(live_port), "--rpc-url", rpc_url]
    proc = sup.start("live server", argv, log=logs / "live.log", env=env, cwd=PROJECT_ROOT)
    wait_until(lambda: _healthy(live_url), 60, "live server", proc=proc, log=logs / "live.log")
    runtime_env = {k: v for k, v in env.items() if k != "FAME_RPC_URL"}
    runtime_env["FAME_WORKER_RUNTIME_WRITER"] = "template"
    with fame_environ(runtime_env):
        start_runtime(sup, cfg, social_url, web_url, logs)


def _start_fans(
    sup: Supervisor, cfg: Settings, env: dict[str, str], rpc_url: str, web_url: str, social_url: str, logs: Path
) -> list[str]:
    """After the seed and the social service's sync: the persona runtime starts (its model loads
    while the operators start), then the oracle operators on the native source."""
    from oracle.launch import fund_dev_transmitters, start_operators  # a service: imported only here

    # Like `make up`: no FAME_RPC_URL (it sends no transactions and signs with a dev key on the
    # local chain), and it pins through the store's RPC API, in the web app's process (its one writer).
    # The real language model or nothing: a template reply would not be the persona's answer.
    runtime_env = {k: v for k, v in env.items() if k != "FAME_RPC_URL"}
    runtime_env["FAME_WORKER_RUNTIME_WRITER"] = "model"
    models = cfg.state_dir / "worker" / "runtime" / "models"
    if not models.exists():
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        models.parent.mkdir(parents=True, exist_ok=True)
        models.symlink_to(MODEL_CACHE, target_is_directory=True)
    with fame_environ(runtime_env):
        start_runtime(sup, cfg, social_url, web_url, logs)
    fund_dev_transmitters(connect(rpc_url), ORACLE_OPERATORS)
    operators = start_operators(
        sup,
        ORACLE_OPERATORS,
        rpc_url=rpc_url,
        state_dir=cfg.state_dir,
        deployments_dir=cfg.deployments_dir,
        host="127.0.0.1",
        base_port=free_port_block(ORACLE_OPERATORS),
        env={k: v for k, v in env.items() if k.startswith("FAME_")},
        adapter="native",
        social_url=social_url,
    )
    return [op.url for op in operators]


if __name__ == "__main__":
    import signal
    import threading

    sup = Supervisor()
    try:
        flags = sys.argv[2:]
        s = start(Path(sys.argv[1]), sup, fans="--fans" in flags, worker="--worker" in flags, live="--live" in flags)
        print(
            json.dumps(
                {
                    "rpc": s.rpc_url,
                    "web": s.web_url,
                    "ipfs_rpc": s.ipfs_rpc_url,
                    "manifest": str(s.manifest),
                    "social": s.social_url,
                    "live": s.live_url,
                }
            ),
            flush=True,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
    finally:
        sup.stop()
