"""What an operator reads from the chain, with a cache that outlives RPC outages.

Contracts come from the deployment manifest through fame.chain (`EngagementOracle`, the
ABI of `PersonaRegistry` at the address the oracle itself checks against, and
`PersonaEvents` when the deployment has it). Every round the node refreshes one snapshot
(committee, epochs, heartbeat, active personas, their on-chain values and attendance
badges) in two JSON-RPC batches; while the node is unreachable the last snapshot stays in
use and every failure is counted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.contract import Contract

from fame.chain import Chain
from fame.errors import FameError

from .metrics import NodeMetrics
from .report import Domain, decode_stored

ORACLE_NAME = "EngagementOracle"
REGISTRY_NAME = "PersonaRegistry"
EVENTS_NAME = "PersonaEvents"
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class ChainUnavailable(Exception):
    """The JSON-RPC node cannot be read right now (and nothing is cached)."""


@dataclass(frozen=True)
class Snapshot:
    """The on-chain state an operator works from."""

    chain_id: int
    oracle: str
    config_version: int
    f: int
    signers: tuple[str, ...]
    transmitters: tuple[str, ...]
    heartbeat: int
    latest_epoch: int
    active_personas: tuple[int, ...]
    latest: dict[int, dict[str, int]] = field(default_factory=dict)
    #: attendance badges minted for each active persona's events (PersonaEvents.persona_badges;
    #: empty where the deployment has no PersonaEvents)
    badges: dict[int, int] = field(default_factory=dict)
    block_time: int = 0
    read_at: float = 0.0

    @property
    def n(self) -> int:
        return len(self.signers)

    @property
    def domain(self) -> Domain:
        return Domain(self.chain_id, self.oracle)


def make_web3(rpc_url: str, timeout: float = 3.0) -> Web3:
    """A web3 connection that fails fast (no built-in retries: the callers back off)."""
    return Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None))


class ChainView:
    def __init__(self, rpc_url: str, deployments_dir: Path | None, metrics: NodeMetrics, timeout: float = 3.0) -> None:
        self.rpc_url = rpc_url
        self.w3 = make_web3(rpc_url, timeout)
        self.deployments_dir = deployments_dir
        self.metrics = metrics
        self._chain: Chain | None = None
        self._registry: Contract | None = None
        self._events: Contract | None = None
        self._events_known = False
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ contracts

    def _connect(self) -> Chain:
        if self._chain is None:
            chain = Chain(self.w3, self.deployments_dir)
            chain.manifest  # noqa: B018 - FameError now if there is no deployment
            self._chain = chain
        return self._chain

    @property
    def oracle(self) -> Contract:
        return self._connect().contract(ORACLE_NAME)

    def _registry_contract(self) -> Contract | None:
        if self._registry is None:
            address = self.oracle.functions.REGISTRY().call()
            if address == ZERO_ADDRESS:
                return None
            abi = self._connect().manifest.contract(REGISTRY_NAME).abi
            self._registry = self.w3.eth.contract(address=address, abi=abi)
        return self._registry

    def _events_contract(self) -> Contract | None:
        """PersonaEvents, or None for a deployment without live events (looked up once)."""
        if not self._events_known:
            chain = self._connect()
            if EVENTS_NAME in chain.manifest.contracts:
                self._events = chain.contract(EVENTS_NAME)
            self._events_known = True
        return self._events

    # ------------------------------------------------------------ snapshot

    @property
    def snapshot(self) -> Snapshot | None:
        """The last snapshot read (None before the first successful read)."""
        return self._snapshot

    def require(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            raise ChainUnavailable("the chain has not been read yet (is the RPC node up?)")
        return snap

    def refresh(self) -> Snapshot:
        """Read a new snapshot; on failure count it and keep (and return) the previous one."""
        with self._lock:
            try:
                snap = self._read()
            except FameError:
                raise
            except Exception as exc:  # noqa: BLE001 - any transport or decoding failure
                self.metrics.rpc_errors.inc()
                if self._snapshot is None:
                    raise ChainUnavailable(f"cannot read the chain at {self.rpc_url} ({type(exc).__name__})") from None
                return self._snapshot
            self._snapshot = snap
            self.metrics.last_epoch.set(snap.latest_epoch)
            return snap

    def _read(self) -> Snapshot:
        oracle = self.oracle
        fn = oracle.functions
        registry = self._registry_contract()
        events = self._events_contract()
        with self.w3.batch_requests() as batch:
            batch.add(fn.config_version())
            batch.add(fn.f())
            batch.add(fn.signers())
            batch.add(fn.transmitters())
            batch.add(fn.heartbeat())
            batch.add(fn.latest_epoch())
            # "pending": the time the next block would carry, i.e. the chain's clock now (an idle
            # dev chain's latest block may be minutes old, and a warped one days ahead of ours).
            batch.add(self.w3.eth.get_block("pending"))
            if registry is not None:
                batch.add(registry.functions.persona_count())
            # web3 types a batch's results as raw RPC responses; they come back decoded
            head: list[Any] = batch.execute()
        version, f, signers, transmitters, heartbeat, latest_epoch, block = head[:7]
        count = head[7] if registry is not None else 0
        active: list[int] = []
        latest: dict[int, dict[str, int]] = {}
        badges: dict[int, int] = {}
        if registry is not None and count:
            ids = list(range(1, count + 1))
            with self.w3.batch_requests() as batch:
                for pid in ids:
                    batch.add(registry.functions.is_active(pid))
                for pid in ids:
                    batch.add(fn.latest_packed(pid))
                if events is not None:
                    for pid in ids:
                        batch.add(events.functions.persona_badges(pid))
                results: list[Any] = batch.execute()
            active = [pid for pid, ok in zip(ids, results[:count], strict=False) if ok]
            words = zip(ids, results[count : 2 * count], strict=False)
            latest = {pid: decode_stored(word) for pid, word in words if word}
            if events is not None:
                minted = zip(ids, results[2 * count : 3 * count], strict=False)
                badges = {pid: int(n) for pid, n in minted if n and pid in active}
        return Snapshot(
            chain_id=self._connect().chain_id,
            oracle=oracle.address,
            config_version=version,
            f=f,
            signers=tuple(signers),
            transmitters=tuple(transmitters),
            heartbeat=heartbeat,
            latest_epoch=latest_epoch,
            active_personas=tuple(active),
            latest=latest,
            badges=badges,
            block_time=block["timestamp"],
            read_at=time.time(),
        )
