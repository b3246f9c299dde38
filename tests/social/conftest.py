"""Fixtures of the social service's tests: a real PostgreSQL server for the whole session,
a fresh database per test on SQLite or PostgreSQL, and the service on it.

The PostgreSQL server is Debian's PostgreSQL 15 (`make test-tools` installs it), started by
stack.postgres (initdb in a temporary folder, `postgres` on a free loopback port, as the
`postgres` user under root) and stopped by its PID at the end of the session. Without the
binaries, the PostgreSQL half of the parametrised tests is skipped (the SQLite half still runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.postgres import PostgresServer, available, throwaway_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if not available():
        pytest.skip("PostgreSQL 15 is not installed (make test-tools installs it)")
    with throwaway_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'social.db'}"
        return
    pg: PostgresServer = request.getfixturevalue("postgres")
    name = pg.create_database()
    try:
        yield pg.url(name)
    finally:
        pg.drop_database(name)
