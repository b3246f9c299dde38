"""`make up`: the whole local stack in the foreground, stopped by Ctrl-C.

Order: chain (anvil on loopback, or FAME_RPC_URL) -> contracts (ape deploy script ->
deployments/<chain-id>.json) -> what runs where. Every process it starts is stopped on
Ctrl-C or SIGTERM, and on any start-up failure, so nothing is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from rich.console import Console
from rich.table import Table

from fame.chain import connect
from fame.config import LOCAL_CHAIN_ID, PROJECT_ROOT, Settings, live_settings, settings, social_settings
from fame.errors import FameError
from fame.manifest import Manifest, load_manifest, manifest_path
from fame.procs import Supervisor, port_in_use, wait_until

from .anvil import start_anvil

console = Console()


def _ape_env(cfg: Settings, rpc_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}:{PROJECT_ROOT / 'node_modules' / '.bin'}:"
        f"{os.environ.get('PATH', '')}",
    }
    env["FAME_DEPLOYMENTS_DIR"] = str(cfg.deployments_dir)
    if cfg.network is None:
        # ape-foundry connects to the node we started (or FAME_RPC_URL) instead of its own.
        env["APE_FOUNDRY_HOST"] = rpc_url
    return env


def ape_run(cfg: Settings, rpc_url: str, script: str, args: list[str], log: Path, what: str) -> str:
    """Run an ape script from scripts/ against `rpc_url`; returns its output, or a FameError
    with its last error line (the full output goes to `log`)."""
    network = cfg.network or "ethereum:local:foundry"
    argv = [str(PROJECT_ROOT / ".venv" / "bin" / "ape"), "run", script, "--network", network, *args]
    log.parent.mkdir(parents=True, exist_ok=True)
    with console.status(f"{what} (ape run {script})..."):
        proc = subprocess.run(
            argv, cwd=PROJECT_ROOT, env=_ape_env(cfg, rpc_url), stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
    with open(log, "a") as out:
        out.write(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("error:") or "ERROR" in ln]
        last = (errors or lines or ["(no output)"])[-1]
        raise FameError(f"{what} failed: {last.removeprefix('error: ')} (full log: {log})")
    return proc.stdout


def deploy(cfg: Settings, rpc_url: str, fresh: bool, log: Path) -> None:
    """Deploy the contracts (scripts/deploy.py) and write the manifest."""
    ape_run(cfg, rpc_url, "deploy", ["--fresh"] if fresh else [], log, "deploying contracts")


def seed_demo(cfg: Settings, rpc_url: str, gateway_url: str | None, log: Path) -> dict:
    """The Nova Lumen demo (scripts/seed_demo.py): a persona created through a passed proposal;
    with the web app at `gateway_url`, pinned through its store's RPC API (cfg.ipfs_rpc_url)."""
    import json

    out = ape_run(
        cfg,
        rpc_url,
        "seed_demo",
        ["--gateway-api", cfg.ipfs_rpc_url, "--gateway-url", gateway_url] if gateway_url else [],
        log,
        "seeding the demo persona",
    )
    line = next((ln for ln in out.splitlines() if ln.startswith("demo: ")), "demo: {}")
    return json.loads(line.removeprefix("demo: "))


def start_service(
    sup: Supervisor, name: str, argv: list[str], health_url: str, log: Path, timeout: float = 60.0
) -> None:
    """Start a long-running service and wait until its health endpoint answers 200."""
    import httpx

    proc = sup.start(name, argv, log=log, cwd=PROJECT_ROOT)
    with console.status(f"starting {name}..."):
        wait_until(lambda: httpx.get(health_url, timeout=1).status_code == 200, timeout, name, proc=proc, log=log)


