"""PersonaEvents: every external function, its logs and every revert path.

The life of an event: the DAO grants an operator -> the operator schedules (persona active,
bounds) -> fans buy one ticket each (transferFrom or permit) until it ends -> after the end
anyone settles once (proceeds to the persona's share token, split among its holders), or,
before the end, the operator cancels and each fan pulls a refund. Fans who attended claim a
soulbound ERC-721 badge with the live server's EIP-712 voucher.
"""

import ape
import pytest
from ape import chain
from eth_utils import keccak
from events_helpers import (
    BAD_VOUCHER,
    CID,
    DAY,
    E18,
    EIP712_NAME,
    ERC165_FUNCTIONS,
    ERC721_FUNCTIONS,
    ERC721_METADATA_FUNCTIONS,
    ERC5192_FUNCTIONS,
    HOUR,
    MAX_CAPACITY,
    MAX_CID,
    MAX_DURATION,
    MAX_LEAD_TIME,
    MAX_PRICE,
    NOT_OPERATOR,
    NOT_OWNER,
    OTHER_CID,
    PRICE,
    SOULBOUND,
    UNKNOWN_TOKEN,
    ZERO,
    interface_id,
    selector,
    sign_voucher,
)
from gov_helpers import mine_to, now, set_next, warp
from persona_helpers import BPS, INITIAL_FEE_BPS

from fame.eip712 import sign_permit

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def voucher(events, key, event_id, attendee, attended=60, deadline=None):
    """(attended, deadline, signature) of a voucher, valid for a day unless `deadline` says otherwise."""
    deadline = now() + DAY if deadline is None else deadline
    return attended, deadline, sign_voucher(key, chain.chain_id, events, event_id, attendee, attended, deadline)


def event_of(events, event_id):
    e = events.events(event_id)
    return (
        e.persona_id,
        e.starts_at,
        e.ends_at,
        e.capacity,
        e.sold,
        e.price,
        e.min_attendance,
        e.cancelled,
        e.settled,
        e.metadata_cid,
    )


def ends_at(events, event_id):
    return events.events(event_id).ends_at


def permit_for(fmc, events, fan, value, deadline, key=None):
    return sign_permit(
        key or fan.private_key,
        name=fmc.name(),
        chain_id=chain.chain_id,
        token=fmc,
        owner=fan,
        spender=events,
        value=value,
        nonce=fmc.nonces(fan),
        deadline=deadline,
    )


@pytest.fixture
def sold(events, make_event, alice, bob):
    """An event (persona 1, 10 FMC) with tickets for alice and bob."""
    event_id = make_event()
    events.buy(event_id, sender=alice)
    events.buy(event_id, sender=bob)
    return event_id


# --------------------------------------------------------------- deployment and ownership


def test_deployment(events, deployer, fmc, registry, voucher_key):
    assert events.owner() == deployer.address and events.pending_owner() == ZERO
    assert events.FMC() == fmc.address and events.REGISTRY() == registry.address
    assert events.voucher_signer() == voucher_key.address
    assert events.event_count() == 0 and events.badge_count() == 0
    assert (events.name(), events.symbol()) == ("FameEngine Attendance", "FAME-POA")
    bounds = (events.MAX_CAPACITY(), events.MAX_DURATION(), events.MAX_LEAD_TIME(), events.MAX_PRICE())
    assert bounds == (MAX_CAPACITY, MAX_DURATION, MAX_LEAD_TIME, MAX_PRICE) and events.MAX_CID() == MAX_CID
    assert events.MAX_PERSONA_ID() == 2**48 - 1
    assert (events.EIP712_NAME(), events.EIP712_VERSION()) == (EIP712_NAME, "1")
    typehash = keccak(text="Attendance(uint256 eventId,address attendee,uint256 attended,uint256 deadline)")
    assert events.ATTENDANCE_TYPEHASH() == typehash


def test_eip712_domain_is_the_documented_one(events):
    """EIP-5267: fields 0x0f (name, version, chainId, verifyingContract), no salt, no extensions."""
    fields, name, version, chain_id, contract, salt, extensions = events.eip712Domain()
    assert fields == b"\x0f" and (name, version) == (EIP712_NAME, "1")
    assert chain_id == chain.chain_id and contract == events.address
    assert salt == b"\x00" * 32 and list(extensions) == []


def test_constructor_rejects_zero_addresses(project, deployer, fmc, registry, voucher_key):
    args = [deployer, fmc, registry, voucher_key.address]
    for index, reason in enumerate(
        ("events: zero owner", "events: zero FMC", "events: zero registry", "events: zero voucher signer")
    ):
        bad = list(args)
        bad[index] = ZERO
        with ape.reverts(reason):
            project.PersonaEvents.deploy(*bad, sender=deployer)


