"""A throwaway PostgreSQL server: `initdb` in a temporary folder, `postgres` on a free loopback
port, stopped by its PID and the folder removed at the end.

What the social service's PostgreSQL tests and the `social` benchmark run against. It uses the
server binaries of the machine (Debian's PostgreSQL 15, which `make test-tools` installs, or
any other version found); PostgreSQL refuses to run as root, so under root the binaries run as
the `postgres` user with the folder handed to it. Nothing listens beyond 127.0.0.1 and
anyone on the machine may connect as the superuser without a password (`trust`): it is for
tests and benchmarks only.

    with throwaway_postgres() as pg:
        name = pg.create_database()
        engine = create_engine(pg.url(name))   # postgresql+psycopg://postgres@127.0.0.1:<port>/<name>
        ...

`durable=True` keeps PostgreSQL's own durability settings (fsync, full-page writes,
synchronous commit: an acknowledged commit survives a crash); the default turns them off,
which is what tests want (fast, and nothing outlives them).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fame.errors import FameError
from fame.procs import free_port

#: Where Debian puts the server binaries of each major version.
DEBIAN_ROOT = Path("/usr/lib/postgresql")
#: The version `make test-tools` installs, preferred when several are there.
PREFERRED_MAJOR = 15

#: Settings for a server nothing has to survive: no fsync, small buffers.
THROWAWAY: dict[str, str] = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "shared_buffers": "16MB",
    "max_connections": "60",
}
#: Settings of a durable server (a benchmark comparing it with SQLite's synchronous=FULL):
#: PostgreSQL's defaults for durability, its default buffers.
DURABLE: dict[str, str] = {
    "fsync": "on",
    "full_page_writes": "on",
    "synchronous_commit": "on",
    "shared_buffers": "128MB",
    "max_connections": "60",
}

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresMissing(FameError):
    """No PostgreSQL server binaries on this machine."""


def find_bin_dir(bin_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder holding `initdb` and `postgres`: `bin_dir` when given, else Debian's
    /usr/lib/postgresql/<major>/bin (15 first, then the newest), else the one on PATH."""
    if bin_dir is not None:
        path = Path(bin_dir)
        return path if (path / "initdb").is_file() else None
    candidates: list[tuple[int, Path]] = []
    if DEBIAN_ROOT.is_dir():
        for d in DEBIAN_ROOT.iterdir():
            if d.name.isdigit() and (d / "bin" / "initdb").is_file():
                candidates.append((int(d.name), d / "bin"))
    for major, path in candidates:
        if major == PREFERRED_MAJOR:
            return path
    if candidates:
        return max(candidates)[1]
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def available(bin_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when a server can be started here (its binaries are installed)."""
    return find_bin_dir(bin_dir) is not None


def _drop_root() -> dict[str, Any]:
    """Popen arguments that run a child as `postgres` when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresMissing("running as root needs a `postgres` user to run the server as") from None
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


@dataclass
class PostgresServer:
    """One server in `folder` (its data in folder/data, its socket and log beside it).

    Build it with `PostgresServer.create()` (initdb, not started) or `throwaway_postgres()`
    (initdb, started, removed at the end).
    """

    folder: Path
    port: int
    user: str  # the superuser connections use
    bin_dir: Path
    settings: dict[str, str] = field(default_factory=lambda: dict(THROWAWAY))
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        folder: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        durable: bool = False,
        settings: Mapping[str, str] | None = None,
        bin_dir: str | os.PathLike[str] | None = None,
    ) -> PostgresServer:
        """initdb a new cluster in `folder` (default: a new temporary folder) for a server on
        `port` (default: a free one). `settings` are `postgres -c` options on top of
        THROWAWAY or DURABLE. PostgresMissing without the binaries. Under root, `folder` is
        handed to the `postgres` user, so every folder above it must let that user through
        (a folder inside another mkdtemp folder, mode 0700, does not: leave `folder` out)."""
        found = find_bin_dir(bin_dir)
        if found is None:
            raise PostgresMissing(
                "PostgreSQL's server binaries (initdb, postgres) are not installed: "
                "`make test-tools` installs Debian's postgresql"
            )
        as_pg = _drop_root()
        path = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="fame-pg-"))
        path.mkdir(parents=True, exist_ok=True)
        if as_pg:
            os.chown(path, as_pg["user"], as_pg["group"])
        user = "postgres" if as_pg else pwd.getpwuid(os.geteuid()).pw_name
        argv = [
            str(found / "initdb"), "-D", str(path / "data"), "-U", user, "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-instructions",
        ]  # fmt: skip
        if not durable:
            argv.append("--no-sync")
        done = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, **as_pg)
        if done.returncode != 0:
            raise FameError(f"initdb failed in {path}: {(done.stderr or done.stdout).strip()[-1500:]}")
        options = {**(DURABLE if durable else THROWAWAY), **(settings or {})}
        return cls(path, port or free_port(), user, found, options)

    # ------------------------------------------------------------------ addresses

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` (psycopg 3), as FAME_DATABASE_URL takes it."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """The libpq connection string of `database` (for psycopg.connect)."""
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"

    @property
    def log_path(self) -> Path:
        return self.folder / "postgres.log"

    def log_tail(self, chars: int = 2_000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # ------------------------------------------------------------------ the process

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server (in its own process group) and wait until it takes connections."""
        if self.running:
            return
        argv = [str(self.bin_dir / "postgres"), "-D", str(self.folder / "data"), "-p", str(self.port)]
        argv += ["-k", str(self.folder), "-c", "listen_addresses=127.0.0.1"]
        for key, value in self.settings.items():
            argv += ["-c", f"{key}={value}"]
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child holds its own descriptor
        try:
            self.proc = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **_drop_root(),
            )
        finally:
            log.close()
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise FameError(f"postgres did not start on port {self.port}: {self.log_tail()}")
            try:
                psycopg.connect(self.dsn(), connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)

    def stop(self, timeout: float = 20.0) -> None:
        """Fast shutdown by PID (SIGINT: open transactions are rolled back), then SIGKILL if it lingers."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.proc = None

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # ------------------------------------------------------------------ databases

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE / DROP DATABASE) as the superuser."""
        import psycopg
        from psycopg import sql as pgsql

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(pgsql.SQL(sql))

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (default name: t_<12 hex digits>); its name."""
        name = name or "t_" + uuid.uuid4().hex[:12]
        if not _NAME.match(name):
            raise ValueError(f"database name {name!r}: lower-case letters, digits and _ only")
        self.admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, disconnecting whoever is still on it (no error when it does not exist)."""
        if not _NAME.match(name):
            raise ValueError(f"database name {name!r}: lower-case letters, digits and _ only")
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def server_version(self) -> str:
        """`SHOW server_version`, e.g. '15.14 (Debian 15.14-0+deb12u1)'."""
        import psycopg

        with psycopg.connect(self.dsn()) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "unknown"


@contextmanager
def throwaway_postgres(
    *,
    durable: bool = False,
    settings: Mapping[str, str] | None = None,
    bin_dir: str | os.PathLike[str] | None = None,
    timeout: float = 30.0,
) -> Iterator[PostgresServer]:
    """A started server in a new temporary folder, stopped and removed on the way out
    (PostgresMissing without the binaries)."""
    server = PostgresServer.create(durable=durable, settings=settings, bin_dir=bin_dir)
    try:
        server.start(timeout=timeout)
        yield server
    finally:
        server.remove()
