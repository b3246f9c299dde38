"""The operator's protocol logic behind the HTTP routes (no HTTP in here).

An operator
- observes every active persona once per epoch through its platform adapter, adds the
  attendance badges of its live events from the chain (oracle.attendance), and signs that
  observation (EIP-712 `Observation`);
- signs a proposed report (EIP-712 `Report`) only if: it is for a recent epoch above the
  chain's, under the current committee version, signed by that epoch's leader, its values
  are exactly the medians of at least 2f+1 validly signed observations it carries, every
  value is within tolerance of this operator's own observation, and this operator has
  not signed a different report for that epoch (remembered in SQLite across restarts).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from eth_account.signers.local import LocalAccount

from ..adapters.base import PlatformAdapter, PlatformUnavailable
from ..aggregate import Tolerance, aggregate, quorum, tolerance_problems
from ..attendance import with_attendance
from ..chainview import ChainUnavailable, ChainView, Snapshot
from ..metrics import NodeMetrics
from ..relayer import Relayer
from ..report import (
    CompactSignature,
    Engagement,
    Report,
    ReportError,
    check_words,
    observation_digest,
    pack_all,
    recover,
    sign_digest,
)
from ..store import Store
from .models import ChainStatus, Health, RelayerStatus, SignedObservation, SignRequest, SignResponse

# Epochs before the current one that are still observed and signed (late leaders, retries).
EPOCH_GRACE = 2
OBSERVATION_CACHE = 8


class ProtocolError(Exception):
    """A request the operator refuses: HTTP `status`, a one-line `detail`, a metric `reason`."""

    def __init__(self, status: int, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.reason = reason


@dataclass(frozen=True)
class NodeConfig:
    index: int
    round_seconds: int
    genesis: int
    tolerance: Tolerance
    deviation_bps: int
    sentiment_deviation_bps: int
    heartbeat_margin_rounds: int
    request_timeout: float
    peers: tuple[str, ...] = ()
    faults: frozenset[str] = field(default_factory=frozenset)


class LyingAdapter(PlatformAdapter):
    """Fault injection for the tests: reports every count `factor` times too high."""

    def __init__(self, inner: PlatformAdapter, factor: int) -> None:
        self.inner = inner
        self.factor = factor
        self.name = f"{inner.name} (lying x{factor})"

    def observe(self, persona_ids, at):
        out = self.inner.observe(persona_ids, at)
        return {
            pid: Engagement(
                pid,
                e.views * self.factor,
                e.likes * self.factor,
                e.shares * self.factor,
                e.comments * self.factor,
                e.sentiment_bps,
                e.observed_at,
            ).clamped()
            for pid, e in out.items()
        }


class OperatorService:
    def __init__(
        self,
        cfg: NodeConfig,
        signer: LocalAccount,
        adapter: PlatformAdapter,
        chain: ChainView,
        store: Store,
        metrics: NodeMetrics,
        relayer: Relayer | None = None,
        transmitter: LocalAccount | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cfg = cfg
        self.signer = signer
        self.transmitter = transmitter
        self.adapter = LyingAdapter(adapter, 1000) if "lie-x1000" in cfg.faults else adapter
        self.chain = chain
        self.store = store
        self.metrics = metrics
        self.relayer = relayer
        self.clock = clock
        self._observations: OrderedDict[int, tuple[SignedObservation, dict[int, Engagement]]] = OrderedDict()
        self._observe_lock = threading.Lock()

    # ------------------------------------------------------------ time

    def epoch_at(self, t: float) -> int:
        return max(0, int((t - self.cfg.genesis) // self.cfg.round_seconds))

    def epoch_now(self) -> int:
        return self.epoch_at(self.clock())

    def epoch_start(self, epoch: int) -> int:
        return self.cfg.genesis + epoch * self.cfg.round_seconds

    def leader_of(self, epoch: int, n: int) -> int:
        return epoch % n

    def _check_window(self, epoch: int, what: str) -> None:
        current = self.epoch_now()
        if epoch > current:
            raise ProtocolError(409, f"epoch {epoch} has not started (current epoch is {current})", "future epoch")
        if epoch < current - EPOCH_GRACE:
            raise ProtocolError(
                409, f"epoch {epoch} is over: {what} only for epochs {current - EPOCH_GRACE}..{current}", "old epoch"
            )

    def snapshot(self) -> Snapshot:
        try:
            return self.chain.require()
        except ChainUnavailable as exc:
            raise ProtocolError(503, str(exc), "chain unavailable") from None

    # ------------------------------------------------------------ observing

    def observation(self, epoch: int) -> SignedObservation:
        return self.observe(epoch)[0]

    def observe(self, epoch: int) -> tuple[SignedObservation, dict[int, Engagement]]:
        """This operator's signed observation of `epoch` (made once, then cached)."""
        self._check_window(epoch, "observations are made")
        with self._observe_lock:
            cached = self._observations.get(epoch)
            if cached is not None:
                return cached
            snap = self.snapshot()
            if self.cfg.index >= snap.n:
                raise ProtocolError(409, f"operator {self.cfg.index} is not in the committee", "not in committee")
            try:
                seen = self.adapter.observe(list(snap.active_personas), self.epoch_start(epoch))
            except PlatformUnavailable as exc:
                self.metrics.observation_failures.labels(reason="platform unavailable").inc()
                raise ProtocolError(503, f"the platform cannot be read: {exc}", "platform unavailable") from None
            seen = with_attendance(seen, snap.badges)  # badges of live events count as participation
            words = pack_all(e.clamped() for e in seen.values())
            digest = observation_digest(snap.domain, snap.config_version, epoch, words)
            signed = SignedObservation(
                operator_index=self.cfg.index,
                epoch=epoch,
                config_version=snap.config_version,
                observations=[hex(w) for w in words],
                signature=sign_digest(self.signer, digest).to_hex(),
            )
            result = (signed, {e.persona_id: e for e in check_words(words)})
            self._observations[epoch] = result
            while len(self._observations) > OBSERVATION_CACHE:
                self._observations.popitem(last=False)
            self.metrics.observations.inc()
            return result

    # ------------------------------------------------------------ verifying

    @staticmethod
    def verify_observation(
        obs: SignedObservation, snap: Snapshot, epoch: int, config_version: int
    ) -> dict[int, Engagement]:
        """The engagements of a peer's observation; ReportError if it is not valid for this round."""
        if obs.epoch != epoch:
            raise ReportError(f"observation of operator {obs.operator_index} is for epoch {obs.epoch}, not {epoch}")
        if obs.config_version != config_version:
            raise ReportError(
                f"observation of operator {obs.operator_index} is for config version "
                f"{obs.config_version}, not {config_version}"
            )
        if obs.operator_index >= snap.n:
            raise ReportError(f"operator {obs.operator_index} is not in the committee of {snap.n}")
        words = [int(w, 16) for w in obs.observations]
        engagements = check_words(words)
        digest = observation_digest(snap.domain, obs.config_version, obs.epoch, words)
        if recover(digest, CompactSignature.from_hex(obs.signature)) != snap.signers[obs.operator_index]:
            raise ReportError(f"observation of operator {obs.operator_index} is not signed by its signer")
        return {e.persona_id: e for e in engagements}

    # ------------------------------------------------------------ signing

    def sign(self, request: SignRequest) -> SignResponse:
        try:
            response = self._sign(request)
        except ProtocolError as exc:
            self.metrics.sign_refusals.labels(reason=exc.reason).inc()
            raise
        return response

    def _sign(self, request: SignRequest) -> SignResponse:
        body = request.report
        try:
            report = Report(body.config_version, body.epoch, tuple(int(w, 16) for w in body.observations))
            proposed = report.engagements()
        except ReportError as exc:
            raise ProtocolError(422, f"malformed report: {exc}", "malformed report") from None
        self._check_window(report.epoch, "reports are signed")
        snap = self.snapshot()
        if report.config_version != snap.config_version:
            raise ProtocolError(
                409,
                f"report is for config version {report.config_version}, the chain's is {snap.config_version}",
                "wrong config version",
            )
        if report.epoch <= snap.latest_epoch:
            raise ProtocolError(
                409, f"epoch {report.epoch} is not above the chain's latest epoch {snap.latest_epoch}", "stale epoch"
            )
        if self.cfg.index >= snap.n:
            raise ProtocolError(409, f"operator {self.cfg.index} is not in the committee", "not in committee")
        domain = snap.domain
        digest = report.digest(domain)
        leader = self.leader_of(report.epoch, snap.n)
        try:
            leader_ok = recover(digest, CompactSignature.from_hex(request.leader_signature)) == snap.signers[leader]
        except ReportError:
            leader_ok = False
        if not leader_ok:
            raise ProtocolError(
                403,
                f"the report is not signed by the leader of epoch {report.epoch} (operator {leader})",
                "not from the leader",
            )

        attested: dict[int, dict[int, Engagement]] = {}
        for obs in request.attestations:
            if obs.operator_index in attested:
                raise ProtocolError(422, f"operator {obs.operator_index} is attested twice", "bad attestations")
            try:
                attested[obs.operator_index] = self.verify_observation(obs, snap, report.epoch, report.config_version)
            except ReportError as exc:
                raise ProtocolError(422, f"invalid attestation: {exc}", "bad attestations") from None
        if len(attested) < quorum(snap.f):
            raise ProtocolError(
                422, f"{len(attested)} attested observations; the median needs {quorum(snap.f)}", "bad attestations"
            )
        medians = aggregate(attested, snap.f)
        for e in proposed:
            if medians.get(e.persona_id) != e:
                raise ProtocolError(
                    422,
                    f"persona {e.persona_id}: the report's values are not the medians of the attested observations",
                    "not the medians",
                )

        _, own = self.observe(report.epoch)
        problems = tolerance_problems(proposed, own, self.cfg.tolerance)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ProtocolError(422, f"outside this operator's tolerance: {problems[0]}{more}", "tolerance")

        signature = sign_digest(self.signer, digest).to_hex()
        stored_digest, stored_signature = self.store.record_signed(report.epoch, "0x" + digest.hex(), signature)
        if stored_digest != "0x" + digest.hex():
            raise ProtocolError(
                409, f"this operator already signed a different report for epoch {report.epoch}", "conflicting report"
            )
        self.metrics.reports_signed.inc()
        return SignResponse(
            operator_index=self.cfg.index,
            signer=self.signer.address,
            digest="0x" + digest.hex(),
            signature=stored_signature,
        )

    # ------------------------------------------------------------ health

    def health(self) -> Health:
        snap = self.chain.snapshot
        fresh = snap is not None and self.clock() - snap.read_at < 3 * self.cfg.round_seconds + 5
        in_committee = (
            snap is not None and self.cfg.index < snap.n and snap.signers[self.cfg.index] == self.signer.address
        )
        relayer = None
        if self.relayer is not None:
            counts = self.store.counts()
            relayer = RelayerStatus(
                queued=sum(counts.get(s, 0) for s in ("queued", "signed", "sent")),
                confirmed=counts.get("confirmed", 0),
                last_transmitted_epoch=self.store.last_confirmed_epoch(),
                last_error=self.relayer.last_error,
            )
        epoch = self.epoch_now()
        self.metrics.current_epoch.set(epoch)
        return Health(
            status="ok" if fresh and in_committee else "degraded",
            operator_index=self.cfg.index,
            signer=self.signer.address,
            transmitter=self.transmitter.address if self.transmitter else None,
            adapter=self.adapter.name,
            epoch=epoch,
            round_seconds=self.cfg.round_seconds,
            chain=ChainStatus(
                reachable=fresh,
                config_version=snap.config_version if snap else None,
                latest_epoch=snap.latest_epoch if snap else None,
                committee_size=snap.n if snap else None,
                f=snap.f if snap else None,
                active_personas=len(snap.active_personas) if snap else None,
            ),
            relayer=relayer,
        )
