"""Fixtures for PersonaStaking and Reputation tests.

The `deployer` plays the DAO timelock (owner of every contract), `oracle` the
engagement oracle's account (the staking updater, and the transmitter of the real
EngagementOracle that feeds Reputation, `engagement_oracle`). Three active
personas are registered (ids 1, 2, 3) and a fourth is registered then retired
(id 4). alice, bob and carol hold FMC and have approved the staking contract.
ape reverts the chain to a snapshot after every test, so module-level
deployments are shared safely.
"""

import pytest

from .helpers import CAP, HOLDER_BALANCE, RETIRED_PERSONA, SUPPLY, ZERO
from .reputation.engagement_reports import HEARTBEAT, KEYS, F, transmitters


@pytest.fixture(scope="session")
def oracle(accounts):
    """The engagement oracle: updater of both sinks in these tests."""
    return accounts[4]


@pytest.fixture(scope="session")
def stranger(accounts):
    """An account with no role and no FMC."""
    return accounts[5]


@pytest.fixture(scope="module")
def fmc(project, deployer, alice, bob, carol):
    """FameEngine FMC token; alice, bob and carol hold HOLDER_BALANCE each."""
    token = project.FMC.deploy(CAP, deployer, SUPPLY, sender=deployer)
    for holder in (alice, bob, carol):
        token.transfer(holder, HOLDER_BALANCE, sender=deployer)
    return token


@pytest.fixture(scope="module")
def registry(project, deployer, carol, accounts):
    """PersonaRegistry with active personas 1..3 and retired persona 4."""
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(deployer, sender=deployer)
    for i in range(4):
        # The share token is never called by these contracts: any distinct address will do.
        reg.register(
            f"persona-{i + 1}",
            f"cid-{i + 1}",
            accounts[6 + i % 3].address if i < 3 else carol.address,
            carol,
            sender=deployer,
        )
    reg.set_status(RETIRED_PERSONA, 2, sender=deployer)
    return reg


@pytest.fixture(scope="module")
def staking(project, deployer, oracle, fmc, registry, alice, bob, carol):
    """PersonaStaking owned by the deployer, oracle as updater, holders approved."""
    contract = project.PersonaStaking.deploy(deployer, fmc, registry, sender=deployer)
    contract.set_updater(oracle, sender=deployer)
    for holder in (deployer, alice, bob, carol):
        fmc.approve(contract, 2**256 - 1, sender=holder)
    return contract


@pytest.fixture(scope="module")
def reputation(project, deployer, fmc, registry):
    """Reputation owned by the deployer (its oracle: `engagement_oracle`)."""
    return project.Reputation.deploy(deployer, fmc, registry, sender=deployer)


@pytest.fixture(scope="module")
def engagement_oracle(project, deployer, oracle, registry, reputation):
    """A real EngagementOracle (n = 4, f = 1, test keys) with `reputation` as its reputation sink,
    no staking sink; operator 0 transmits from the `oracle` account. Reputation reads E from it."""
    contract = project.EngagementOracle.deploy(
        deployer,
        registry,
        reputation,
        ZERO,
        HEARTBEAT,
        [k.address for k in KEYS],
        transmitters(oracle),
        F,
        sender=deployer,
    )
    reputation.set_oracle(contract, sender=deployer)
    return contract