def start_gateway(sup: Supervisor, cfg: Settings, logs: Path, rpc_url: str | None = None) -> str:
    """The web service (stack.web): the embedded IPFS store's HTTP gateway (content, specs,
    manifests), the token holders' frontend, the DID resolver and the event index; and in the
    same process, the store's one writer, its RPC API on cfg.ipfs_rpc_host:cfg.ipfs_rpc_port
    (loopback), which the tools pin through (cfg.ipfs_rpc_url). Returns the web app's URL."""
    import httpx

    from fame.ipfs.gateway import check_rpc_exposure
    from fame.ipfs.settings import secret

    check_rpc_exposure(cfg.ipfs_rpc_host, secret(cfg.ipfs_api_token))
    for host, port, variable in (
        (cfg.host, cfg.gateway_port, "FAME_GATEWAY_PORT"),
        (cfg.ipfs_rpc_host, cfg.ipfs_rpc_port, "FAME_IPFS_RPC_PORT"),
    ):
        if port_in_use(host, port):
            raise FameError(f"port {port} on {host} is already in use: stop what runs there or set {variable}=<port>")
    url = f"http://{cfg.host}:{cfg.gateway_port}"
    log = logs / "gateway.log"
    start_service(
        sup,
        "web (frontend, ipfs gateway, index)",
        [
            sys.executable,
            "-m",
            "stack.web",
            "--host",
            cfg.host,
            "--port",
            str(cfg.gateway_port),
            "--rpc-url",
            rpc_url or cfg.effective_rpc_url,
            "--ipfs-rpc-host",
            cfg.ipfs_rpc_host,
            "--ipfs-rpc-port",
            str(cfg.ipfs_rpc_port),
        ],
        f"{url}/health",
        log,
    )
    rpc_health = cfg.ipfs_rpc_url + "/health"
    wait_until(lambda: httpx.get(rpc_health, timeout=1).status_code == 200, 30, "the IPFS RPC API", log=log)
    return url


def ipfs_rpc_env(cfg: Settings) -> dict[str, str]:
    """What a child process that pins needs to reach the embedded store through its writer's
    RPC API (the store has one writer: the web service)."""
    from fame.ipfs.settings import secret

    env = {"FAME_IPFS_BACKEND": "kubo", "FAME_KUBO_API_URL": cfg.ipfs_rpc_url}
    token = secret(cfg.ipfs_api_token)
    if token:
        env["FAME_KUBO_API_AUTH"] = f"Bearer {token}"
    return env


def did_resolver_line(gateway_url: str, did: str) -> str:
    """The resolver URL of `did` on the gateway, checked to answer with its DID document."""
    import httpx

    url = f"{gateway_url}/1.0/identifiers/{did}"
    try:
        reply = httpx.get(url, timeout=10)
        ok = reply.status_code == 200 and reply.json()["didDocument"]["id"] == did
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        ok = False
    return url if ok else f"{url} (not answering yet: see the gateway's log)"


def start_social(sup: Supervisor, cfg: Settings, rpc_url: str, logs: Path) -> str:
    """The social service (social/): personas' feeds, fans' sign-in and reactions, moderation,
    the engagement the oracle reads, ActivityPub. SQLite in the state directory unless
    FAME_DATABASE_URL names another database; personas follow the chain's registry."""
    port = social_settings().port
    if port_in_use(cfg.host, port):
        raise FameError(
            f"port {port} on {cfg.host} is already in use: stop what runs there or set FAME_SOCIAL_PORT=<port>"
        )
    url = f"http://{cfg.host}:{port}"
    argv = [sys.executable, "-m", "social", "--host", cfg.host, "--port", str(port), "--rpc-url", rpc_url]
    start_service(sup, "social service", [*argv, "--sync-interval", "5"], f"{url}/health", logs / "social.log")
    return url


def start_live(sup: Supervisor, cfg: Settings, rpc_url: str, social_url: str, logs: Path) -> str:
    """The live server (live/): the events' rooms over WebSockets, attendance, badge vouchers.
    Tickets are read on chain, fans are the social service's sign-ins; one process, its rooms in
    memory (FAME_LIVE_REDIS_URL shares them between processes), SQLite in the state directory
    unless FAME_LIVE_DATABASE_URL names another database."""
    port = live_settings().port
    if port_in_use(cfg.host, port):
        raise FameError(
            f"port {port} on {cfg.host} is already in use: stop what runs there or set FAME_LIVE_PORT=<port>"
        )
    url = f"http://{cfg.host}:{port}"
    argv = [sys.executable, "-m", "live", "--host", cfg.host, "--port", str(port), "--rpc-url", rpc_url]
    start_service(sup, "live server", [*argv, "--social-url", social_url], f"{url}/health", logs / "live.log")
    return url