def test_ownership_is_two_step(events, deployer, alice):
    with ape.reverts(NOT_OWNER):
        events.transfer_ownership(alice, sender=alice)
    events.transfer_ownership(alice, sender=deployer)
    assert events.pending_owner() == alice.address and events.owner() == deployer.address
    events.accept_ownership(sender=alice)
    assert events.owner() == alice.address
    with ape.reverts(NOT_OWNER):
        events.set_operator(1, deployer, True, sender=deployer)
    events.renounce_ownership(sender=alice)
    assert events.owner() == ZERO


# --------------------------------------------------------------- the DAO's roles


def test_set_operator_grants_and_revokes(events, make_event, deployer, stranger):
    with ape.reverts(NOT_OWNER):
        events.set_operator(1, stranger, True, sender=stranger)
    with ape.reverts("events: zero persona id"):
        events.set_operator(0, stranger, True, sender=deployer)
    with ape.reverts("events: zero operator"):
        events.set_operator(1, ZERO, True, sender=deployer)
    receipt = events.set_operator(1, stranger, True, sender=deployer)
    log = receipt.events.filter(events.OperatorSet)[0]
    assert (log.persona_id, log.account, log.allowed) == (1, stranger.address, True)
    assert events.is_operator(1, stranger) and not events.is_operator(3, stranger)
    starts = now() + HOUR
    events.schedule(1, starts, starts + HOUR, 10, PRICE, 60, CID, sender=stranger)
    events.set_operator(1, stranger, False, sender=deployer)
    assert not events.is_operator(1, stranger)
    with ape.reverts(NOT_OPERATOR):
        events.schedule(1, starts, starts + HOUR, 10, PRICE, 60, CID, sender=stranger)


def test_operator_of_a_persona_that_does_not_exist_yet(events, deployer, stranger):
    """The role may be granted ahead of the persona; scheduling waits for it to be active."""
    events.set_operator(99, stranger, True, sender=deployer)
    assert events.is_operator(99, stranger)
    starts = now() + HOUR
    with ape.reverts("events: persona not active"):
        events.schedule(99, starts, starts + HOUR, 10, PRICE, 60, CID, sender=stranger)


def test_set_voucher_signer(events, make_event, deployer, alice, voucher_key, other_key):
    event_id = make_event()
    events.buy(event_id, sender=alice)
    old = voucher(events, voucher_key, event_id, alice)
    with ape.reverts(NOT_OWNER):
        events.set_voucher_signer(other_key.address, sender=alice)
    with ape.reverts("events: zero voucher signer"):
        events.set_voucher_signer(ZERO, sender=deployer)
    receipt = events.set_voucher_signer(other_key.address, sender=deployer)
    log = receipt.events.filter(events.VoucherSignerChanged)[0]
    assert (log.previous_signer, log.new_signer) == (voucher_key.address, other_key.address)
    assert events.voucher_signer() == other_key.address and events.badge_count() == 0
    with ape.reverts(BAD_VOUCHER):  # the previous key's vouchers stop working
        events.claim_badge(event_id, *old, sender=alice)
    events.claim_badge(event_id, *voucher(events, other_key, event_id, alice), sender=alice)
    assert events.badge_count() == 1 and events.voucher_signer() == other_key.address


# --------------------------------------------------------------- schedule


def test_schedule_records_the_event(events, operator):
    starts = now() + HOUR
    receipt = events.schedule(1, starts, starts + 2 * HOUR, 100, PRICE, 60, CID, sender=operator)
    log = receipt.events.filter(events.EventScheduled)[0]
    assert (log.event_id, log.persona_id, log.operator) == (1, 1, operator.address)
    assert (log.starts_at, log.ends_at, log.capacity, log.price, log.min_attendance, log.metadata_cid) == (
        starts,
        starts + 2 * HOUR,
        100,
        PRICE,
        60,
        CID,
    )
    assert receipt.return_value == 1 and events.event_count() == 1
    assert event_of(events, 1) == (1, starts, starts + 2 * HOUR, 100, 0, PRICE, 60, False, False, CID)
    second = events.schedule(3, starts, starts + HOUR, 5, 0, 0, OTHER_CID, sender=operator)
    assert second.return_value == 2 and events.event_count() == 2
    assert event_of(events, 2) == (3, starts, starts + HOUR, 5, 0, 0, 0, False, False, OTHER_CID)


