"""Fixtures for the IPFS layer: stores and a real gateway process (helpers in ipfs_helpers.py)."""

from __future__ import annotations

import httpx
import pytest
from ipfs_helpers import start_gateway

from fame.ipfs.store import BlockStore
from fame.procs import Supervisor


@pytest.fixture
def store(tmp_path) -> BlockStore:
    return BlockStore(tmp_path / "store", fsync=False)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """(base URL, BlockStore on the same folder) of a real gateway process for the module."""
    root = tmp_path_factory.mktemp("gateway")
    with Supervisor() as sup:
        url = start_gateway(sup, root / "store", root / "gateway.log")
        yield url, BlockStore(root / "store", fsync=False)


@pytest.fixture(scope="module")
def http(gateway):
    with httpx.Client(base_url=gateway[0], timeout=60) as client:
        yield client
