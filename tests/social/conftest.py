"""Fixtures of the social service's tests: a real PostgreSQL server for the whole session,
a fresh database per test on SQLite or PostgreSQL, and the service on it.

The PostgreSQL server is Debian's PostgreSQL 15 (`make test-tools` installs it), started by
`initdb` in a temporary folder and `postgres` on a free loopback port; it refuses to run as
root, so under root the binaries run as the `postgres` user with the folder chowned to it.
It is stopped by its PID at the end of the session. Without the binaries, the PostgreSQL
half of the parametrised tests is skipped (the SQLite half still runs).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fame.procs import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Postgres:
    port: int
    folder: Path
    proc: subprocess.Popen[bytes]
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True) as c:
            c.execute(sql)  # type: ignore[call-overload]

    def create_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Fast shutdown by PID (SIGINT), then SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def start(self) -> None:
        self.proc = _start_server(self.folder, self.port)


def _as_postgres() -> dict[str, Any]:
    """Popen arguments that drop root to the `postgres` user (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam("postgres")
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    argv = [
        str(PG_BIN / "postgres"),
        "-D", str(folder / "data"),
        "-p", str(port),
        "-k", str(folder),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "fsync=off",
        "-c", "full_page_writes=off",
        "-c", "shared_buffers=16MB",
        "-c", "max_connections=60",
    ]  # fmt: skip
    log = open(folder / "postgres.log", "ab")  # noqa: SIM115 - the child holds its own descriptor
    try:
        proc = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **_as_postgres(),
        )
    finally:
        log.close()
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("postgres did not start: " + (folder / "postgres.log").read_text()[-2000:])
        try:
            user = pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() != 0 else "postgres"
            psycopg.connect(f"host=127.0.0.1 port={port} user={user} dbname=postgres", connect_timeout=1).close()
            return proc
        except psycopg.OperationalError:
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 is not installed at {PG_BIN} (make test-tools installs it)")
    folder = Path(tempfile.mkdtemp(prefix="fame-social-pg-"))
    as_pg = _as_postgres()
    if as_pg:
        os.chown(folder, as_pg["user"], as_pg["group"])
    user = "postgres" if as_pg else pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run(
        [str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C",
         "--no-sync", "--no-instructions"],
        check=True, capture_output=True, **as_pg,
    )  # fmt: skip
    port = free_port()
    server = Postgres(port, folder, _start_server(folder, port), user)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'social.db'}"
        return
    pg: Postgres = request.getfixturevalue("postgres")
    name = pg.create_database()
    try:
        yield pg.url(name)
    finally:
        pg.drop_database(name)