def test_schedule_at_every_bound(events, operator):
    """The largest values the bounds allow are accepted and read back intact (the event word's
    fields do not spill into each other)."""
    t = now() + 1
    starts = t + MAX_LEAD_TIME
    set_next(t)
    cid = "b" * MAX_CID
    events.schedule(1, starts, starts + MAX_DURATION, MAX_CAPACITY, MAX_PRICE, MAX_DURATION, cid, sender=operator)
    expected = (1, starts, starts + MAX_DURATION, MAX_CAPACITY, 0, MAX_PRICE, MAX_DURATION, False, False, cid)
    assert event_of(events, 1) == expected
    set_next(now() + 1)
    events.schedule(1, now() + 2, now() + 3, 1, 0, 0, "b", sender=operator)  # starts one second after the tx
    assert event_of(events, 2)[3:5] == (1, 0)


@pytest.mark.parametrize(
    "persona, start_in, length, capacity, price, min_attendance, cid, reason",
    [
        (2, HOUR, HOUR, 10, PRICE, 60, CID, "events: persona not active"),  # retired
        (1, 0, HOUR, 10, PRICE, 60, CID, "events: start is not in the future"),
        (1, -HOUR, 2 * HOUR, 10, PRICE, 60, CID, "events: start is not in the future"),
        (1, MAX_LEAD_TIME + 1, HOUR, 10, PRICE, 60, CID, "events: start too far ahead"),
        (1, HOUR, 0, 10, PRICE, 0, CID, "events: must end after it starts"),
        (1, HOUR, MAX_DURATION + 1, 10, PRICE, 60, CID, "events: duration out of bounds"),
        (1, HOUR, HOUR, 0, PRICE, 60, CID, "events: capacity out of bounds"),
        (1, HOUR, HOUR, MAX_CAPACITY + 1, PRICE, 60, CID, "events: capacity out of bounds"),
        (1, HOUR, HOUR, 10, MAX_PRICE + 1, 60, CID, "events: price out of bounds"),
        (1, HOUR, HOUR, 10, PRICE, HOUR + 1, CID, "events: min attendance longer than the event"),
        (1, HOUR, HOUR, 10, PRICE, 60, "", "events: empty metadata cid"),
    ],
)
def test_schedule_reverts(events, operator, persona, start_in, length, capacity, price, min_attendance, cid, reason):
    t = now() + 1
    set_next(t)  # the schedule transaction runs at exactly t
    with ape.reverts(reason):
        events.schedule(
            persona, t + start_in, t + start_in + length, capacity, price, min_attendance, cid, sender=operator
        )
    assert events.event_count() == 0


def test_schedule_by_another_personas_operator_reverts(events, deployer, stranger, operator):
    events.set_operator(3, stranger, True, sender=deployer)
    starts = now() + HOUR
    with ape.reverts(NOT_OPERATOR):
        events.schedule(1, starts, starts + HOUR, 10, PRICE, 60, CID, sender=stranger)
    with ape.reverts(NOT_OPERATOR):
        events.schedule(1, starts, starts + HOUR, 10, PRICE, 60, CID, sender=deployer)  # the owner is no operator


def test_schedule_a_cid_over_100_characters_reverts(events, operator):
    """A String[100] argument: a longer one does not even decode."""
    starts = now() + HOUR
    with ape.reverts():
        events.schedule(1, starts, starts + HOUR, 10, PRICE, 60, "b" * (MAX_CID + 1), sender=operator)
    assert events.event_count() == 0


# --------------------------------------------------------------- buy


def test_buy_pulls_the_price(events, fmc, make_event, alice):
    event_id = make_event()
    before = fmc.balanceOf(alice)
    receipt = events.buy(event_id, sender=alice)
    log = receipt.events.filter(events.TicketBought)[0]
    assert (log.event_id, log.buyer, log.price) == (event_id, alice.address, PRICE)
    assert fmc.balanceOf(alice) == before - PRICE and fmc.balanceOf(events) == PRICE
    assert events.has_ticket(event_id, alice) and events.events(event_id).sold == 1
    assert events.badge_of(event_id, alice) == 0


def test_buy_a_free_event_moves_no_fmc(events, fmc, make_event, stranger):
    """stranger holds no FMC and approved nothing: a free ticket needs neither."""
    event_id = make_event(price=0)
    receipt = events.buy(event_id, sender=stranger)
    assert receipt.events.filter(events.TicketBought)[0].price == 0
    assert not receipt.events.filter(fmc.Transfer)
    assert events.has_ticket(event_id, stranger) and fmc.balanceOf(events) == 0


def test_buy_before_the_start_and_until_the_end(events, make_event, alice, bob):
    """Sales open at scheduling (before the start) and close at ends_at."""
    event_id = make_event(start_in=HOUR, length=HOUR)
    events.buy(event_id, sender=alice)  # an hour before the start
    end = ends_at(events, event_id)
    set_next(end - 1)
    events.buy(event_id, sender=bob)  # the last second
    assert events.events(event_id).sold == 2


