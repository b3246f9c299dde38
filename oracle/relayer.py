"""The relayer: puts an operator's signed reports on chain from its transmitter account.

- Idempotent and ordered. Reports wait in SQLite (oracle.store), one row per epoch, and
  are handled oldest epoch first, one transaction in flight at a time. The raw signed
  transaction and its nonce are stored *before* the broadcast; after a crash the same
  bytes are looked up (mined?) or re-broadcast, so an epoch is never sent twice and a
  queued epoch is never skipped (it lands, or the chain has moved past it: superseded).
- Nonces: max(the node's pending count, highest nonce this relayer ever used + 1).
- Bounded gas: gas limit = estimate * 1.25 + 25k, at most FAME_ORACLE_MAX_GAS; fee per
  gas at most FAME_ORACLE_MAX_GAS_PRICE_GWEI (above it the report waits). A transaction
  pending too long is replaced with a 12.5%-higher fee, within the same cap.
- Retries: any RPC failure backs off exponentially (0.5 s doubling to 8 s, with jitter)
  and tries again; the RPC errors are counted.
- Staking performance pushes: when the node leads a round it asks for one
  (`request_push`); with no report open, the relayer asks the oracle which personas are
  due (`performance_due`) and sends `push_performance` for them, one at a time. Nothing
  about a push needs to survive a restart: the oracle keeps per persona when it was last
  pushed, so a repeated push is skipped on chain and a lost one is asked for again by the
  next round this node leads.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable

from eth_account.signers.local import LocalAccount
from eth_typing import HexStr
from web3.exceptions import ContractLogicError, TransactionNotFound
from web3.types import Nonce, TxParams, Wei

from .chainview import ChainView
from .metrics import NodeMetrics
from .report import CompactSignature, Report
from .store import QueuedReport, Store

log = logging.getLogger("fame.oracle.relayer")

GWEI = 10**9
STUCK_AFTER = 30.0  # seconds before a pending transaction gets a fee bump
# A node can count a mined transaction in the account's nonce before it serves the receipt
# (a loaded node, or a load balancer in front of several): a used nonce with no receipt of ours
# is conclusive only once the last attempt is this old.
RECEIPT_GRACE = 10.0
BUMP_NUM, BUMP_DEN = 9, 8  # +12.5%, what nodes require to replace a transaction
BACKOFF_MIN, BACKOFF_MAX = 0.5, 8.0


class RetryLater(Exception):
    """Nothing is wrong with the report; the chain cannot take it right now."""


class Relayer:
    def __init__(
        self,
        store: Store,
        chain: ChainView,
        account: LocalAccount,
        metrics: NodeMetrics,
        *,
        max_gas: int,
        max_gas_price_wei: int,
        report_ttl: float,
        round_seconds: float,
        genesis: int,
        crash_after_send: bool = False,
        clock: Callable[[], float] = time.time,
        receipt_grace: float = RECEIPT_GRACE,
    ) -> None:
        self.store = store
        self.chain = chain
        self.account = account
        self.metrics = metrics
        self.max_gas = max_gas
        self.max_gas_price = max_gas_price_wei
        self.report_ttl = report_ttl
        self.round_seconds = round_seconds
        self.genesis = genesis
        self.crash_after_send = crash_after_send
        self.clock = clock
        self.receipt_grace = receipt_grace
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = 0.0
        self.last_error: str | None = None
        self._push_ids: tuple[int, ...] = ()
        self._push_tx: tuple[str, float] | None = None  # (hash, sent at) of the push in flight

    # ------------------------------------------------------------ lifecycle

    def enqueue(self, report: Report, signatures: list[CompactSignature]) -> bool:
        added = self.store.enqueue(report, signatures)
        self._update_queue_gauge()
        self._wake.set()
        return added

    def request_push(self, persona_ids) -> None:
        """Ask for a staking performance push of these personas (sent once no report is open)."""
        self._push_ids = tuple(sorted(set(persona_ids)))
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relayer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.step()
                self._backoff = 0.0
                self.last_error = None
            except RetryLater as exc:
                busy = False
                self._note_retry(str(exc))
            except Exception as exc:  # noqa: BLE001 - RPC down, timeouts, node errors: back off and retry
                busy = False
                self.metrics.rpc_errors.inc()
                self._note_retry(f"{type(exc).__name__}: {exc}")
            self._update_queue_gauge()
            delay = 0.0 if busy else (self._backoff or 0.5)
            self._wake.wait(timeout=delay)
            self._wake.clear()

    def _note_retry(self, message: str) -> None:
        self.metrics.relayer_retries.inc()
        self.last_error = message
        self._backoff = min(BACKOFF_MAX, max(BACKOFF_MIN, self._backoff * 2)) * random.uniform(0.8, 1.2)
        log.warning("relayer: %s; retrying in %.1fs", message, self._backoff)

    def _update_queue_gauge(self) -> None:
        counts = self.store.counts()
        self.metrics.relayer_queue.set(sum(counts.get(s, 0) for s in ("queued", "signed", "sent")))

    # ------------------------------------------------------------ one step

    def step(self) -> bool:
        """Advance the oldest open report by one stage; True when there is more to do now."""
        reports = self.store.open_reports()
        if not reports:
            return self._push_step()
        row = reports[0]
        if row.status in ("signed", "sent"):
            return self._follow_up(row)
        return self._send(row)

    def _push_step(self) -> bool:
        """Follow the push in flight, or send the requested one if any persona is due."""
        w3, fn = self.chain.w3, self.chain.oracle.functions
        if self._push_tx is not None:
            tx_hash, sent_at = self._push_tx
            try:
                receipt = w3.eth.get_transaction_receipt(HexStr(tx_hash))
            except TransactionNotFound:
                if self.clock() - sent_at < self.report_ttl:
                    return False
                receipt = None  # dropped: forget it; the next leader round asks again
            self._push_tx = None
            outcome = "dropped" if receipt is None else ("confirmed" if receipt["status"] == 1 else "reverted")
            self.metrics.performance_pushes.labels(outcome=outcome).inc()
            log.info("relayer: performance push %s %s", tx_hash, outcome)
            return True
        ids = self._push_ids
        if not ids:
            return False
        # The request is dropped only once it is settled (sent, or nothing to send): an RPC
        # error on the way leaves it for the retry.
        due = list(fn.performance_due(list(ids)).call())
        if not due:
            self._push_ids = ()
            return False
        call = fn.push_performance(due)
        address = self.account.address
        try:
            estimate = call.estimate_gas({"from": address}, block_identifier="pending")
        except ContractLogicError as exc:  # e.g. no staking sink, or another operator pushed first
            self._push_ids = ()
            self.metrics.performance_pushes.labels(outcome="skipped").inc()
            log.info("relayer: no performance push: %s", exc.message or exc)
            return False
        gas = min(self.max_gas, int(estimate * 1.25) + 25_000)
        max_fee, tip = self._fees()
        nonce = Nonce(max(w3.eth.get_transaction_count(address, "pending"), (self.store.highest_nonce() or -1) + 1))
        tx = call.build_transaction(
            {
                "from": address,
                "nonce": nonce,
                "gas": gas,
                "maxFeePerGas": max_fee,
                "maxPriorityFeePerGas": tip,
                "chainId": w3.eth.chain_id,
            }
        )
        # eth-account types the transaction as a plain dict, which web3's TxParams TypedDict is not assignable to.
        signed = self.account.sign_transaction(tx)  # type: ignore[arg-type]
        self._broadcast("0x" + signed.raw_transaction.hex().removeprefix("0x"))
        self._push_ids = ()
        self._push_tx = ("0x" + signed.hash.hex().removeprefix("0x"), self.clock())
        log.info("relayer: performance push of %d personas sent (nonce %d)", len(due), nonce)
        return True

    def _epoch_age(self, epoch: int) -> float:
        return self.clock() - (self.genesis + epoch * self.round_seconds)

    def _send(self, row: QueuedReport) -> bool:
        oracle = self.chain.oracle
        fn = oracle.functions
        if self._epoch_age(row.epoch) > self.report_ttl:
            self._settle(row, "expired", "older than the report time-to-live")
            return True
        version, latest_epoch = fn.config_version().call(), fn.latest_epoch().call()
        if latest_epoch >= row.epoch:
            self._settle(row, "superseded", f"the chain already has epoch {latest_epoch}")
            return True
        if version != row.report.config_version:
            self._settle(row, "superseded", f"the committee changed (config version {version})")
            return True
        call = fn.transmit(row.report.as_call_arg(), [s.as_call_arg() for s in row.signatures])
        address = self.account.address
        try:
            # "pending": the next block's time (an idle chain's latest block may be minutes old).
            estimate = call.estimate_gas({"from": address}, block_identifier="pending")
        except ContractLogicError as exc:
            reason = exc.message or str(exc)
            status = "superseded" if "stale epoch" in reason or "stale observation" in reason else "failed"
            self._settle(row, status, reason)
            return True
        if estimate > self.max_gas:
            self._settle(row, "failed", f"needs {estimate} gas, more than the cap {self.max_gas}")
            return True
        gas = min(self.max_gas, int(estimate * 1.25) + 25_000)
        max_fee, tip = self._fees()
        nonce = Nonce(
            max(self.chain.w3.eth.get_transaction_count(address, "pending"), (self.store.highest_nonce() or -1) + 1)
        )
        tx = call.build_transaction(
            {
                "from": address,
                "nonce": nonce,
                "gas": gas,
                "maxFeePerGas": max_fee,
                "maxPriorityFeePerGas": tip,
                "chainId": self.chain.w3.eth.chain_id,
            }
        )
        self._sign_and_broadcast(row.epoch, nonce, tx)
        return True

    def _fees(self, floor: int = 0) -> tuple[Wei, Wei]:
        """(maxFeePerGas, maxPriorityFeePerGas) within the cap; RetryLater while the base fee is above it."""
        w3 = self.chain.w3
        base = w3.eth.get_block("latest").get("baseFeePerGas", 0)
        if base > self.max_gas_price:
            raise RetryLater(f"base fee {base / GWEI:.2f} gwei is above the cap {self.max_gas_price / GWEI:.2f} gwei")
        try:
            tip = min(w3.eth.max_priority_fee, self.max_gas_price - base)
        except Exception:  # noqa: BLE001 - nodes without eth_maxPriorityFeePerGas
            tip = min(GWEI, self.max_gas_price - base)
        max_fee = min(self.max_gas_price, max(2 * base + tip, floor))
        return Wei(max_fee), Wei(min(tip, max_fee))

    def _sign_and_broadcast(self, epoch: int, nonce: int, tx: TxParams) -> None:
        # eth-account types the transaction as a plain dict, which web3's TxParams TypedDict is not assignable to.
        signed = self.account.sign_transaction(tx)  # type: ignore[arg-type]
        tx_hash = "0x" + signed.hash.hex().removeprefix("0x")
        raw = "0x" + signed.raw_transaction.hex().removeprefix("0x")
        self.store.record_attempt(epoch, nonce, tx_hash, raw, int(tx["maxFeePerGas"]))  # durable first
        self._broadcast(raw)
        if self.crash_after_send:  # fault injection for the tests: die between broadcast and bookkeeping
            os._exit(17)
        self.store.set_status(epoch, "sent")
        log.info("relayer: epoch %d sent (nonce %d, tx %s)", epoch, nonce, tx_hash)

    def _broadcast(self, raw: str) -> None:
        try:
            self.chain.w3.eth.send_raw_transaction(HexStr(raw))
        except ValueError as exc:  # the node already has it, or it is already mined: both fine
            text = str(exc).lower()
            if not any(k in text for k in ("already known", "nonce too low", "known transaction", "already imported")):
                raise

    def _follow_up(self, row: QueuedReport) -> bool:
        """A transaction was built (and maybe sent) for this report: find out what became of it."""
        w3 = self.chain.w3
        attempts = self.store.attempts(row.epoch)
        for tx_hash, _nonce, _raw, _fee, _at in attempts:
            try:
                receipt = w3.eth.get_transaction_receipt(HexStr(tx_hash))
            except TransactionNotFound:
                continue
            if receipt["status"] == 1:
                self._settle(row, "confirmed", None)
                self.metrics.last_transmitted_epoch.set(row.epoch)
            elif self.chain.oracle.functions.latest_epoch().call() >= row.epoch:
                # Another operator's later report landed between our estimate and our block.
                self._settle(row, "superseded", f"transaction {tx_hash} reverted: a later epoch landed first")
            else:
                self._settle(row, "reverted", f"transaction {tx_hash} reverted")
            return True
        # Not mined. Is our nonce used up (by a transaction of ours we no longer know)?
        nonce = row.nonce if row.nonce is not None else attempts[-1][1]
        if w3.eth.get_transaction_count(self.account.address, "latest") > nonce:
            if time.time() - attempts[-1][4] < self.receipt_grace:  # the store stamps with time.time
                return False  # ours may be the one that used it, its receipt not served yet
            latest_epoch = self.chain.oracle.functions.latest_epoch().call()
            status = "superseded" if latest_epoch >= row.epoch else "failed"
            self._settle(row, status, "the nonce was used by another transaction")
            return True
        tx_hash, nonce, raw, fee, created = attempts[-1]
        try:
            w3.eth.get_transaction(HexStr(tx_hash))
            known = True
        except TransactionNotFound:
            known = False
        if not known:
            self._broadcast(raw)  # the node lost it (restart, or we died before sending): same bytes again
            self.store.set_status(row.epoch, "sent")
            return False
        if self.clock() - created > STUCK_AFTER and fee < self.max_gas_price:
            bumped, tip = self._fees(floor=fee * BUMP_NUM // BUMP_DEN + 1)
            if bumped > fee:
                tx = self._rebuild(row, nonce, bumped, tip)
                self._sign_and_broadcast(row.epoch, nonce, tx)
                return True
        return False

    def _rebuild(self, row: QueuedReport, nonce: int, max_fee: int, tip: int) -> TxParams:
        fn = self.chain.oracle.functions
        call = fn.transmit(row.report.as_call_arg(), [s.as_call_arg() for s in row.signatures])
        gas = self.chain.w3.eth.get_transaction(HexStr(row.tx_hash))["gas"] if row.tx_hash else self.max_gas
        return call.build_transaction(
            {
                "from": self.account.address,
                "nonce": Nonce(nonce),
                "gas": gas,
                "maxFeePerGas": Wei(max_fee),
                "maxPriorityFeePerGas": Wei(min(tip, max_fee)),
                "chainId": self.chain.w3.eth.chain_id,
            }
        )

    def _settle(self, row: QueuedReport, status: str, error: str | None) -> None:
        self.store.set_status(row.epoch, status, error)
        self.metrics.transmits.labels(outcome=status).inc()
        if status == "confirmed":
            log.info("relayer: epoch %d confirmed", row.epoch)
        else:
            log.warning("relayer: epoch %d %s: %s", row.epoch, status, error)