def sync_social(social_url: str) -> None:
    """Have the social service read the persona registry now (the demo persona was just created)."""
    import time

    import httpx

    token = social_settings().operator_token.get_secret_value()
    # 503 while the service waits out a failed chain read (it retries on its own within seconds)
    deadline = time.monotonic() + 30
    while True:
        reply = httpx.post(f"{social_url}/api/operator/sync", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        if reply.status_code == 200:
            return
        if reply.status_code != 503 or time.monotonic() > deadline:
            raise FameError(f"the social service could not read the persona registry: {reply.text}")
        time.sleep(1)


def start_runtime(sup: Supervisor, cfg: Settings, social_url: str, gateway_url: str | None, logs: Path) -> str:
    """The persona runtime (ai_worker/runtime): each persona posts on its schedule and answers
    its fans in character with the language model, its manifests signed by dev account 9."""
    # No FAME_RPC_URL: the runtime sends no transactions, and on the local stack it signs with a dev key.
    env = {"FAME_STATE_DIR": str(cfg.state_dir)}
    if gateway_url:  # one writer for the embedded store: the web service, through its RPC API
        env.update(ipfs_rpc_env(cfg))
    argv = [sys.executable, "-m", "stack.cli", "worker", "runtime", "--social-url", social_url, "--dev-account", "9"]
    sup.start("persona runtime", argv, log=logs / "runtime.log", env=env, cwd=PROJECT_ROOT)
    return f"posts and replies to {social_url} (log: {logs / 'runtime.log'})"


def demo_audience(social_url: str, persona_id: int, say) -> threading.Thread:
    """In the background, once the persona's first post is written: the demo fans react to it."""

    def run() -> None:
        from .demo_social import react

        try:
            post = react(social_url, persona_id)
            say(
                f"demo fans (dev accounts 1-3) signed in, read, liked and commented post #{post['id']} "
                f"of persona #{persona_id}"
            )
        except Exception as err:  # noqa: BLE001 - a demo step must never stop the stack
            say(f"demo fans could not react: {err}")

    thread = threading.Thread(target=run, name="demo audience", daemon=True)
    thread.start()
    return thread


def start_oracle_network(
    sup: Supervisor, cfg: Settings, w3, rpc_url: str, social_url: str, n: int = 4
) -> dict[str, str]:
    """The local engagement oracle: n = 4 operator nodes (f = 1) with the dev committee's keys,
    reading the personas' measured engagement from the social service (the native source)."""
    from oracle.launch import fund_dev_transmitters, start_operators  # a service: imported only here

    fund_dev_transmitters(w3, n)
    with console.status(f"starting {n} oracle operators..."):
        operators = start_operators(
            sup,
            n,
            rpc_url=rpc_url,
            state_dir=cfg.state_dir,
            deployments_dir=cfg.deployments_dir,
            adapter="native",
            social_url=social_url,
        )
    return {f"oracle operator {i}": getattr(op, "url", str(op)) for i, op in enumerate(operators)}


def start_worker(sup: Supervisor, cfg: Settings, rpc_url: str, gateway_url: str | None, logs: Path) -> str:
    """The local AI worker (dev account 7, funded by the demo seed): claims the market's requests,
    generates with the embedded models and pins through the store's RPC API."""
    env = {
        "FAME_RPC_URL": rpc_url,
        "FAME_STATE_DIR": str(cfg.state_dir),
        "FAME_DEPLOYMENTS_DIR": str(cfg.deployments_dir),
    }
    if gateway_url:  # one writer for the embedded store: the web service, through its RPC API
        env.update(ipfs_rpc_env(cfg))
    sup.start(
        "ai worker",
        [sys.executable, "-m", "stack.cli", "worker", "run", "--dev-account", "7"],
        log=logs / "worker.log",
        env=env,
        cwd=PROJECT_ROOT,
    )
    return f"dev account 7, jobs in {cfg.state_dir / 'worker'} (`fame worker status`)"


class ChainWatch:
    """What `make up` prints while it runs: each new oracle report and the reputation it moved."""

    def __init__(self, w3, manifest: Manifest, every: float = 2.0):
        self.every, self.next_at, self.last_epoch = every, 0.0, None
        try:
            self.oracle = w3.eth.contract(
                address=manifest.address("EngagementOracle"), abi=manifest.contract("EngagementOracle").abi
            )
            self.reputation = w3.eth.contract(
                address=manifest.address("Reputation"), abi=manifest.contract("Reputation").abi
            )
            self.registry = w3.eth.contract(
                address=manifest.address("PersonaRegistry"), abi=manifest.contract("PersonaRegistry").abi
            )
        except FameError:
            self.oracle = None
        try:
            self.market = w3.eth.contract(
                address=manifest.address("ContentMarket"), abi=manifest.contract("ContentMarket").abi
            )
        except FameError:
            self.market = None
        self.gateway_url: str | None = None
        self.reported: set[int] = set()

    def poll(self) -> list[str]:
        import time

        if self.oracle is None or time.monotonic() < self.next_at:
            return []
        self.next_at = time.monotonic() + self.every
        return self._content() + self._oracle()

    def _content(self) -> list[str]:
        """One line per content request the first time it is seen fulfilled."""
        if self.market is None:
            return []
        lines = []
        try:
            count = self.market.functions.request_count().call()
            for rid in range(max(1, count - 7), count + 1):
                if rid in self.reported:
                    continue
                r = self.market.functions.get_request(rid).call()
                if r[4] >= 3 and r[13]:  # fulfilled (or later) with content
                    self.reported.add(rid)
                    where = f"{self.gateway_url}/ipfs/" if self.gateway_url else "ipfs://"
                    lines.append(
                        f"content request #{rid} fulfilled for persona #{r[1]}: {where}{r[13]} "
                        f"(AI-disclosure manifest {where}{r[14]})"
                    )
        except Exception:  # noqa: BLE001 - a status line must never stop the stack
            return []
        return lines

    def _oracle(self) -> list[str]:
        try:
            epoch = self.oracle.functions.latest_epoch().call()
            if epoch == self.last_epoch or epoch == 0:
                return []
            self.last_epoch = epoch
            lines = []
            for pid in range(1, min(self.registry.functions.persona_count().call(), 8) + 1):
                engagement, feedback, score = self.reputation.functions.components(pid).call()
                views, likes, shares, comments, sentiment, observed_at, _ = self.oracle.functions.latest(pid).call()
                lines.append(
                    f"oracle epoch {epoch}: persona #{pid} views {views:,} likes {likes:,} "
                    f"sentiment {sentiment / 10_000:+.2f} -> reputation {score} "
                    f"(engagement {engagement}, feedback {feedback})"
                )
            return lines
        except Exception:  # noqa: BLE001 - a status line must never stop the stack
            return []


def summary(rpc_url: str, manifest: Manifest, own_node: bool, services: dict[str, str]) -> Table:
    table = Table(title="FameEngine local stack", show_lines=False)
    table.add_column("what")
    table.add_column("where")
    table.add_row(
        "chain", f"{rpc_url} (chain id {manifest.chain_id}{', anvil started by make up' if own_node else ''})"
    )
    table.add_row("manifest", str(manifest_path(manifest.chain_id)))
    for name, where in services.items():
        table.add_row(name, where)
    for name, c in manifest.contracts.items():
        table.add_row(f"contract {name}", c.address)
    return table


def up(cfg: Settings | None = None) -> None:
    cfg = cfg or settings()
    logs = cfg.state_dir / "logs"
    sup = Supervisor()
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if cfg.uses_own_node:
            with console.status(f"starting anvil on {cfg.local_rpc_url}..."):
                rpc_url = start_anvil(
                    sup,
                    cfg.host,
                    cfg.anvil_port,
                    hardfork=cfg.anvil_hardfork,
                    block_time=cfg.block_time,
                    log=logs / "anvil.log",
                )
        else:
            rpc_url = cfg.effective_rpc_url
        w3 = connect(rpc_url)
        services: dict[str, str] = {}
        gateway_url = None
        if cfg.ipfs_backend == "embedded":
            gateway_url = start_gateway(sup, cfg, logs, rpc_url)
            services["ipfs gateway"] = gateway_url + "/ipfs/<cid>"
            services["ipfs rpc api"] = cfg.ipfs_rpc_url + "/api/v0 (add, pin, unpin: the operator's tools only)"
            services["DID resolver"] = gateway_url + "/1.0/identifiers/<did>"
        # A chain we just started is empty: a manifest left from an earlier run is stale.
        deploy(cfg, rpc_url, fresh=cfg.uses_own_node, log=logs / "deploy.log")
        manifest = load_manifest(w3.eth.chain_id, cfg.deployments_dir)
        if gateway_url is not None:
            from .web.build import build_frontend

            with console.status("building the frontend (contracts from the manifest, vite build)..."):
                build_frontend(manifest_path(manifest.chain_id, cfg.deployments_dir), logs / "frontend.log")
            services["frontend"] = gateway_url + "/"
        social_url = start_social(sup, cfg, rpc_url, logs)
        services["social service"] = social_url + " (fans reach it through the web app at /social/)"
        live_url = start_live(sup, cfg, rpc_url, social_url, logs)
        services["live server"] = live_url + " (fans reach it through the web app at /live/)"
        if manifest.chain_id == LOCAL_CHAIN_ID:
            services.update(start_oracle_network(sup, cfg, w3, rpc_url, social_url))
        if cfg.uses_own_node:
            demo = seed_demo(cfg, rpc_url, gateway_url, logs / "seed.log")
            services["demo persona"] = (
                f"#{demo['persona_id']} {demo['name']}: spec {demo['spec_cid']}, "
                f"shares {demo['share_token']}, {len(demo['holders'])} holders, "
                f"reputation {demo['reputation']}, {demo.get('did')}"
            )
            if gateway_url and demo.get("did"):
                services["DID resolver"] = did_resolver_line(gateway_url, demo["did"])
            services["ai worker"] = start_worker(sup, cfg, rpc_url, gateway_url, logs)
            sync_social(social_url)
            services["persona runtime"] = start_runtime(sup, cfg, social_url, gateway_url, logs)
            demo_persona = int(demo["persona_id"])
            services["content requests"] = (
                ", ".join(f"#{i}" for i in demo.get("content_requests", []))
                + " (the worker fulfils them; each is printed below once done)"
            )
        console.print(summary(rpc_url, manifest, cfg.uses_own_node, services))
        if gateway_url and "/1.0/identifiers/did:" in services.get("DID resolver", ""):
            # on a line of its own, unwrapped, so that it can be copied (or grepped) whole
            console.print(f"the demo DID resolves at {services['DID resolver']}", soft_wrap=True, highlight=False)
        if "frontend" in services:
            console.print(f"[bold]Frontend[/bold]: {services['frontend']}", soft_wrap=True, highlight=False)
        if gateway_url and cfg.uses_own_node:
            console.print(
                f"[bold]Fans[/bold]: {gateway_url}/#/persona/{demo_persona} (sign in with the burner wallet)",
                soft_wrap=True,
                highlight=False,
            )
        console.print(f"logs in {logs}. [bold]Ready[/bold]: press Ctrl-C to stop everything.")
        sys.stdout.flush()
        if cfg.uses_own_node:
            demo_audience(social_url, demo_persona, lambda line: console.print(line, highlight=False, soft_wrap=True))
        watch = ChainWatch(w3, manifest)
        watch.gateway_url = gateway_url
        while not stop.is_set():
            for line in watch.poll():
                console.print(line, highlight=False)
            for child in sup.children:
                if child.proc.poll() is not None:
                    raise FameError(
                        f"{child.name} stopped unexpectedly (status {child.proc.returncode}); see {child.log}"
                    )
            stop.wait(0.5)
        console.print("stopping...")
    finally:
        sup.stop()
    console.print("stopped; no process left running.")


def main() -> None:
    try:
        up()
    except FameError as err:
        console.print(f"[red]error:[/red] {err}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