def test_buy_after_the_end_reverts(events, make_event, alice):
    event_id = make_event(start_in=HOUR, length=HOUR)
    set_next(ends_at(events, event_id))
    with ape.reverts("events: event ended"):
        events.buy(event_id, sender=alice)
    assert not events.has_ticket(event_id, alice)


def test_buying_past_capacity_reverts(events, fmc, make_event, alice, bob, carol):
    event_id = make_event(capacity=2)
    events.buy(event_id, sender=alice)
    events.buy(event_id, sender=bob)
    with ape.reverts("events: sold out"):
        events.buy(event_id, sender=carol)
    assert events.events(event_id).sold == 2 and not events.has_ticket(event_id, carol)
    assert fmc.balanceOf(events) == 2 * PRICE


def test_a_second_ticket_reverts(events, make_event, alice):
    event_id = make_event()
    events.buy(event_id, sender=alice)
    with ape.reverts("events: already has a ticket"):
        events.buy(event_id, sender=alice)
    assert events.events(event_id).sold == 1


def test_buy_a_cancelled_or_unknown_event_reverts(events, make_event, operator, alice):
    event_id = make_event()
    events.cancel(event_id, sender=operator)
    with ape.reverts("events: cancelled"):
        events.buy(event_id, sender=alice)
    with ape.reverts("events: unknown event"):
        events.buy(99, sender=alice)
    with ape.reverts("events: unknown event"):
        events.buy(0, sender=alice)


def test_buy_without_allowance_reverts(events, fmc, make_event, permit_fan):
    event_id = make_event()
    with ape.reverts():
        events.buy(event_id, sender=permit_fan)
    assert not events.has_ticket(event_id, permit_fan) and events.events(event_id).sold == 0


# --------------------------------------------------------------- buy_with_permit


def test_buy_with_permit(events, fmc, make_event, permit_fan):
    event_id = make_event()
    deadline = now() + HOUR
    before = fmc.balanceOf(permit_fan)
    v, r, s = permit_for(fmc, events, permit_fan, PRICE, deadline)
    events.buy_with_permit(event_id, deadline, v, r, s, sender=permit_fan)
    assert events.has_ticket(event_id, permit_fan) and fmc.balanceOf(permit_fan) == before - PRICE
    assert fmc.nonces(permit_fan) == 1 and fmc.allowance(permit_fan, events) == 0  # exactly the price


def test_buy_with_front_run_permit_still_goes_through(events, fmc, make_event, permit_fan, stranger):
    """Someone submits the fan's permit first: the allowance is there, so the purchase proceeds."""
    event_id = make_event()
    deadline = now() + HOUR
    v, r, s = permit_for(fmc, events, permit_fan, PRICE, deadline)
    fmc.permit(permit_fan, events, PRICE, deadline, v, r, s, sender=stranger)
    events.buy_with_permit(event_id, deadline, v, r, s, sender=permit_fan)
    assert events.has_ticket(event_id, permit_fan)


@pytest.mark.parametrize("what", ["another signer", "another value", "expired"])
def test_buy_with_bad_permit_reverts(events, fmc, make_event, permit_fan, stranger, what):
    event_id = make_event()
    deadline = now() + HOUR
    if what == "another signer":
        v, r, s = permit_for(fmc, events, permit_fan, PRICE, deadline, key=stranger.private_key)
    elif what == "another value":  # the contract permits exactly the price
        v, r, s = permit_for(fmc, events, permit_fan, 2 * PRICE, deadline)
    else:
        deadline = now()
        v, r, s = permit_for(fmc, events, permit_fan, PRICE, deadline)
        warp(2)
    with ape.reverts("events: permit failed"):
        events.buy_with_permit(event_id, deadline, v, r, s, sender=permit_fan)
    assert not events.has_ticket(event_id, permit_fan) and fmc.nonces(permit_fan) == 0


def test_buy_with_permit_a_free_event_ignores_the_signature(events, fmc, make_event, stranger):
    event_id = make_event(price=0)
    events.buy_with_permit(event_id, 0, 27, b"\x00" * 32, b"\x00" * 32, sender=stranger)
    assert events.has_ticket(event_id, stranger) and fmc.balanceOf(events) == 0


def test_buy_with_permit_checks_the_event_like_buy(events, fmc, make_event, alice):
    """alice's standing allowance covers the price, so only the event's own checks can stop her."""
    event_id = make_event(capacity=2)
    events.buy_with_permit(event_id, 0, 27, b"\x00" * 32, b"\x00" * 32, sender=alice)
    with ape.reverts("events: already has a ticket"):
        events.buy_with_permit(event_id, 0, 27, b"\x00" * 32, b"\x00" * 32, sender=alice)
    with ape.reverts("events: unknown event"):
        events.buy_with_permit(99, 0, 27, b"\x00" * 32, b"\x00" * 32, sender=alice)


