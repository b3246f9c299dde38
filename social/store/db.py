"""The social service's database: SQLite in WAL mode or PostgreSQL through psycopg 3.

The engine, the sessions, the availability checks and the migrations runner are fame.db's,
shared with the live server; this module names the social store (`STORE`: its URL setting,
its migrations in `social/migrations/`, the key of their lock) and binds them to it.
"""

from __future__ import annotations

from pathlib import Path

from fame import db
from fame.db import (
    PG_CONNECT_TIMEOUT_S,
    SQLITE_BUSY_TIMEOUT_MS,
    UNAVAILABLE,
    DatabaseUnavailable,
    begin_read,
    begin_write,
    unavailable_reason,
)

__all__ = [
    "PG_CONNECT_TIMEOUT_S",
    "SQLITE_BUSY_TIMEOUT_MS",
    "STORE",
    "UNAVAILABLE",
    "Database",
    "DatabaseUnavailable",
    "begin_read",
    "begin_write",
    "normalise_url",
    "unavailable_reason",
]

STORE = db.Store(
    name="social",
    owner="the social service",
    setting="FAME_DATABASE_URL",
    module="social.store.migrate",
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    lock_key=0x50C1A1,  # an arbitrary constant: the key of the advisory lock the migrations take
)
normalise_url = STORE.normalise_url


class Database(db.Database):
    """The social service's engine, session factory and whether its schema is ready."""

    def __init__(self, url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        super().__init__(url, STORE, busy_timeout_ms=busy_timeout_ms)
