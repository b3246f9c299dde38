"""Fixtures for PersonaEvents: the real FMC, PersonaRegistry, RevenueConfig and PersonaShare
(persona 1 and 3 active, persona 2 retired), and the events contract.

Roles (anvil dev accounts):
    deployer      accounts[0]  owner of every contract (stands in for the DAO timelock), FMC holder
    alice/bob/carol            fans: 1M FMC each, the events contract approved
    launchpad     accounts[4]  registry registrar and share-token minter
    fee_sink      accounts[5]  the DAO's revenue fee recipient
    operator      accounts[6]  event operator of personas 1, 2 and 3
    stranger      accounts[7]  anyone (settles, tries what it may not)
    holder        accounts[8]  holds every share of persona 1 (its revenue lands there)
    permit_fan    accounts[9]  a fan with 1M FMC and no allowance (pays with permits)
The voucher signer is the local stack's dev voucher key (anvil mnemonic index 300).
"""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
for helpers in ("governance", "persona"):  # gov_helpers (time, FastTx), persona_helpers (spec CID, fee)
    if str(TESTS / helpers) not in sys.path:
        sys.path.append(str(TESTS / helpers))

from events_helpers import CID, E18, HOUR, PRICE  # noqa: E402
from gov_helpers import now  # noqa: E402
from persona_helpers import INITIAL_FEE_BPS, SPEC_CID  # noqa: E402

from fame.chain import dev_account  # noqa: E402
from fame.config import DEV_VOUCHER_INDEX  # noqa: E402

FAN_FMC = 1_000_000 * E18
SHARES = 1_000 * E18


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
def holder(accounts):
    return accounts[8]


@pytest.fixture(scope="session")
def permit_fan(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def voucher_key():
    """The live server's voucher key (the local stack's dev key)."""
    return dev_account(DEV_VOUCHER_INDEX)


@pytest.fixture(scope="session")
def other_key():
    """A key that is not the voucher signer."""
    return dev_account(DEV_VOUCHER_INDEX + 1)


@pytest.fixture(scope="session")
def fmc(project, deployer):
    return project.FMC.deploy(10**30, deployer, 10**29, sender=deployer)


@pytest.fixture(scope="session")
def registry(project, deployer, launchpad):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(launchpad, sender=deployer)
    return reg


@pytest.fixture(scope="session")
def revenue_config(project, deployer, fmc, fee_sink):
    """The DAO's revenue settings: 5 % fee, FMC allowed."""
    return project.RevenueConfig.deploy(deployer, fmc, fee_sink, INITIAL_FEE_BPS, sender=deployer)


@pytest.fixture(scope="session")
def shares(project, deployer, registry, revenue_config, launchpad, holder):
    """The real share tokens of personas 1 (Nova), 2 (Pico, then retired) and 3 (Lux), registered
    as the launchpad registers them; `holder` holds every share of Nova."""
    tokens = []
    for persona_id, (name, symbol) in enumerate((("Nova", "NOVA"), ("Pico", "PICO"), ("Lux", "LUX")), start=1):
        share = project.PersonaShare.deploy(
            name, symbol, persona_id, launchpad, revenue_config, 10**24, sender=launchpad
        )
        registry.register(name, SPEC_CID, share, launchpad, sender=launchpad)
        tokens.append(share)
    tokens[0].mint(holder, SHARES, sender=launchpad)
    registry.set_status(2, 2, sender=deployer)  # Pico is retired
    return tokens


@pytest.fixture(scope="session")
def share(shares):
    """Persona 1's share token."""
    return shares[0]


@pytest.fixture(scope="session")
def events(project, deployer, fmc, registry, voucher_key, operator):
    contract = project.PersonaEvents.deploy(deployer, fmc, registry, voucher_key.address, sender=deployer)
    for persona_id in (1, 2, 3):
        contract.set_operator(persona_id, operator, True, sender=deployer)
    return contract


@pytest.fixture(scope="session")
def funded(fmc, events, deployer, alice, bob, carol, permit_fan):
    """Fans hold FMC; alice, bob and carol have approved the events contract."""
    for fan in (alice, bob, carol, permit_fan):
        fmc.transfer(fan, FAN_FMC, sender=deployer)
    for fan in (alice, bob, carol):
        fmc.approve(events, 2**256 - 1, sender=fan)
    return True


@pytest.fixture(scope="session")
def make_event(events, operator):
    """make_event(**fields) -> event id: schedules for persona 1, starting in an hour, lasting two,
    capacity 100, price 10 FMC, 60 s of attendance for a badge, unless a field says otherwise."""

    def _make(persona_id=1, start_in=HOUR, length=2 * HOUR, capacity=100, price=PRICE, min_attendance=60, cid=CID):
        starts_at = now() + start_in
        receipt = events.schedule(
            persona_id, starts_at, starts_at + length, capacity, price, min_attendance, cid, sender=operator
        )
        return receipt.events.filter(events.EventScheduled)[0].event_id

    return _make


@pytest.fixture(scope="session", autouse=True)
def _events_stack(
    deployer,
    alice,
    bob,
    carol,
    launchpad,
    fee_sink,
    operator,
    stranger,
    holder,
    permit_fan,
    voucher_key,
    other_key,
    fmc,
    registry,
    revenue_config,
    shares,
    share,
    events,
    funded,
    make_event,
):
    """Request every session fixture before any test runs (ape's snapshot isolation would
    revert a session fixture first requested after a module snapshot)."""