# --------------------------------------------------------------- settle


def test_settle_pays_the_proceeds_to_the_share_holders(events, fmc, share, sold, stranger, holder):
    with ape.reverts("events: not ended"):
        events.settle(sold, sender=stranger)
    set_next(ends_at(events, sold))  # the first second after the event
    receipt = events.settle(sold, sender=stranger)  # anyone may settle
    log = receipt.events.filter(events.EventSettled)[0]
    assert (log.event_id, log.persona_id, log.share_token, log.amount) == (sold, 1, share.address, 2 * PRICE)
    assert fmc.balanceOf(events) == 0 and fmc.balanceOf(share) == 2 * PRICE
    assert share.token_revenue(fmc) == 2 * PRICE
    # the share token splits it: its only holder is owed everything but the DAO's fee
    assert share.claimable_token(fmc, holder) == 2 * PRICE - 2 * PRICE * INITIAL_FEE_BPS // BPS
    assert events.events(sold).settled
    with ape.reverts("events: already settled"):
        events.settle(sold, sender=stranger)


def test_settle_a_cancelled_or_unknown_event_reverts(events, sold, operator, stranger):
    events.cancel(sold, sender=operator)
    warp(3 * HOUR + 60)
    with ape.reverts("events: cancelled"):
        events.settle(sold, sender=stranger)
    with ape.reverts("events: unknown event"):
        events.settle(99, sender=stranger)


@pytest.mark.parametrize("price, buyers", [(0, 2), (PRICE, 0)])
def test_settle_without_proceeds_pays_nothing(events, fmc, share, make_event, alice, bob, stranger, price, buyers):
    event_id = make_event(price=price)
    for fan in (alice, bob)[:buyers]:
        events.buy(event_id, sender=fan)
    mine_to(ends_at(events, event_id))
    receipt = events.settle(event_id, sender=stranger)
    assert receipt.events.filter(events.EventSettled)[0].amount == 0
    assert share.token_revenue(fmc) == 0 and events.events(event_id).settled


def test_settle_after_the_persona_retired_still_pays_it(events, fmc, share, registry, deployer, sold, stranger):
    """Proceeds are never stuck: a persona retired after its event still receives them."""
    registry.set_status(1, 2, sender=deployer)
    mine_to(ends_at(events, sold))
    events.settle(sold, sender=stranger)
    assert fmc.balanceOf(share) == 2 * PRICE


# --------------------------------------------------------------- cancel and refund


def test_cancel_then_refund(events, fmc, sold, operator, alice, bob):
    receipt = events.cancel(sold, sender=operator)
    log = receipt.events.filter(events.EventCancelled)[0]
    assert (log.event_id, log.persona_id, log.operator) == (sold, 1, operator.address)
    assert events.events(sold).cancelled
    before = fmc.balanceOf(alice)
    receipt = events.refund(sold, sender=alice)
    log = receipt.events.filter(events.TicketRefunded)[0]
    assert (log.event_id, log.holder, log.amount) == (sold, alice.address, PRICE)
    assert fmc.balanceOf(alice) == before + PRICE and fmc.balanceOf(events) == PRICE
    assert not events.has_ticket(sold, alice) and events.has_ticket(sold, bob)
    assert events.refunded(sold) == PRICE and events.events(sold).sold == 2
    with ape.reverts("events: no ticket"):
        events.refund(sold, sender=alice)  # twice
    events.refund(sold, sender=bob)
    assert fmc.balanceOf(events) == 0 and events.refunded(sold) == 2 * PRICE


def test_refund_reverts(events, sold, operator, carol):
    with ape.reverts("events: not cancelled"):
        events.refund(sold, sender=carol)
    events.cancel(sold, sender=operator)
    with ape.reverts("events: no ticket"):
        events.refund(sold, sender=carol)
    with ape.reverts("events: unknown event"):
        events.refund(99, sender=carol)


def test_refund_a_free_ticket_gives_it_up(events, fmc, make_event, operator, stranger):
    event_id = make_event(price=0)
    events.buy(event_id, sender=stranger)
    events.cancel(event_id, sender=operator)
    receipt = events.refund(event_id, sender=stranger)
    assert receipt.events.filter(events.TicketRefunded)[0].amount == 0 and not receipt.events.filter(fmc.Transfer)
    assert not events.has_ticket(event_id, stranger)


