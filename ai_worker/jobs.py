"""The worker's persistent job store (SQLite): what it has seen on chain and how far each job got.

A job is one content request of the market. Its `stage` only moves forward:

    seen -> claimed -> published -> fulfilled -> released
       \\-> rejected (bad brief: never claimed)     \\-> lost (another worker holds it, or it was
                                                       settled without us)
                 \\-> held (what the models wrote failed moderation every time, or a video's
                          script cannot be spoken: nothing is published; the operator sees why
                          in `fame worker status`)

Each stage is written after the effect it names is durable (a mined transaction, content
pinned), so a worker killed at any point resumes from the last recorded stage; every step
first re-reads the request on chain, so a step whose effect happened but was not recorded
(killed between the transaction and the write) is recognised instead of repeated.
Transient failures (IPFS or RPC down) keep the stage and set `next_attempt_at` with an
exponential back-off.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STAGES = ("seen", "claimed", "published", "fulfilled", "released", "rejected", "lost", "held")
ACTIVE = ("seen", "claimed", "published", "fulfilled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    request_id     INTEGER PRIMARY KEY,
    persona_id     INTEGER NOT NULL,
    kind           INTEGER NOT NULL,
    emotion        INTEGER NOT NULL,
    fee            TEXT    NOT NULL,
    deadline       INTEGER NOT NULL,
    brief_cid      TEXT    NOT NULL,
    stage          TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL   NOT NULL DEFAULT 0,
    content_cid    TEXT,
    manifest_cid   TEXT,
    emotion_used   TEXT,
    error          TEXT,
    updated_at     REAL    NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Job:
    request_id: int
    persona_id: int
    kind: int
    emotion: int
    fee: int
    deadline: int
    brief_cid: str
    stage: str
    attempts: int
    next_attempt_at: float
    content_cid: str | None
    manifest_cid: str | None
    emotion_used: str | None
    error: str | None


class JobStore:
    """SQLite file at `path` (WAL, one writer: the worker process)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- the scan cursor: requests are read from confirmed blocks only, once
    def last_block(self, default: int) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'last_block'").fetchone()
        return int(row[0]) if row else default

    def set_last_block(self, block: int) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES('last_block', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(block),),
        )

    # -- small records kept between restarts (e.g. the oracle's reading when an emotion hint was given)
    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta_items(self, prefix: str) -> list[tuple[str, str]]:
        return self.db.execute(
            "SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (prefix.replace("%", "") + "%",)
        ).fetchall()

    def delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", (key,))

    # -- jobs
    def add(
        self, *, request_id: int, persona_id: int, kind: int, emotion: int, fee: int, deadline: int, brief_cid: str
    ) -> bool:
        """Records a newly seen request; False if it was already known (a rescan)."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO jobs(request_id, persona_id, kind, emotion, fee, deadline, brief_cid, stage,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'seen', ?)",
            (request_id, persona_id, kind, emotion, str(fee), deadline, brief_cid, time.time()),
        )
        return cur.rowcount == 1

    def get(self, request_id: int) -> Job | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE request_id = ?", (request_id,)).fetchone()
        return _job(row) if row else None

    def due(self, now: float | None = None) -> Iterator[Job]:
        """Active jobs whose back-off has elapsed, oldest request first."""
        now = time.time() if now is None else now
        marks = ",".join("?" * len(ACTIVE))
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM jobs WHERE stage IN ({marks}) AND next_attempt_at <= ? ORDER BY request_id",
            (*ACTIVE, now),
        ).fetchall()
        return (_job(r) for r in rows)

    def advance(self, request_id: int, stage: str, **fields: object) -> None:
        """Moves a job to `stage` (clearing its retry state) and records `fields`."""
        assert stage in STAGES, stage
        sets = ", ".join(f"{k} = ?" for k in fields)
        extra = f", {sets}" if sets else ""
        self.db.execute(
            f"UPDATE jobs SET stage = ?, attempts = 0, next_attempt_at = 0, error = NULL, updated_at = ?{extra} "
            "WHERE request_id = ?",
            (stage, time.time(), *fields.values(), request_id),
        )

    def retry_later(self, request_id: int, error: str, *, base: float = 1.0, cap: float = 60.0) -> float:
        """Keeps the stage, records the error and backs off exponentially; returns the delay."""
        attempts = self.db.execute("SELECT attempts FROM jobs WHERE request_id = ?", (request_id,)).fetchone()[0]
        delay = min(cap, base * 2**attempts)
        self.db.execute(
            "UPDATE jobs SET attempts = attempts + 1, next_attempt_at = ?, error = ?, updated_at = ? "
            "WHERE request_id = ?",
            (time.time() + delay, error[:500], time.time(), request_id),
        )
        return delay

    def wake_all(self) -> None:
        """Makes every waiting job due now (after an outage is over, or the clock jumped)."""
        self.db.execute("UPDATE jobs SET next_attempt_at = 0")

    def wait_until(self, request_id: int, when: float) -> None:
        """Leaves the job as it is until wall-clock time `when`."""
        self.db.execute("UPDATE jobs SET next_attempt_at = ? WHERE request_id = ?", (when, request_id))

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT stage, COUNT(*) FROM jobs GROUP BY stage").fetchall())

    def all(self) -> list[Job]:
        return [_job(r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM jobs ORDER BY request_id").fetchall()]


_COLUMNS = (
    "request_id, persona_id, kind, emotion, fee, deadline, brief_cid, stage, attempts, next_attempt_at, "
    "content_cid, manifest_cid, emotion_used, error"
)


def _job(row: tuple) -> Job:
    values = list(row)
    values[4] = int(values[4])
    return Job(*values)
