"""The database connection: SQLite in WAL mode or PostgreSQL through psycopg 3.

SQLite is opened so that a crash loses nothing that was committed (`synchronous=FULL` with
the write-ahead log) and so that concurrent writers, two server processes on one file
included, queue instead of failing (`BEGIN IMMEDIATE` with a busy timeout). PostgreSQL
connections are checked before use, so a restarted database costs one failed write at most.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from fame.errors import FameError

SQLITE_BUSY_TIMEOUT_MS = 5_000
PG_CONNECT_TIMEOUT_S = 3

#: Errors that mean "the database cannot be reached or used right now", not "the request is wrong".
UNAVAILABLE: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)


class DatabaseUnavailable(Exception):
    """The database cannot take requests (down, locked, not migrated yet); `str()` says which."""


#: UNAVAILABLE, and the database not being ready yet.
DOWN: tuple[type[Exception], ...] = (*UNAVAILABLE, DatabaseUnavailable)


def why_down(err: BaseException) -> str:
    return unavailable_reason(err) if isinstance(err, UNAVAILABLE) else str(err)


def normalise_url(url: str) -> URL:
    """`url` as SQLAlchemy reads it, with PostgreSQL pointed at psycopg 3; FameError for other databases."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise FameError(f"FAME_LIVE_DATABASE_URL {url!r} is not a database URL") from None
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise FameError(
                "the live database must be a file: use sqlite:///<path> (a memory database is per-connection)"
            )
        return parsed
    raise FameError(
        f"the live server stores in SQLite (sqlite:///<path>) or PostgreSQL (postgresql+psycopg://...), "
        f"not {parsed.drivername}"
    )


def _sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    Path(str(url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off; the "begin" hook below opens them.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: URL) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )


class Database:
    """The engine, the session factory and whether the schema is ready."""

    def __init__(self, url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        self.url = normalise_url(url)
        sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = _sqlite_engine(self.url, busy_timeout_ms) if sqlite else _postgres_engine(self.url)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        self._ready = threading.Event()
        self.last_error: str | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def describe(self) -> str:
        """The URL without its password (for logs and the CLI)."""
        return self.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Apply every migration not yet applied (live.store.migrate); the schema is then ready."""
        from .migrate import upgrade

        upgrade(self.engine)
        self._ready.set()
        self.last_error = None

    def migrate_until_ready(self, stop: threading.Event, every: float = 2.0) -> None:
        """Keep trying `migrate` until it succeeds or `stop` is set (a database that comes up late)."""
        while not stop.is_set():
            try:
                self.migrate()
                return
            except UNAVAILABLE as err:
                self.last_error = unavailable_reason(err)
            stop.wait(every)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def unavailable_reason(err: BaseException) -> str:
    """One line saying why the database could not be used, without SQL or parameters."""
    orig = getattr(err, "orig", None) or err
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return first[:200]