def test_cancel_reverts(events, sold, operator, stranger, deployer):
    with ape.reverts(NOT_OPERATOR):
        events.cancel(sold, sender=stranger)
    with ape.reverts(NOT_OPERATOR):
        events.cancel(sold, sender=deployer)
    with ape.reverts("events: unknown event"):
        events.cancel(99, sender=operator)
    events.cancel(sold, sender=operator)
    with ape.reverts("events: cancelled"):
        events.cancel(sold, sender=operator)


def test_cancel_at_or_after_the_end_reverts(events, sold, operator, stranger):
    set_next(ends_at(events, sold))
    with ape.reverts("events: event ended"):
        events.cancel(sold, sender=operator)
    events.settle(sold, sender=stranger)
    with ape.reverts("events: event ended"):
        events.cancel(sold, sender=operator)  # a settled event has ended too
    assert not events.events(sold).cancelled


def test_cancel_in_the_last_second(events, sold, operator):
    set_next(ends_at(events, sold) - 1)
    events.cancel(sold, sender=operator)
    assert events.events(sold).cancelled


def test_a_revoked_operator_cannot_cancel(events, sold, deployer, operator):
    events.set_operator(1, operator, False, sender=deployer)
    with ape.reverts(NOT_OPERATOR):
        events.cancel(sold, sender=operator)


# --------------------------------------------------------------- claim_badge


def test_claim_badge_mints_a_locked_badge(events, sold, alice, bob, voucher_key):
    receipt = events.claim_badge(sold, *voucher(events, voucher_key, sold, alice, attended=61), sender=alice)
    assert receipt.return_value == 1
    transfer = receipt.events.filter(events.Transfer)[0]
    assert (transfer.sender, transfer.receiver, transfer.token_id) == (ZERO, alice.address, 1)
    assert receipt.events.filter(events.Locked)[0].tokenId == 1
    assert events.badge_of(sold, alice) == 1 and events.ownerOf(1) == alice.address
    assert events.balanceOf(alice) == 1 and events.locked(1)
    assert events.tokenURI(1) == f"ipfs://{CID}"
    assert events.persona_badges(1) == 1 and events.badge_count() == 1
    assert events.getApproved(1) == ZERO and not events.isApprovedForAll(alice, bob)
    assert events.has_ticket(sold, alice)  # the ticket stays
    second = events.claim_badge(sold, *voucher(events, voucher_key, sold, bob), sender=bob)
    assert second.return_value == 2 and events.ownerOf(2) == bob.address and events.persona_badges(1) == 2


def test_badges_of_several_events(events, make_event, alice, voucher_key):
    nova, lux = make_event(), make_event(persona_id=3, cid=OTHER_CID, price=0, min_attendance=0)
    for event_id in (nova, lux):
        events.buy(event_id, sender=alice)
    events.claim_badge(lux, *voucher(events, voucher_key, lux, alice, attended=0), sender=alice)
    events.claim_badge(nova, *voucher(events, voucher_key, nova, alice), sender=alice)
    assert (events.badge_of(lux, alice), events.badge_of(nova, alice)) == (1, 2)
    assert events.balanceOf(alice) == 2 and (events.persona_badges(1), events.persona_badges(3)) == (1, 1)
    assert (events.tokenURI(1), events.tokenURI(2)) == (f"ipfs://{OTHER_CID}", f"ipfs://{CID}")


def test_claim_badge_after_the_event(events, sold, alice, voucher_key):
    """The live server may sign the voucher late; what counts is its deadline."""
    warp(DAY)
    events.claim_badge(sold, *voucher(events, voucher_key, sold, alice), sender=alice)
    assert events.badge_of(sold, alice) == 1


def test_a_replayed_voucher_mints_no_second_badge(events, sold, alice, voucher_key):
    signed = voucher(events, voucher_key, sold, alice)
    events.claim_badge(sold, *signed, sender=alice)
    with ape.reverts("events: badge already claimed"):
        events.claim_badge(sold, *signed, sender=alice)
    fresh = voucher(events, voucher_key, sold, alice, attended=3_600)
    with ape.reverts("events: badge already claimed"):
        events.claim_badge(sold, *fresh, sender=alice)
    assert events.balanceOf(alice) == 1 and events.badge_count() == 1


def test_a_voucher_for_another_address_reverts(events, sold, alice, bob, voucher_key):
    """bob's voucher, sent by alice (who holds a ticket too): the attendee is the sender."""
    with ape.reverts(BAD_VOUCHER):
        events.claim_badge(sold, *voucher(events, voucher_key, sold, bob), sender=alice)
    assert events.badge_count() == 0 and events.badge_of(sold, alice) == 0


def test_an_expired_voucher_reverts(events, sold, alice, voucher_key):
    t = now() + 10
    signed = voucher(events, voucher_key, sold, alice, deadline=t)
    set_next(t + 1)
    with ape.reverts("events: voucher expired"):
        events.claim_badge(sold, *signed, sender=alice)


