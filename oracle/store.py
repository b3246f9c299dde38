"""An operator's durable state in SQLite (one file per operator, WAL mode).

    signed       one row per epoch this operator signed a report for: it never signs a
                 second, different report for the same epoch (also across restarts)
    reports      the relayer's queue: one row per epoch, with its status
                 queued -> signed (raw transaction stored, not yet known sent) -> sent
                 -> confirmed | reverted; or superseded / failed / expired
    attempts     every raw transaction built for a report (a fee bump adds one)

The relayer writes the raw transaction and its nonce *before* broadcasting it, so a
restart finds it and either sees it mined or re-broadcasts the very same bytes: an epoch
is never sent twice with two nonces, and a queued epoch is never forgotten.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .report import CompactSignature, Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS signed (
    epoch INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    signature TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    epoch INTEGER PRIMARY KEY,
    config_version INTEGER NOT NULL,
    report TEXT NOT NULL,
    signatures TEXT NOT NULL,
    status TEXT NOT NULL,
    nonce INTEGER,
    tx_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    tx_hash TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    raw_tx TEXT NOT NULL,
    max_fee INTEGER NOT NULL,
    created_at REAL NOT NULL
);
"""

OPEN = ("queued", "signed", "sent")
FINAL = ("confirmed", "reverted", "superseded", "failed", "expired")


@dataclass
class QueuedReport:
    epoch: int
    report: Report
    signatures: list[CompactSignature]
    status: str
    nonce: int | None
    tx_hash: str | None
    attempts: int
    last_error: str | None
    created_at: float
    updated_at: float


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------ signing

    def record_signed(self, epoch: int, digest: str, signature: str) -> tuple[str, str]:
        """Record the signature of `epoch` unless one exists; returns the one that stands."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO signed (epoch, digest, signature, created_at) VALUES (?, ?, ?, ?)",
                (epoch, digest, signature, time.time()),
            )
            row = self._db.execute("SELECT digest, signature FROM signed WHERE epoch = ?", (epoch,)).fetchone()
        return row[0], row[1]

    # ------------------------------------------------------------ relayer queue

    def enqueue(self, report: Report, signatures: list[CompactSignature]) -> bool:
        """Queue a report for its epoch; False if that epoch is already queued (idempotent)."""
        now = time.time()
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO reports (epoch, config_version, report, signatures, status, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
                (
                    report.epoch,
                    report.config_version,
                    json.dumps(report.to_json()),
                    json.dumps([s.to_hex() for s in signatures]),
                    now,
                    now,
                ),
            )
        return cur.rowcount == 1

    def open_reports(self) -> list[QueuedReport]:
        """Reports not yet settled, oldest epoch first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT epoch, report, signatures, status, nonce, tx_hash, attempts, last_error, "
                "created_at, updated_at "
                "FROM reports WHERE status IN ('queued', 'signed', 'sent') ORDER BY epoch"
            ).fetchall()
        return [self._row(r) for r in rows]

    def report(self, epoch: int) -> QueuedReport | None:
        with self._lock:
            row = self._db.execute(
                "SELECT epoch, report, signatures, status, nonce, tx_hash, attempts, last_error, "
                "created_at, updated_at "
                "FROM reports WHERE epoch = ?",
                (epoch,),
            ).fetchone()
        return self._row(row) if row else None

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM reports GROUP BY status").fetchall()
        return dict(rows)

    def last_confirmed_epoch(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT MAX(epoch) FROM reports WHERE status = 'confirmed'").fetchone()
        return row[0]

    @staticmethod
    def _row(r) -> QueuedReport:
        return QueuedReport(
            epoch=r[0],
            report=Report.from_json(json.loads(r[1])),
            signatures=[CompactSignature.from_hex(s) for s in json.loads(r[2])],
            status=r[3],
            nonce=r[4],
            tx_hash=r[5],
            attempts=r[6],
            last_error=r[7],
            created_at=r[8],
            updated_at=r[9],
        )

    def set_status(self, epoch: int, status: str, error: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE reports SET status = ?, last_error = ?, updated_at = ? WHERE epoch = ?",
                (status, error, time.time(), epoch),
            )

    def record_attempt(self, epoch: int, nonce: int, tx_hash: str, raw_tx: str, max_fee: int) -> None:
        """Write-ahead: the raw transaction is durable before it is broadcast."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT OR IGNORE INTO attempts (tx_hash, epoch, nonce, raw_tx, max_fee, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (tx_hash, epoch, nonce, raw_tx, max_fee, now),
                )
                self._db.execute(
                    "UPDATE reports SET status = 'signed', nonce = ?, tx_hash = ?, updated_at = ? WHERE epoch = ?",
                    (nonce, tx_hash, now, epoch),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def attempts(self, epoch: int) -> list[tuple[str, int, str, int, float]]:
        """(tx_hash, nonce, raw_tx, max_fee, created_at) of every transaction built for `epoch`, oldest first."""
        with self._lock:
            return self._db.execute(
                "SELECT tx_hash, nonce, raw_tx, max_fee, created_at FROM attempts WHERE epoch = ? ORDER BY created_at",
                (epoch,),
            ).fetchall()

    def highest_nonce(self) -> int | None:
        with self._lock:
            return self._db.execute("SELECT MAX(nonce) FROM attempts").fetchone()[0]
