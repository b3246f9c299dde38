"""Fixtures for the content market: FMC, a registry with two personas (1 active, 2 retired)
whose "share tokens" are revenue sinks that record the persona's part, and the market.

Roles (anvil dev accounts):
    deployer   accounts[0]  market owner (stands in for the DAO timelock), FMC holder
    alice/bob               requesters
    carol                   anyone (releases, reopens)
    registrar  accounts[4]  registers the personas
    fee_sink   accounts[5]  protocol fee and slashed bonds
    worker_a/b accounts[6], accounts[7]  bonded workers
"""

import pytest
from market_helpers import BRIEF, E18, PARAMS


@pytest.fixture(scope="session")
def registrar(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def fee_sink(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def worker_a(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def worker_b(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def fmc(project, deployer):
    return project.FMC.deploy(10**30, deployer, 10**29, sender=deployer)


@pytest.fixture(scope="session")
def payees(project, deployer):
    """Stand-ins for the share tokens of personas 1 and 2 (they take FMC revenue with `pay`)."""
    return [project.MockRevenuePayee.deploy(sender=deployer) for _ in range(2)]


@pytest.fixture(scope="session")
def payee(payees):
    """Persona 1's share-token stand-in."""
    return payees[0]


@pytest.fixture(scope="session")
def registry(project, deployer, registrar, payees):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(registrar, sender=deployer)
    for name, share in zip(("Nova", "Pico"), payees, strict=False):
        reg.register(name, BRIEF, share, registrar, sender=registrar)
    reg.set_status(2, 2, sender=deployer)  # persona 2 is retired
    return reg


@pytest.fixture(scope="session")
def market(project, deployer, fmc, registry, fee_sink):
    return project.ContentMarket.deploy(deployer, fmc, registry, fee_sink, PARAMS, sender=deployer)


@pytest.fixture(scope="session")
def funded(fmc, market, deployer, alice, bob, worker_a, worker_b):
    """Requesters and workers hold FMC and have approved the market."""
    for account in (alice, bob, worker_a, worker_b):
        fmc.transfer(account, 10_000_000 * E18, sender=deployer)
        fmc.approve(market, 2**256 - 1, sender=account)
    return True


@pytest.fixture(scope="session", autouse=True)
def _market_stack(
    deployer, alice, bob, carol, registrar, fee_sink, worker_a, worker_b, fmc, payees, payee, registry, market, funded
):
    """Request every session fixture before any test runs (ape's snapshot isolation would
    revert a session fixture first requested after a module snapshot)."""
