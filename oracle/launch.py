"""Building and starting operator nodes.

`build_node` assembles one operator (keys, chain view, adapter, SQLite store, relayer,
service) for `oracle run`; `start_operators` starts n of them as processes under a
fame.procs.Supervisor for the local stack and the tests, with anvil-mnemonic dev keys.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
from eth_account.signers.local import LocalAccount

from fame.config import OracleSettings
from fame.config import settings as fame_settings
from fame.procs import Supervisor, wait_until

from .adapters import make_adapter
from .aggregate import Tolerance
from .chainview import ChainView
from .keys import dev_committee, write_dev_keystores
from .metrics import NodeMetrics
from .node.service import NodeConfig, OperatorService
from .relayer import Relayer
from .report import MAX_OPERATORS
from .store import Store

FAULTS = ("lie-x1000", "crash-after-send", "crash-as-leader")


def node_dir(state_dir: Path, index: int) -> Path:
    return state_dir / f"operator-{index}"


def build_node(
    index: int,
    signer: LocalAccount,
    transmitter: LocalAccount | None,
    cfg: OracleSettings,
    *,
    rpc_url: str,
    deployments_dir: Path | None,
    state_dir: Path,
    faults: Iterable[str] = (),
) -> OperatorService:
    """One operator, ready to serve (nothing started yet)."""
    faults = frozenset(faults)
    unknown = faults - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown fault {sorted(unknown)[0]!r} (known: {', '.join(FAULTS)})")
    metrics = NodeMetrics()
    chain = ChainView(rpc_url, deployments_dir, metrics, timeout=min(3.0, cfg.request_timeout * 1.5))
    store = Store(node_dir(state_dir, index) / "node.sqlite3")
    adapter = make_adapter(
        cfg.adapter,
        operator_index=index,
        seed=cfg.seed,
        outage_rate=cfg.outage_rate,
        lag_max=min(3.0, cfg.round_seconds / 2),
        settings=cfg,
        registry=metrics.registry,
    )
    node_cfg = NodeConfig(
        index=index,
        round_seconds=cfg.round_seconds,
        genesis=cfg.genesis,
        tolerance=Tolerance(cfg.sign_tolerance_bps, cfg.sentiment_tolerance_bps, cfg.time_tolerance),
        deviation_bps=cfg.deviation_bps,
        sentiment_deviation_bps=cfg.sentiment_deviation_bps,
        heartbeat_margin_rounds=cfg.heartbeat_margin_rounds,
        request_timeout=cfg.request_timeout,
        peers=tuple(cfg.explicit_peers() or cfg.peer_urls(MAX_OPERATORS)),
        faults=faults,
    )
    relayer = None
    if transmitter is not None:
        relayer = Relayer(
            store,
            chain,
            transmitter,
            metrics,
            max_gas=cfg.max_gas,
            max_gas_price_wei=int(cfg.max_gas_price_gwei * 10**9),
            report_ttl=cfg.report_ttl_rounds * cfg.round_seconds,
            round_seconds=cfg.round_seconds,
            genesis=cfg.genesis,
            crash_after_send="crash-after-send" in faults,
        )
    return OperatorService(node_cfg, signer, adapter, chain, store, metrics, relayer=relayer, transmitter=transmitter)


@dataclass(frozen=True)
class OperatorProcess:
    index: int
    url: str
    log: Path
    pid: int


def operator_argv(
    index: int, key_files, *, host: str, port: int, rpc_url: str, faults: Iterable[str] = ()
) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "oracle.cli",
        "run",
        "--operator-index",
        str(index),
        "--key-file",
        str(key_files.signer),
        "--transmitter-key-file",
        str(key_files.transmitter),
        "--password-file",
        str(key_files.password_file),
        "--host",
        host,
        "--port",
        str(port),
        "--rpc-url",
        rpc_url,
    ]
    for fault in faults:
        argv += ["--fault", fault]
    return argv


def fund_dev_transmitters(w3, n: int, wei: int = 1_000 * 10**18) -> None:
    """Local chain only: give the dev transmitters ETH for gas (anvil_setBalance)."""
    for address in dev_committee(n)[1]:
        w3.provider.make_request("anvil_setBalance", [address, hex(wei)])


def start_operators(
    sup: Supervisor,
    n: int,
    *,
    rpc_url: str,
    state_dir: Path | None = None,
    deployments_dir: Path | None = None,
    host: str | None = None,
    base_port: int | None = None,
    env: Mapping[str, str] | None = None,
    faults: Mapping[int, Iterable[str]] | None = None,
    only: Iterable[int] | None = None,
    timeout: float = 60.0,
    adapter: str | None = None,
    social_url: str | None = None,
) -> list[OperatorProcess]:
    """Start operators 0..n-1 (or those in `only`) of the local committee under `sup`.

    Keys are the anvil-mnemonic dev keys (keystores written under state_dir/oracle/keys);
    operator i listens on host:(base_port + i) and logs to state_dir/logs/oracle-i.log.
    `adapter` (FAME_ORACLE_ADAPTER; default native) is where every operator reads
    engagement, `social_url` (FAME_ORACLE_SOCIAL_URL) the social service the native adapter
    reads; both unset: the operators' own settings.
    The on-chain committee must already be `oracle.keys.dev_committee(n)` (the deploy step
    sets it) and the transmitters funded (`fund_dev_transmitters`). Returns once every
    started operator answers /health.
    """
    fame = fame_settings()
    state_dir = state_dir or fame.state_dir
    host = host or fame.host
    oracle_state = state_dir / "oracle"
    keys = write_dev_keystores(oracle_state, n)
    cfg_env = {"FAME_STATE_DIR": str(state_dir)}
    if deployments_dir is not None:
        cfg_env["FAME_DEPLOYMENTS_DIR"] = str(deployments_dir)
    if base_port is not None:
        cfg_env["FAME_ORACLE_BASE_PORT"] = str(base_port)
    if adapter is not None:
        cfg_env["FAME_ORACLE_ADAPTER"] = adapter
    if social_url is not None:
        cfg_env["FAME_ORACLE_SOCIAL_URL"] = social_url
    cfg_env.update(env or {})
    port0 = int(cfg_env.get("FAME_ORACLE_BASE_PORT", os.environ.get("FAME_ORACLE_BASE_PORT", 8600)))
    cfg_env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")])
    )
    started = []
    for i in range(n) if only is None else only:
        log = state_dir / "logs" / f"oracle-{i}.log"
        argv = operator_argv(i, keys[i], host=host, port=port0 + i, rpc_url=rpc_url, faults=(faults or {}).get(i, ()))
        proc = sup.start(f"oracle operator {i}", argv, log=log, env=cfg_env)
        started.append((i, proc, log))
    out = []
    for i, proc, log in started:
        url = f"http://{host}:{port0 + i}"

        def healthy(url: str = url) -> bool:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200

        wait_until(
            healthy,
            timeout,
            f"oracle operator {i}",
            proc=proc,
            log=log,
        )
        out.append(OperatorProcess(i, url, log, proc.pid))
    return out
