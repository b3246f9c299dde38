"""Fixtures for the engagement-oracle contract tests.

Roles (anvil dev accounts): `deployer` owns everything (the DAO timelock stand-in) and is
the registrar of the test registry; operator i transmits from `transmitter_accounts[i]`
(accounts 5..8) and signs with a test key (`signers[i]`). Personas 1..N_PERSONAS are
registered and active; persona RETIRED is retired.
"""

import pytest
from oracle_helpers import HEARTBEAT, N_PERSONAS, RETIRED, ZERO, F, N, operator_keys, register_personas


@pytest.fixture(scope="session")
def signers():
    return operator_keys(31)


@pytest.fixture(scope="session")
def transmitter_accounts(accounts):
    return [accounts[5], accounts[6], accounts[7], accounts[8]]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="module")
def registry(project, deployer, signers, transmitter_accounts, stranger):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(deployer, sender=deployer)
    register_personas(reg, deployer, N_PERSONAS)
    reg.set_status(RETIRED, 2, sender=deployer)
    return reg


@pytest.fixture(scope="module")
def oracle(project, deployer, registry, signers, transmitter_accounts):
    """n = 4, f = 1, no sinks, heartbeat one hour."""
    return project.EngagementOracle.deploy(
        deployer,
        registry,
        ZERO,
        ZERO,
        HEARTBEAT,
        [s.address for s in signers[:N]],
        [t.address for t in transmitter_accounts],
        F,
        sender=deployer,
    )


@pytest.fixture(scope="module")
def fmc(project, deployer):
    return project.FMC.deploy(10**27, deployer, 10**26, sender=deployer)


@pytest.fixture(scope="module")
def reputation(project, deployer, fmc, registry):
    return project.Reputation.deploy(deployer, fmc, registry, sender=deployer)


@pytest.fixture(scope="module")
def staking(project, deployer, fmc, registry):
    return project.PersonaStaking.deploy(deployer, fmc, registry, sender=deployer)
