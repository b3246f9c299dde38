"""The database connection: SQLite in WAL mode or PostgreSQL through psycopg 3.

`Database` owns the engine and the session factory, applies the migrations and tells
requests whether the database can be used. SQLite is opened so that a crash loses nothing
that was acknowledged (`synchronous=FULL` with the write-ahead log) and so that concurrent
writers queue instead of failing (`BEGIN IMMEDIATE` with a busy timeout: a deferred
transaction that reads and then writes can otherwise be refused outright when another
writer got there first). PostgreSQL connections are checked before use, so a restarted
server costs one failed request at most.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from fame.errors import FameError

log = logging.getLogger("social.db")

SQLITE_BUSY_TIMEOUT_MS = 5_000
PG_CONNECT_TIMEOUT_S = 3

#: Errors that mean "the database cannot be reached or used right now", not "the request is wrong".
UNAVAILABLE: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)


# A transaction is a write (the default: SQLite's BEGIN IMMEDIATE, the write lock from the start)
# or a read (BEGIN: a snapshot that never waits for writers nor holds them up).
MODE_OPTION = "social_mode"
WRITE, READ = "write", "read"


def _begin_as(session: Session, mode: str) -> None:
    if session.in_transaction():
        if session.connection().get_execution_options().get(MODE_OPTION, WRITE) == mode:
            return
        session.commit()
    session.connection(execution_options={MODE_OPTION: mode})


def begin_write(session: Session) -> None:
    """Start `session`'s transaction as a write (ending a read one first)."""
    _begin_as(session, WRITE)


def begin_read(session: Session) -> None:
    """Start `session`'s transaction as a read: nothing it does waits for or blocks a writer
    (what a request does while it waits on the chain, say)."""
    _begin_as(session, READ)


class DatabaseUnavailable(Exception):
    """The database cannot take requests (down, locked, not migrated yet); `str()` says which."""


def normalise_url(url: str) -> URL:
    """`url` as SQLAlchemy reads it, with PostgreSQL pointed at psycopg 3; FameError for other databases."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise FameError(f"FAME_DATABASE_URL {url!r} is not a database URL") from None
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise FameError(
                "the social database must be a file: use sqlite:///<path> (a memory database is per-connection)"
            )
        return parsed
    raise FameError(
        f"the social service stores in SQLite (sqlite:///<path>) or PostgreSQL (postgresql+psycopg://...), "
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
        read = conn.get_execution_options().get(MODE_OPTION) == READ
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

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
        """`busy_timeout_ms`: how long a SQLite write waits for another writer before it is a 503."""
        self.url = normalise_url(url)
        sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = _sqlite_engine(self.url, busy_timeout_ms) if sqlite else _postgres_engine(self.url)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        self._ready = threading.Event()
        self.last_error: str | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def describe(self) -> str:
        """The URL without its password (for logs and the CLI)."""
        return self.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Apply every migration not yet applied (see social.store.migrate); the schema is then ready."""
        from .migrate import upgrade

        upgrade(self.engine)
        self._ready.set()
        self.last_error = None

    def migrate_until_ready(
        self, stop: threading.Event, every: float = 2.0, on_error: Callable[[str], None] | None = None
    ) -> None:
        """Keep trying `migrate` until it succeeds or `stop` is set (a database that comes up late)."""
        while not stop.is_set():
            try:
                self.migrate()
                return
            except UNAVAILABLE as err:
                self.last_error = unavailable_reason(err)
                if on_error is not None:
                    on_error(self.last_error)
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
