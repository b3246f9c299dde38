"""The live server's database: SQLite in WAL mode or PostgreSQL through psycopg 3.

The engine, the sessions, the availability checks and the migrations runner are fame.db's,
shared with the social service; this module names the live store (`STORE`: its URL setting,
its migrations in `live/migrations/`, recorded in `live_alembic_version` so that the live
server can share a database with another service) and binds them to it.
"""

from __future__ import annotations

from pathlib import Path

from fame import db
from fame.db import (
    PG_CONNECT_TIMEOUT_S,
    SQLITE_BUSY_TIMEOUT_MS,
    UNAVAILABLE,
    DatabaseUnavailable,
    unavailable_reason,
)

__all__ = [
    "DOWN",
    "PG_CONNECT_TIMEOUT_S",
    "SQLITE_BUSY_TIMEOUT_MS",
    "STORE",
    "UNAVAILABLE",
    "Database",
    "DatabaseUnavailable",
    "normalise_url",
    "unavailable_reason",
    "why_down",
]

STORE = db.Store(
    name="live",
    owner="the live server",
    setting="FAME_LIVE_DATABASE_URL",
    module="live.store.migrate",
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    lock_key=0x11FE,  # an arbitrary constant: the key of the advisory lock the migrations take
    version_table="live_alembic_version",
)

#: UNAVAILABLE, and the database not being ready yet.
DOWN: tuple[type[Exception], ...] = (*UNAVAILABLE, DatabaseUnavailable)


def why_down(err: BaseException) -> str:
    return unavailable_reason(err) if isinstance(err, UNAVAILABLE) else str(err)


normalise_url = STORE.normalise_url


class Database(db.Database):
    """The live server's engine, session factory and whether its schema is ready."""

    def __init__(self, url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        super().__init__(url, STORE, busy_timeout_ms=busy_timeout_ms)