def test_a_voucher_is_good_until_its_deadline_inclusive(events, sold, alice, voucher_key):
    t = now() + 10
    signed = voucher(events, voucher_key, sold, alice, deadline=t)
    set_next(t)
    events.claim_badge(sold, *signed, sender=alice)
    assert events.badge_of(sold, alice) == 1


def test_a_voucher_of_another_signer_reverts(events, sold, alice, other_key):
    with ape.reverts(BAD_VOUCHER):
        events.claim_badge(sold, *voucher(events, other_key, sold, alice), sender=alice)


@pytest.mark.parametrize("field", ["eventId", "attended", "deadline", "chainId", "verifyingContract"])
def test_a_voucher_for_other_data_reverts(events, make_event, sold, alice, voucher_key, field):
    """The signature covers every field of the message and of the domain."""
    other_event = make_event()
    events.buy(other_event, sender=alice)
    attended, deadline = 600, now() + DAY
    args = dict(chain_id=chain.chain_id, contract=events, event_id=sold, attended=attended, deadline=deadline)
    if field == "eventId":
        args["event_id"] = other_event
    elif field == "attended":
        args["attended"] = attended + 1
    elif field == "deadline":
        args["deadline"] = deadline + 1
    elif field == "chainId":
        args["chain_id"] = chain.chain_id + 1
    else:
        args["contract"] = alice.address
    signature = sign_voucher(voucher_key, attendee=alice, **args)
    with ape.reverts(BAD_VOUCHER):
        events.claim_badge(sold, attended, deadline, signature, sender=alice)


def test_too_little_attendance_reverts(events, make_event, alice, voucher_key):
    event_id = make_event(min_attendance=600)
    events.buy(event_id, sender=alice)
    with ape.reverts("events: attendance too short"):  # a genuine voucher, but for 599 s
        events.claim_badge(event_id, *voucher(events, voucher_key, event_id, alice, attended=599), sender=alice)
    events.claim_badge(event_id, *voucher(events, voucher_key, event_id, alice, attended=600), sender=alice)
    assert events.badge_of(event_id, alice) == 1


def test_claim_without_a_ticket_reverts(events, sold, carol, voucher_key):
    with ape.reverts("events: no ticket"):
        events.claim_badge(sold, *voucher(events, voucher_key, sold, carol), sender=carol)


def test_claim_for_a_cancelled_or_unknown_event_reverts(events, sold, operator, alice, voucher_key):
    signed = voucher(events, voucher_key, sold, alice)
    events.cancel(sold, sender=operator)
    with ape.reverts("events: cancelled"):
        events.claim_badge(sold, *signed, sender=alice)
    with ape.reverts("events: unknown event"):
        events.claim_badge(99, *voucher(events, voucher_key, 99, alice), sender=alice)


def test_a_badge_claimed_before_a_cancellation_stays(events, fmc, sold, operator, alice, voucher_key):
    events.claim_badge(sold, *voucher(events, voucher_key, sold, alice), sender=alice)
    events.cancel(sold, sender=operator)
    before = fmc.balanceOf(alice)
    events.refund(sold, sender=alice)
    assert fmc.balanceOf(alice) == before + PRICE
    assert events.badge_of(sold, alice) == 1 and events.ownerOf(1) == alice.address
    assert not events.has_ticket(sold, alice)


def test_malformed_signatures_revert(events, sold, alice, voucher_key):
    attended, deadline, signature = voucher(events, voucher_key, sold, alice)
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    compact = r + ((v - 27) << 255 | s).to_bytes(32, "big")  # EIP-2098: the same signature in 64 bytes
    with ape.reverts("events: signature is not 65 bytes"):
        events.claim_badge(sold, attended, deadline, compact, sender=alice)
    high_s = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # the malleable twin
    with ape.reverts("ecdsa: invalid signature `s` value"):
        events.claim_badge(sold, attended, deadline, high_s, sender=alice)
    with ape.reverts("ecdsa: invalid signature"):
        events.claim_badge(sold, attended, deadline, signature[:64] + bytes([29]), sender=alice)
    with ape.reverts("events: signature is not 65 bytes"):
        events.claim_badge(sold, attended, deadline, b"", sender=alice)
    events.claim_badge(sold, attended, deadline, signature, sender=alice)  # the genuine one still works


# --------------------------------------------------------------- ERC-721 / ERC-5192 surface


@pytest.fixture
def badge(events, sold, alice, voucher_key):
    """alice's badge (token 1) for the sold event."""
    events.claim_badge(sold, *voucher(events, voucher_key, sold, alice), sender=alice)
    return 1


