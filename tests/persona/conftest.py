"""Fixtures for the persona contracts: registry, treasury, share tokens, revenue settings.

Roles (anvil dev accounts):
    deployer   accounts[0]  owner of every persona contract (stands in for the DAO timelock)
    alice/bob/carol         share holders
    launchpad  accounts[4]  registry registrar and share-token minter (stands in for the launchpad)
    fee_sink   accounts[5]  protocol fee recipient
    payer      accounts[6]  pays revenue

FMC: the real contracts/token/FMC.vy when it is in the project, otherwise the test token
contracts/test/MockERC20.vy. Either way, `fund(token, account, amount)` gives an account tokens.
"""

import pytest
from persona_helpers import INITIAL_FEE_BPS, SPEC_CID


def has_contract(project, name):
    try:
        getattr(project, name)
        return True
    except Exception:  # ape raises its own AttributeError subclass
        return False


@pytest.fixture(scope="session")
def owner(deployer):
    """The DAO timelock stand-in: owner of registry, treasury and RevenueConfig."""
    return deployer


@pytest.fixture(scope="session")
def launchpad(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def fee_sink(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def payer(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def fmc_is_real(project):
    return has_contract(project, "FMC")


@pytest.fixture(scope="session")
def fmc(project, deployer, fmc_is_real):
    """FMC: the real token if it exists (10^29 wei to the deployer), else a mock."""
    if fmc_is_real:
        return project.FMC.deploy(10**30, deployer, 10**29, sender=deployer)
    return project.MockERC20.deploy("FameEngine", "FMC", sender=deployer)


@pytest.fixture(scope="session")
def other_token(project, deployer):
    """A second ERC-20 (the owner may allow it as a revenue asset)."""
    return project.MockERC20.deploy("Other Token", "OTK", sender=deployer)


@pytest.fixture(scope="session")
def fund(deployer, fmc, fmc_is_real):
    """fund(token, account, amount): give `account` `amount` of `token`."""

    def _fund(token, account, amount):
        if token.address == fmc.address and fmc_is_real:
            fmc.transfer(account, amount, sender=deployer)
        else:
            token.mint(account, amount, sender=deployer)

    return _fund


@pytest.fixture(scope="session")
def registry(project, owner, launchpad):
    reg = project.PersonaRegistry.deploy(owner, sender=owner)
    reg.set_registrar(launchpad, sender=owner)
    return reg


@pytest.fixture(scope="session")
def treasury(project, owner, registry):
    tre = project.PersonaTreasury.deploy(owner, registry, sender=owner)
    registry.set_treasury(tre, sender=owner)
    return tre


@pytest.fixture(scope="session")
def revenue_config(project, owner, fmc, fee_sink):
    """The DAO's revenue settings: 5 % fee to fee_sink, ETH and FMC allowed."""
    return project.RevenueConfig.deploy(owner, fmc, fee_sink, INITIAL_FEE_BPS, sender=owner)


@pytest.fixture(scope="session")
def make_persona(project, registry, revenue_config, launchpad, treasury):
    """make_persona(max_supply, name, symbol) -> (persona_id, share): the launchpad's order.

    Reads the next id, deploys a PersonaShare for it (minter = launchpad, settings =
    revenue_config) and registers it. `treasury` is a dependency so records carry its address.
    """

    def _make(max_supply=10**24, name="Nova", symbol="NOVA", creator=None):
        persona_id = registry.persona_count() + 1
        share = project.PersonaShare.deploy(
            name, symbol, persona_id, launchpad, revenue_config, max_supply, sender=launchpad
        )
        registry.register(f"{name} the influencer", SPEC_CID, share, creator or launchpad, sender=launchpad)
        return persona_id, share

    return _make


@pytest.fixture(scope="session")
def persona(make_persona):
    """Persona 1 with its share token (no shares minted)."""
    return make_persona()


@pytest.fixture(scope="session")
def pid(persona):
    return persona[0]


@pytest.fixture(scope="session")
def share(persona):
    return persona[1]


@pytest.fixture(scope="session")
def blueprint(deployer, project):
    """The PersonaShare ERC-5202 blueprint, declared the ape 0.8 way (`account.declare`)."""
    receipt = deployer.declare(project.PersonaShare)
    return receipt.contract_address


@pytest.fixture(scope="session")
def factory(project, deployer, blueprint):
    """Launchpad stand-in that calls create_from_blueprint (contracts/test/MockShareFactory.vy)."""
    return project.MockShareFactory.deploy(blueprint, sender=deployer)


@pytest.fixture(scope="session", autouse=True)
def _persona_stack(
    deployer,
    alice,
    bob,
    carol,
    owner,
    launchpad,
    fee_sink,
    payer,
    fmc_is_real,
    fmc,
    other_token,
    fund,
    registry,
    treasury,
    revenue_config,
    make_persona,
    persona,
    pid,
    share,
    blueprint,
    factory,
):
    """Request every session fixture before any test runs, so that ape's isolation never
    meets a session fixture after a module snapshot (that forces a costly rebase)."""
