"""Fixtures of the live server's tests: the social service as a real process (fans sign in with
SIWE there, and the live server asks it who they are), a Redis server, an event book.

Tests that need the chain (ape's `project`, `accounts`, `chain`) are skipped when pytest runs
without ape's plugin (`-p no:ape_test`); `ape test` runs them against anvil.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for helpers in (HERE, HERE.parent / "social"):  # live_helpers, live_book; social_helpers
    if str(helpers) not in sys.path:
        sys.path.append(str(helpers))

from live_helpers import Book, RedisServer  # noqa: E402
from social_helpers import ServiceProcess  # noqa: E402

CHAIN_FIXTURES = {"project", "accounts", "chain", "networks"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.pluginmanager.hasplugin("ape_test"):
        return
    skip = pytest.mark.skip(reason="needs the chain: run with `ape test --network ethereum:local:foundry`")
    for item in items:
        if HERE in Path(str(item.fspath)).parents and CHAIN_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def social(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """The social service (SQLite, no chain) for the whole session."""
    folder = tmp_path_factory.mktemp("social")
    proc = ServiceProcess(f"sqlite:///{folder / 'social.db'}", folder).start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path / "book.json")