def test_every_transfer_and_approval_reverts(events, badge, alice, bob):
    with ape.reverts(SOULBOUND):
        events.transferFrom(alice, bob, badge, sender=alice)
    with ape.reverts(SOULBOUND):
        events.safeTransferFrom(alice, bob, badge, sender=alice)
    with ape.reverts(SOULBOUND):
        events.safeTransferFrom(alice, bob, badge, b"data", sender=alice)
    with ape.reverts(SOULBOUND):
        events.approve(bob, badge, sender=alice)
    with ape.reverts(SOULBOUND):
        events.setApprovalForAll(bob, True, sender=alice)
    assert events.ownerOf(badge) == alice.address and events.balanceOf(bob) == 0
    assert events.getApproved(badge) == ZERO and not events.isApprovedForAll(alice, bob)


def test_views_of_a_badge_that_does_not_exist_revert(events, badge, alice):
    for view in (events.ownerOf, events.tokenURI, events.getApproved, events.locked):
        with ape.reverts(UNKNOWN_TOKEN):
            view(badge + 1)
        with ape.reverts(UNKNOWN_TOKEN):
            view(0)
    with ape.reverts("badge: zero address"):
        events.balanceOf(ZERO)


def test_supports_interface_ids_from_the_selectors(events):
    """Each id is computed here from the standard's function signatures (ERC-165: XOR of the
    selectors), checked against the number the standard publishes, then asked of the contract."""
    ids = {
        "ERC-165": (interface_id(*ERC165_FUNCTIONS), 0x01FFC9A7),
        "ERC-721": (interface_id(*ERC721_FUNCTIONS), 0x80AC58CD),
        "ERC-721 Metadata": (interface_id(*ERC721_METADATA_FUNCTIONS), 0x5B5E139F),
        "ERC-5192": (interface_id(*ERC5192_FUNCTIONS), 0xB45A3C0E),
    }
    for name, (computed, published) in ids.items():
        assert computed == published, name
        assert events.supportsInterface(computed.to_bytes(4, "big")), name
    for other in (0xFFFFFFFF, 0x00000000, 0x780E9D63, selector("locked(uint256)") ^ 1):  # 0x780e9d63: Enumerable
        assert not events.supportsInterface(other.to_bytes(4, "big"))
    # ... and the contract has every function those ids stand for
    abi = {
        f"{a.name}({','.join(i.canonical_type for i in a.inputs)})"
        for a in events.contract_type.abi
        if a.type == "function"
    }
    assert set(ERC165_FUNCTIONS + ERC721_FUNCTIONS + ERC721_METADATA_FUNCTIONS + ERC5192_FUNCTIONS) <= abi


# --------------------------------------------------------------- views of unknown things


def test_views_of_an_unknown_event_are_empty(events, alice):
    assert event_of(events, 7) == (0, 0, 0, 0, 0, 0, 0, False, False, "")
    assert events.refunded(7) == 0 and not events.has_ticket(7, alice) and events.badge_of(7, alice) == 0
    assert events.persona_badges(1) == 0 and not events.is_operator(1, alice)


def test_fmc_is_conserved_through_a_mixed_life(events, fmc, share, make_event, operator, alice, bob, carol, stranger):
    """Balance == sum over unsettled events of price * (sold - refunded), at every step."""
    a, b = make_event(), make_event(price=3 * E18)

    def held():
        total = 0
        for event_id in (a, b):
            e = events.events(event_id)
            if not e.settled:
                total += e.price * e.sold - events.refunded(event_id)
        return total

    for fan in (alice, bob, carol):
        events.buy(a, sender=fan)
    events.buy(b, sender=alice)
    events.buy(b, sender=bob)
    assert fmc.balanceOf(events) == held() == 3 * PRICE + 6 * E18
    events.cancel(b, sender=operator)
    events.refund(b, sender=bob)
    assert fmc.balanceOf(events) == held() == 3 * PRICE + 3 * E18
    mine_to(ends_at(events, a))
    events.settle(a, sender=stranger)
    assert fmc.balanceOf(events) == held() == 3 * E18 and fmc.balanceOf(share) == 3 * PRICE
    events.refund(b, sender=alice)
    assert fmc.balanceOf(events) == held() == 0


def test_the_live_servers_voucher_encoding_mints_a_badge(events, sold, alice, voucher_key):
    """fame.eip712.attendance_typed_data (what the live server signs) is the typed data the contract
    checks: one contract between the two pieces."""
    from fame.eip712 import attendance_typed_data, sign_typed

    deadline = now() + DAY
    v, r, s = sign_typed(voucher_key.key, attendance_typed_data(chain.chain_id, events, sold, alice, 600, deadline))
    events.claim_badge(sold, 600, deadline, r + s + bytes([v]), sender=alice)
    assert events.badge_of(sold, alice) == 1
