"""In-process operators for the API tests: real services and routes, a fixed clock, and a
chain snapshot given by the test instead of read over JSON-RPC."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from oracle.aggregate import Tolerance, aggregate
from oracle.chainview import ChainView, Snapshot
from oracle.keys import dev_signer, dev_transmitter
from oracle.metrics import NodeMetrics
from oracle.node.models import ReportBody, SignRequest
from oracle.node.service import NodeConfig, OperatorService
from oracle.report import Report, pack_all, sign_digest
from oracle.simulator import SimulatedPlatform
from oracle.store import Store

ROUND = 10
NOW = 1_795_000_005.0
EPOCH = int(NOW) // ROUND  # genesis 0
ORACLE_ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
SIGNERS = [dev_signer(i) for i in range(4)]
TRANSMITTERS = [dev_transmitter(i) for i in range(4)]


class FakeChain(ChainView):
    """A ChainView whose snapshot the test sets (no RPC)."""

    def __init__(self, snapshot: Snapshot, metrics: NodeMetrics) -> None:
        self.metrics = metrics
        self.rpc_url = "fake://chain"
        self._snapshot = snapshot

    def refresh(self) -> Snapshot:
        return self._snapshot

    def set(self, **changes) -> None:
        self._snapshot = replace(self._snapshot, **changes)


def snapshot(**changes) -> Snapshot:
    base = Snapshot(
        chain_id=31337,
        oracle=ORACLE_ADDRESS,
        config_version=1,
        f=1,
        signers=tuple(s.address for s in SIGNERS),
        transmitters=tuple(t.address for t in TRANSMITTERS),
        heartbeat=600,
        latest_epoch=0,
        active_personas=(1, 2, 3),
        latest={},
        block_time=int(NOW),
        read_at=NOW,
    )
    return replace(base, **changes)


def make_service(
    index: int, state: Path, *, faults=(), clock=lambda: NOW, snap: Snapshot | None = None, seed: int = 7
) -> OperatorService:
    metrics = NodeMetrics()
    cfg = NodeConfig(
        index=index,
        round_seconds=ROUND,
        genesis=0,
        tolerance=Tolerance(500, 2_000, 120),
        deviation_bps=100,
        sentiment_deviation_bps=500,
        heartbeat_margin_rounds=2,
        request_timeout=1.0,
        faults=frozenset(faults),
    )
    return OperatorService(
        cfg,
        SIGNERS[index],
        SimulatedPlatform(seed, index),
        FakeChain(snap or snapshot(), metrics),
        Store(state / f"op{index}.sqlite3"),
        metrics,
        clock=clock,
    )


def proposal(services, epoch: int = EPOCH, leader: int | None = None, personas=None) -> tuple[Report, SignRequest]:
    """What the leader of `epoch` would send: medians of every service's observation."""
    snap = services[0].chain.snapshot
    observed = [s.observe(epoch) for s in services]
    medians = aggregate({s.cfg.index: own for s, (_, own) in zip(services, observed, strict=False)}, snap.f)
    chosen = [medians[p] for p in (personas or sorted(medians))]
    report = Report(snap.config_version, epoch, tuple(pack_all(chosen)))
    leader = epoch % snap.n if leader is None else leader
    leader_sig = sign_digest(SIGNERS[leader], report.digest(snap.domain)).to_hex()
    request = SignRequest(
        report=ReportBody(
            config_version=report.config_version, epoch=epoch, observations=[hex(w) for w in report.observations]
        ),
        leader_signature=leader_sig,
        attestations=[signed for signed, _ in observed],
    )
    return report, request
