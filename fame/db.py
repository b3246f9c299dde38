"""A service's database: SQLite in WAL mode or PostgreSQL through psycopg 3, migrated by Alembic.

What the social service and the live server share. Each describes its own database in a
`Store` (its names in messages, its migrations folder, the table that records their
revisions, the key of its migration lock) and keeps its models and revisions to itself.

`Database` owns the engine and the session factory, applies the migrations and tells
requests whether the database can be used. SQLite is opened so that a crash loses nothing
that was acknowledged (`synchronous=FULL` with the write-ahead log) and so that concurrent
writers, two processes on one file included, queue instead of failing (`BEGIN IMMEDIATE`
with a busy timeout: a deferred transaction that reads and then writes can otherwise be
refused outright when another writer got there first). PostgreSQL connections are checked
before use, so a restarted server costs one failed request at most.

Alembic is configured in code: no alembic.ini is needed, the script location is the
store's migrations folder and the connection is handed to env.py through the config's
attributes; env.py calls `Store.run_migrations`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from .errors import FameError

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


def unavailable_reason(err: BaseException) -> str:
    """One line saying why the database could not be used, without SQL or parameters."""
    orig = getattr(err, "orig", None) or err
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return first[:200]


# A transaction is a write (the default: SQLite's BEGIN IMMEDIATE, the write lock from the start)
# or a read (BEGIN: a snapshot that never waits for writers nor holds them up).
MODE_OPTION = "transaction_mode"
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


def open_engine(url: URL, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """The engine for a URL that `Store.normalise_url` returned (SQLite: its folder is made if missing)."""
    return _sqlite_engine(url, busy_timeout_ms) if url.get_backend_name() == "sqlite" else _postgres_engine(url)


# --- a service's store: its names, its migrations ----------------------------------------------


@dataclass(frozen=True)
class Store:
    """What sets one service's database apart: its names in messages and its migrations.

    A service binds its module-level names to these methods (`upgrade = STORE.upgrade`, ...).
    """

    name: str  # "social": "the social database must be a file", "run the social migrations ..."
    owner: str  # "the social service stores in SQLite ..."
    setting: str  # the environment variable the URL comes from, named when it is not a URL
    module: str  # the module that applies the migrations (`python -m <module> upgrade`)
    migrations: Path  # Alembic's script location: env.py, script.py.mako, versions/
    lock_key: int  # PostgreSQL: the advisory lock the upgrade holds, so two processes apply each revision once
    version_table: str = "alembic_version"

    def normalise_url(self, url: str) -> URL:
        """`url` as SQLAlchemy reads it, with PostgreSQL pointed at psycopg 3; FameError for other databases."""
        try:
            parsed = make_url(url)
        except exc.ArgumentError:
            raise FameError(f"{self.setting} {url!r} is not a database URL") from None
        if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
            return parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
            if not parsed.database or parsed.database == ":memory:":
                raise FameError(
                    f"the {self.name} database must be a file: use sqlite:///<path> "
                    "(a memory database is per-connection)"
                )
            return parsed
        raise FameError(
            f"{self.owner} stores in SQLite (sqlite:///<path>) or PostgreSQL (postgresql+psycopg://...), "
            f"not {parsed.drivername}"
        )

    def alembic_config(self, connection: Connection | None = None) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(self.migrations))
        cfg.set_main_option("path_separator", "os")
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def upgrade(self, engine: Engine, revision: str = "head") -> None:
        """Apply every migration up to `revision` in one transaction."""
        with engine.begin() as conn:
            command.upgrade(self.alembic_config(conn), revision)

    def head(self) -> str | None:
        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def current(self, engine: Engine) -> str | None:
        with engine.connect() as conn:
            opts = {"version_table": self.version_table}
            return MigrationContext.configure(conn, opts=opts).get_current_revision()

    def run_migrations(self, target_metadata: MetaData) -> None:
        """The body of the store's env.py: run its migrations on the connection `upgrade` put in the config.

        Batch mode is on, so a later revision that alters a column works on SQLite too (it copies
        the table). On PostgreSQL the upgrade holds the store's advisory lock, so two processes
        starting against one database apply each revision once.
        """
        from alembic import context  # filled in by Alembic while it runs env.py

        connection = context.config.attributes.get("connection")
        if connection is None:
            raise RuntimeError(f"run the {self.name} migrations through {self.module} (it passes the connection)")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            version_table=self.version_table,
        )
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key})
        with context.begin_transaction():
            context.run_migrations()

    def main(self, argv: list[str], default_url: Callable[[], str]) -> None:
        """`python -m <module>`: `upgrade` applies every migration; `revision -m "<what changes>"`
        writes a new one from the difference between the models and a database already at head."""
        import argparse

        parser = argparse.ArgumentParser(prog=f"python -m {self.module}")
        sub = parser.add_subparsers(dest="cmd", required=True)
        rev = sub.add_parser(
            "revision", help="write a new revision from the difference between the models and the database"
        )
        rev.add_argument("-m", "--message", required=True)
        sub.add_parser("upgrade", help="apply every migration")
        parser.add_argument("--database-url", default=None)
        args = parser.parse_args(argv)
        db = Database(args.database_url or default_url(), self)
        if args.cmd == "upgrade":
            self.upgrade(db.engine)
        else:
            with db.engine.begin() as conn:
                command.revision(self.alembic_config(conn), message=args.message, autogenerate=True)


# --- the database a service holds ------------------------------------------------------------


class Database:
    """The engine, the session factory and whether the schema is ready."""

    def __init__(self, url: str, store: Store, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        """`busy_timeout_ms`: how long a SQLite write waits for another writer before it is a 503."""
        self.store = store
        self.url = store.normalise_url(url)
        self.engine = open_engine(self.url, busy_timeout_ms)
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
        """Apply every migration not yet applied; the schema is then ready."""
        self.store.upgrade(self.engine)
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
