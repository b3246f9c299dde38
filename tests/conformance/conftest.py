"""Fixtures for the standards conformance tests (tests/conformance).

Each test module here checks one family of standards against the text of the
standards themselves, one test per MUST / SHOULD clause, named after the clause.
The deployment is small and built once per session (ape's chain isolation then
gives every test a fresh copy of it):

    deployer   accounts[0]  owner of every contract (stands in for the DAO timelock)
    alice      accounts[1]  holds the whole initial FMC supply and 1,000 Nova shares
    bob/carol  accounts[2/3] other holders, spenders and delegates
    launchpad  accounts[4]  FMC minter, Nova's share minter and the registry's registrar
    fee_sink   accounts[5]  the DAO's revenue fee recipient
    operator   accounts[6]  event operator of persona 1 (Nova)
    stranger   accounts[7]  anyone (relays signatures, tries what it may not)

Contracts: FMC (contracts/token/FMC.vy), PersonaShare for persona 1 "Nova"
(contracts/persona/PersonaShare.vy, registered in a PersonaRegistry with a
RevenueConfig) and PersonaEvents (contracts/events/PersonaEvents.vy) with the
local stack's dev voucher key. Signatures are made off-chain with eth_account
(fame.eip712) from the anvil dev keys, as a wallet would make them.
"""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
for helpers in ("governance", "persona"):  # gov_helpers (dev keys, time), persona_helpers (spec CID, fee)
    if str(TESTS / helpers) not in sys.path:
        sys.path.append(str(TESTS / helpers))

from conformance_helpers import CAP, FMC_SUPPLY, SHARE_SUPPLY, TokenCase  # noqa: E402
from persona_helpers import INITIAL_FEE_BPS, SPEC_CID  # noqa: E402

from fame.chain import dev_account  # noqa: E402
from fame.config import DEV_VOUCHER_INDEX  # noqa: E402


@pytest.fixture(scope="session")
def launchpad(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def fee_sink(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def voucher_key():
    """The live server's voucher key (the local stack's dev key)."""
    return dev_account(DEV_VOUCHER_INDEX)


@pytest.fixture(scope="session")
def fmc(project, deployer, alice, launchpad):
    """FMC: cap CAP, FMC_SUPPLY minted to alice at deployment, launchpad appointed minter."""
    token = project.FMC.deploy(CAP, alice, FMC_SUPPLY, sender=deployer)
    token.set_minter(launchpad, True, sender=deployer)
    return token


@pytest.fixture(scope="session")
def registry(project, deployer, launchpad):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(launchpad, sender=deployer)
    return reg


@pytest.fixture(scope="session")
def revenue_config(project, deployer, fmc, fee_sink):
    return project.RevenueConfig.deploy(deployer, fmc, fee_sink, INITIAL_FEE_BPS, sender=deployer)


@pytest.fixture(scope="session")
def share(project, registry, revenue_config, launchpad, alice):
    """Persona 1's share token ("Nova", "NOVA"), SHARE_SUPPLY minted to alice."""
    token = project.PersonaShare.deploy("Nova", "NOVA", 1, launchpad, revenue_config, 10**24, sender=launchpad)
    registry.register("Nova", SPEC_CID, token, launchpad, sender=launchpad)
    token.mint(alice, SHARE_SUPPLY, sender=launchpad)
    return token


@pytest.fixture(scope="session")
def events(project, deployer, fmc, registry, share, voucher_key, operator):
    """PersonaEvents with the dev voucher key; `operator` runs persona 1's events."""
    contract = project.PersonaEvents.deploy(deployer, fmc, registry, voucher_key.address, sender=deployer)
    contract.set_operator(1, operator, True, sender=deployer)
    return contract


@pytest.fixture(scope="session")
def token_cases(fmc, share, launchpad):
    """Both ERC-20 + EIP-2612 tokens of the project, keyed by contract name."""
    return {
        "FMC": TokenCase("FMC", fmc, "FameEngine", "FameEngine", "FMC", launchpad, FMC_SUPPLY),
        "PersonaShare": TokenCase("PersonaShare", share, "Nova", "Nova", "NOVA", launchpad, SHARE_SUPPLY),
    }


@pytest.fixture(params=["FMC", "PersonaShare"])
def token(request, token_cases):
    """Each ERC-20 of the project in turn (alice holds its whole supply)."""
    return token_cases[request.param]


@pytest.fixture(scope="session", autouse=True)
def _conformance_stack(
    deployer,
    alice,
    bob,
    carol,
    launchpad,
    fee_sink,
    operator,
    stranger,
    voucher_key,
    fmc,
    registry,
    revenue_config,
    share,
    events,
    token_cases,
):
    """Request every session fixture before any test runs (ape's snapshot isolation would
    revert a session fixture first requested after a module snapshot)."""
