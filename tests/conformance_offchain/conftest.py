"""Fixtures of the conformance tests (ERC-4361, W3C DID Core, Groth16 verifier pitfalls).

* The social service for sign-in, built the way tests/social builds it (`social_helpers`:
  a movable clock, a fresh SQLite database, the FastAPI app without background work).
* The committed development verification key and a forger of valid proofs for it
  (offchain_helpers.DevKeyForger).
* The committed contracts/identity/DIDVerifier.vy compiled with Vyper and deployed on a
  throwaway anvil (as tests/zk/test_verifier_contract.py does): these tests need no ape and run
  in both `pytest -p no:ape_test` and `ape test`.
* Tests marked `ape_chain` use ape's `project` and `accounts` (the DID registry needs the
  project's compiled dependencies); without the ape plugin they are skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# social_helpers lives beside the social tests (a plain module there, as here).
if str(ROOT / "tests" / "social") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "social"))

from offchain_helpers import DevKeyForger, load_dev_vk  # noqa: E402
from social_helpers import make_service  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ape_chain: needs ape's project and accounts (run with `ape test`)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.pluginmanager.has_plugin("ape_test"):
        return
    skip = pytest.mark.skip(reason="needs the ape test plugin: run with `ape test --network ethereum:local:foundry`")
    for item in items:
        if "ape_chain" in item.keywords and HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


# ------------------------------------------------------------------------------------------------
# ERC-4361: the social service
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def social_service(tmp_path: Path) -> Iterator[object]:
    service = make_service(f"sqlite:///{tmp_path / 'social.db'}")
    yield service
    service.close()


@pytest.fixture
def social_client(social_service: object) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from social.api.app import create_app

    with TestClient(create_app(social_service, background=False, federation=False)) as client:
        yield client


# ------------------------------------------------------------------------------------------------
# Groth16: the committed development key and verifier
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dev_vk():
    return load_dev_vk()


@pytest.fixture(scope="session")
def forger(dev_vk) -> DevKeyForger:
    return DevKeyForger(dev_vk)


@pytest.fixture(scope="session")
def evm_verifier():
    """contracts/identity/DIDVerifier.vy as committed, on a fresh anvil (a web3 contract)."""
    import vyper
    from web3 import Web3

    from fame.did.contracts import VERIFIER_PATH
    from fame.procs import Supervisor, free_port
    from stack.anvil import start_anvil

    out = vyper.compile_code(VERIFIER_PATH.read_text(), output_formats=["bytecode", "abi"])
    sup = Supervisor()
    try:
        url = start_anvil(sup, "127.0.0.1", free_port())
        w3 = Web3(Web3.HTTPProvider(url))
        sender = w3.eth.accounts[0]
        tx = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"]).constructor().transact({"from": sender})
        address = w3.eth.wait_for_transaction_receipt(tx).contractAddress
        yield w3.eth.contract(address=address, abi=out["abi"])
    finally:
        sup.stop()
