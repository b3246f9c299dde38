"""Fixtures for FameEngine governance: FMC, FameTimelock, FameGovernor and the
PersonaLaunchpad wired to the real PersonaRegistry / PersonaTreasury /
RevenueConfig / PersonaShare blueprint.

Roles (anvil dev accounts):
    deployer   accounts[0]  deploys everything, bootstraps the timelock, then renounces
    alice      accounts[1]  40M FMC, self-delegated
    bob        accounts[2]  30M FMC, self-delegated
    carol      accounts[3]  20M FMC, self-delegated
    dave       accounts[4]   5M FMC, NOT delegated (no votes)
    erin       accounts[5]   0 FMC (below any threshold)
The deployer keeps 5M FMC, undelegated. Total supply 100M FMC.

The `gov` fixture (gov_helpers.Gov) drives proposals through their life with time travel.
"""

import pytest
from ape import chain
from gov_helpers import (
    ADMIN_ROLE,
    CANCELLER_ROLE,
    CAP,
    E18,
    EXECUTOR_ROLE,
    MAX_CREATOR_BPS,
    PROPOSER_ROLE,
    QUORUM_NUMERATOR,
    SUPPLY,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    Gov,
    delegate,
    warp,
)


@pytest.fixture(scope="session")
def dave(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def erin(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def fmc(project, deployer, alice, bob, carol, dave):
    token = project.FMC.deploy(CAP, deployer, SUPPLY, sender=deployer)
    for acct, amount in ((alice, 40_000_000), (bob, 30_000_000), (carol, 20_000_000), (dave, 5_000_000)):
        token.transfer(acct, amount * E18, sender=deployer)
    for acct in (alice, bob, carol):
        delegate(token, acct, acct)
    warp(1)
    return token


@pytest.fixture(scope="session")
def timelock(project, deployer):
    """Deployed with the deployer as temporary admin and no roles (bootstrap step 1)."""
    return project.FameTimelock.deploy(TIMELOCK_DELAY, [], [], deployer, sender=deployer)


@pytest.fixture(scope="session")
def system(project, deployer, fmc, timelock, registry, treasury, revenue_config, share_blueprint):
    """The whole bootstrap, in the order the deploy script follows:
    timelock (deployer admin) -> governor -> roles to the governor -> launchpad
    -> governor.bootstrap_launchpad -> registry registrar -> deployer renounces admin."""
    governor = project.FameGovernor.deploy(
        fmc, timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_NUMERATOR, sender=deployer
    )
    timelock.grantRole(PROPOSER_ROLE, governor, sender=deployer)
    timelock.grantRole(CANCELLER_ROLE, governor, sender=deployer)
    timelock.grantRole(EXECUTOR_ROLE, governor, sender=deployer)
    launchpad = project.PersonaLaunchpad.deploy(
        governor, fmc, registry, treasury, share_blueprint, revenue_config, MAX_CREATOR_BPS, sender=deployer
    )
    governor.bootstrap_launchpad(launchpad, sender=deployer)
    registry.set_registrar(launchpad, sender=deployer)
    timelock.renounceRole(ADMIN_ROLE, deployer, sender=deployer)
    return governor, launchpad


@pytest.fixture(scope="session")
def governor(system):
    return system[0]


@pytest.fixture(scope="session")
def launchpad(system):
    return system[1]


@pytest.fixture
def fresh_governor(project, deployer, fmc, timelock):
    """A governor straight out of its constructor (bootstrapper set, no launchpad, no timelock roles)."""
    return project.FameGovernor.deploy(
        fmc, timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_NUMERATOR, sender=deployer
    )


@pytest.fixture(scope="session")
def registry(project, deployer):
    return project.PersonaRegistry.deploy(deployer, sender=deployer)


@pytest.fixture(scope="session")
def treasury(project, deployer, registry):
    t = project.PersonaTreasury.deploy(deployer, registry, sender=deployer)
    registry.set_treasury(t, sender=deployer)
    return t


@pytest.fixture(scope="session")
def revenue_config(project, deployer, fmc):
    """The DAO's revenue settings (no fee), given to launched share tokens."""
    return project.RevenueConfig.deploy(deployer, fmc, deployer, 0, sender=deployer)


@pytest.fixture(scope="session")
def share_blueprint(project, deployer):
    receipt = deployer.declare(project.PersonaShare)
    return receipt.contract_address


@pytest.fixture(scope="session")
def gov(governor, timelock, fmc, alice, bob):
    return Gov(governor, timelock, fmc, [alice, bob])


@pytest.fixture
def as_timelock(accounts, timelock):
    """The timelock as a transaction sender (anvil impersonation), to test the
    governance-only entry points and their bounds without a full proposal each time."""
    chain.set_balance(timelock.address, 100 * E18)
    return accounts.impersonate_account(timelock.address)


@pytest.fixture(scope="module", autouse=True)
def _deterministic_block_times():
    """Every block is exactly one second after the previous one while these modules run.

    Governance tests reason about exact timepoints (the threshold at clock()-1, snapshots,
    deadlines, ETAs). Left to anvil's wall clock, a loaded machine stretches the gap between
    two transactions to several seconds and the boundaries move; with a fixed interval they
    don't. `mine_to`/`set_next` still set exact timestamps; the interval resumes from there.
    """
    w3 = chain.provider.web3
    w3.provider.make_request("anvil_setBlockTimestampInterval", [1])
    yield
    w3.provider.make_request("anvil_removeBlockTimestampInterval", [])


@pytest.fixture(scope="session", autouse=True)
def _governance_stack(dave, erin, fmc, timelock, system, registry, treasury, revenue_config, share_blueprint, gov):
    """Create every session fixture before the first test runs.

    ape isolates tests with chain snapshots per fixture scope; a session fixture first
    requested after a module snapshot is deployed into a snapshot that is later reverted,
    and the fixture then points at a contract that no longer exists (or at a different one
    deployed at the same address). Requesting them all up front keeps them on the base chain.
    """
    return system
