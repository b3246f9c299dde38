"""The round driver: every round, refresh the chain snapshot; in the rounds this operator
leads (epoch mod n), run the protocol:

1. collect signed observations of the epoch from every operator (its own included) and
   keep the valid ones; at least 2f+1 are needed;
2. take per-field medians per persona and keep the personas that are due (never
   reported, heartbeat close, or moved past the deviation threshold); none due: done;
3. sign the report and ask every operator to sign it (POST /sign with the attested
   observations); f+1 valid signatures are needed (the leader's own included);
4. hand the report to this operator's relayer, which puts it on chain.

A round that fails at any step simply produces no report; the next leader tries again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

import httpx

from fame.errors import FameError

from ..aggregate import DuePolicy, aggregate, quorum, select_due
from ..chainview import ChainUnavailable
from ..report import CompactSignature, Report, ReportError, pack_all, recover, sign_digest
from .models import ReportBody, SignedObservation, SignRequest, SignResponse
from .service import OperatorService, ProtocolError

log = logging.getLogger("fame.oracle.rounds")

# Fractions of a round: when the leader starts, and by when it must be done.
LEAD_AT = 0.15
DEADLINE = 0.9


class RoundDriver:
    def __init__(self, service: OperatorService) -> None:
        self.service = service
        self.cfg = service.cfg
        self.last_led: int | None = None
        self.last_outcome: str | None = None
        self._client: httpx.AsyncClient | None = None

    def peers(self, n: int) -> list[str]:
        return list(self.cfg.peers[:n])

    async def run(self) -> None:
        self._client = httpx.AsyncClient(timeout=self.cfg.request_timeout)
        try:
            while True:
                epoch = self.service.epoch_now()
                start = self.service.epoch_start(epoch)
                await _sleep_until(start + LEAD_AT * self.cfg.round_seconds)
                try:
                    await asyncio.to_thread(self._refresh)
                except Exception:  # noqa: BLE001 - the driver must outlive any one round
                    log.exception("refreshing the chain snapshot failed")
                snap = self.service.chain.snapshot
                if (
                    snap is not None
                    and snap.n
                    and self.service.leader_of(epoch, snap.n) == self.cfg.index
                    and self.service.epoch_now() == epoch
                ):
                    deadline = start + DEADLINE * self.cfg.round_seconds
                    try:
                        outcome = await asyncio.wait_for(self.lead(epoch), timeout=max(0.1, deadline - time.time()))
                    except TimeoutError:
                        outcome = "timeout"
                    except Exception as exc:  # noqa: BLE001 - a failed round must not stop the driver
                        log.exception("round %d failed", epoch)
                        outcome = f"error: {type(exc).__name__}"
                    self.last_led, self.last_outcome = epoch, outcome
                    self.service.metrics.rounds_led.labels(outcome=outcome.split(":")[0]).inc()
                    log.info("led epoch %d: %s", epoch, outcome)
                await _sleep_until(self.service.epoch_start(epoch + 1))
        finally:
            await self._client.aclose()

    def _refresh(self) -> None:
        try:
            self.service.chain.refresh()
        except ChainUnavailable as exc:
            log.warning("%s", exc)
        except FameError as exc:  # no deployment (yet): stay up, degraded, and look again next round
            log.error("%s", exc)

    # ------------------------------------------------------------ leading one round

    async def lead(self, epoch: int) -> str:
        svc = self.service
        client = self._client
        if client is None:
            raise RuntimeError("a round is led only while the driver runs")
        snap = svc.chain.snapshot
        if snap is None:
            return "no chain snapshot"
        peers = self.peers(snap.n)
        if svc.relayer is not None and snap.active_personas:
            # The round's leader also keeps staking's performance scores current (the oracle
            # decides which personas are due; see Relayer.request_push).
            svc.relayer.request_push(snap.active_personas)

        # 1. observations
        async def own() -> SignedObservation | None:
            try:
                return await asyncio.to_thread(svc.observation, epoch)
            except ProtocolError as exc:
                log.warning("own observation of epoch %d: %s", epoch, exc.detail)
                return None

        async def fetch(i: int) -> SignedObservation | None:
            try:
                r = await client.get(f"{peers[i]}/observation/{epoch}")
                r.raise_for_status()
                return SignedObservation.model_validate(r.json())
            except Exception as exc:  # noqa: BLE001 - a peer that is down or answers nonsense is skipped
                svc.metrics.peer_errors.labels(peer=str(i)).inc()
                log.info("operator %d gave no observation for epoch %d (%s)", i, epoch, type(exc).__name__)
                return None

        results = await asyncio.gather(*(own() if i == self.cfg.index else fetch(i) for i in range(snap.n)))
        attested: dict[int, dict] = {}
        valid: list[SignedObservation] = []
        for i, obs in enumerate(results):
            if obs is None or obs.operator_index != i:
                continue
            try:
                attested[i] = svc.verify_observation(obs, snap, epoch, snap.config_version)
                valid.append(obs)
            except ReportError as exc:
                log.warning("dropping an observation: %s", exc)
        if len(valid) < quorum(snap.f):
            return f"too few observations: {len(valid)} of {quorum(snap.f)}"

        # 2. medians and due personas
        medians = aggregate(attested, snap.f)
        medians = {pid: e for pid, e in medians.items() if pid in set(snap.active_personas)}
        policy = DuePolicy(
            heartbeat=snap.heartbeat,
            margin=self.cfg.heartbeat_margin_rounds * self.cfg.round_seconds,
            deviation_bps=self.cfg.deviation_bps,
            sentiment_deviation_bps=self.cfg.sentiment_deviation_bps,
        )
        # Staleness is judged by the chain's clock (what the contract's is_stale uses), which can
        # run ahead of ours (a dev chain whose time was moved forward).
        chain_now = snap.block_time + int(time.time() - snap.read_at) if snap.block_time else int(time.time())
        due = select_due(medians, snap.latest, chain_now, policy)
        if not due:
            return "idle: nothing due"
        report = Report(snap.config_version, epoch, tuple(pack_all(medians[p] for p in due)))
        digest = report.digest(snap.domain)
        leader_signature = sign_digest(svc.signer, digest).to_hex()
        request = SignRequest(
            report=ReportBody(
                config_version=report.config_version, epoch=epoch, observations=[hex(w) for w in report.observations]
            ),
            leader_signature=leader_signature,
            attestations=valid,
        )

        # 3. signatures (the leader checks its own report like any signer)
        async def own_sign() -> SignResponse | None:
            try:
                return await asyncio.to_thread(svc.sign, request)
            except ProtocolError as exc:
                log.warning("not signing my own report for epoch %d: %s", epoch, exc.detail)
                return None

        async def ask(i: int) -> SignResponse | None:
            try:
                r = await client.post(
                    f"{peers[i]}/sign", content=request.model_dump_json(), headers={"content-type": "application/json"}
                )
                if r.status_code != 200:
                    log.info("operator %d refused epoch %d: %s %s", i, epoch, r.status_code, r.text[:300])
                    return None
                return SignResponse.model_validate(r.json())
            except Exception as exc:  # noqa: BLE001
                svc.metrics.peer_errors.labels(peer=str(i)).inc()
                log.info("operator %d did not sign epoch %d (%s)", i, epoch, type(exc).__name__)
                return None

        answers = await asyncio.gather(*(own_sign() if i == self.cfg.index else ask(i) for i in range(snap.n)))
        signatures: list[CompactSignature] = []
        for i, answer in enumerate(answers):
            if answer is None or answer.operator_index != i:
                continue
            sig = CompactSignature.from_hex(answer.signature)
            try:
                if recover(digest, sig) == snap.signers[i]:
                    signatures.append(sig)
            except ReportError:
                continue
        if len(signatures) < snap.f + 1:
            return f"too few signatures: {len(signatures)} of {snap.f + 1}"
        if "crash-as-leader" in self.cfg.faults:  # fault injection for the tests: die mid-round
            os._exit(18)

        # 4. transmit (f+1 signatures: the cheapest acceptable set)
        if svc.relayer is None:
            return "signed, but this operator has no transmitter"
        svc.relayer.enqueue(report, signatures[: snap.f + 1])
        return f"reported {len(due)} personas with {len(signatures)} signatures"


async def _sleep_until(t: float) -> None:
    delay = t - time.time()
    if delay > 0:
        await asyncio.sleep(delay)
