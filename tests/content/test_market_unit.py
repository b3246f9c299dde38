"""ContentMarket: every external function, its events and every revert path.

The life of a request: request (fee escrowed) -> claim (bonded worker) -> fulfil (content +
manifest CIDs) -> challenge window -> release (worker / persona / protocol parts), or reject
-> dispute settled by the owner (refund, slash, release); expired claims reopen; requests
past their deadline are refundable; open ones can be cancelled.
"""

import ape
import pytest
from ape import chain
from market_helpers import (
    BRIEF,
    CANCELLED,
    CAPTION,
    CHALLENGE,
    CLAIM_TTL,
    CLAIMED,
    CONTENT,
    DAY,
    DISPUTED,
    E18,
    EMOTION_ANY,
    FULFILLED,
    IMAGE,
    MANIFEST,
    MIN_BOND,
    MIN_FEE,
    OPEN,
    PARAMS,
    POST,
    REFUND,
    REFUNDED,
    RELEASE,
    RELEASED,
    SLASH,
    SLASH_AMOUNT,
    VIDEO,
    VOICE,
    now,
    split,
    travel,
)

from fame.eip712 import sign_permit

FEE = 100 * E18
ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def bonded(market, worker_a, worker_b):
    market.bond(MIN_BOND, sender=worker_a)
    market.bond(MIN_BOND, sender=worker_b)


def make_request(market, who, fee=FEE, kind=IMAGE, emotion=0, deadline_in=DAY, persona=1):
    receipt = market.request(persona, BRIEF, kind, emotion, fee, now() + deadline_in, sender=who)
    return receipt.events.filter(market.RequestCreated)[0].request_id


def fulfilled(market, alice, worker):
    rid = make_request(market, alice)
    market.claim(rid, sender=worker)
    market.fulfil(rid, CONTENT, MANIFEST, sender=worker)
    return rid


# --------------------------------------------------------------- deployment and parameters


def test_deployment(market, deployer, fmc, registry, fee_sink):
    assert market.owner() == deployer.address
    assert market.FMC() == fmc.address and market.REGISTRY() == registry.address
    assert market.fee_recipient() == fee_sink.address
    assert tuple(market.params()) == PARAMS
    assert market.request_count() == 0 and market.escrowed() == 0 and market.bonded() == 0


@pytest.mark.parametrize(
    "index, value, reason",
    [
        (0, 10_000_000 * E18 + 1, "market: min bond out of bounds"),
        (1, 1_000_000 * E18 + 1, "market: min fee out of bounds"),
        (2, 59, "market: claim ttl out of bounds"),
        (2, 7 * DAY + 1, "market: claim ttl out of bounds"),
        (3, 59, "market: challenge window out of bounds"),
        (3, 30 * DAY + 1, "market: challenge window out of bounds"),
        (4, 4_501, "market: take out of bounds"),
        (6, MIN_BOND + 1, "market: slash above min bond"),
    ],
)
def test_set_params_bounds(market, deployer, index, value, reason):
    bad = list(PARAMS)
    bad[index] = value
    with ape.reverts(reason):
        market.set_params(tuple(bad), sender=deployer)


def test_set_params_owner_only_and_applies(market, deployer, alice):
    new = (2 * MIN_BOND, MIN_FEE, 2 * CLAIM_TTL, 2 * CHALLENGE, 1_000, 1_000, SLASH_AMOUNT)
    with ape.reverts("ownable: caller is not the owner"):
        market.set_params(new, sender=alice)
    receipt = market.set_params(new, sender=deployer)
    assert tuple(market.params()) == new
    assert receipt.events.filter(market.ParametersChanged)[0].claim_ttl == 2 * CLAIM_TTL


def test_set_fee_recipient(market, deployer, alice, bob):
    with ape.reverts("ownable: caller is not the owner"):
        market.set_fee_recipient(alice, sender=alice)
    with ape.reverts("market: zero fee recipient"):
        market.set_fee_recipient(ZERO, sender=deployer)
    receipt = market.set_fee_recipient(bob, sender=deployer)
    assert market.fee_recipient() == bob.address
    assert receipt.events.filter(market.FeeRecipientChanged)[0].new_recipient == bob.address


def test_constructor_rejects_zero_addresses(project, deployer, fmc, registry, fee_sink):
    with ape.reverts("market: zero owner"):
        project.ContentMarket.deploy(ZERO, fmc, registry, fee_sink, PARAMS, sender=deployer)
    with ape.reverts("market: zero FMC"):
        project.ContentMarket.deploy(deployer, ZERO, registry, fee_sink, PARAMS, sender=deployer)
    with ape.reverts("market: zero registry"):
        project.ContentMarket.deploy(deployer, fmc, ZERO, fee_sink, PARAMS, sender=deployer)
    with ape.reverts("market: zero fee recipient"):
        project.ContentMarket.deploy(deployer, fmc, registry, ZERO, PARAMS, sender=deployer)


# --------------------------------------------------------------- requests


@pytest.mark.parametrize("kind", [IMAGE, CAPTION, POST, VOICE, VIDEO])
def test_every_kind_is_requested_and_escrowed_alike(market, fmc, alice, kind):
    """Voice and video are kinds like the others: the same fee floor, the same escrow."""
    before = fmc.balanceOf(alice)
    receipt = market.request(1, BRIEF, kind, EMOTION_ANY, FEE, now() + DAY, sender=alice)
    assert receipt.events.filter(market.RequestCreated)[0].kind == kind
    assert fmc.balanceOf(alice) == before - FEE and market.escrowed() == FEE
    assert (market.KIND_VOICE(), market.KIND_VIDEO()) == (VOICE, VIDEO)


def test_request_escrows_the_fee(market, fmc, alice):
    before = fmc.balanceOf(alice)
    deadline = now() + DAY
    receipt = market.request(1, BRIEF, CAPTION, EMOTION_ANY, FEE, deadline, sender=alice)
    log = receipt.events.filter(market.RequestCreated)[0]
    assert (
        log.request_id,
        log.persona_id,
        log.requester,
        log.kind,
        log.emotion,
        log.fee,
        log.deadline,
        log.brief_cid,
    ) == (1, 1, alice.address, CAPTION, EMOTION_ANY, FEE, deadline, BRIEF)
    r = market.get_request(1)
    assert (r.requester, r.persona_id, r.status, r.fee, r.brief_cid) == (alice.address, 1, OPEN, FEE, BRIEF)
    assert fmc.balanceOf(alice) == before - FEE and fmc.balanceOf(market) == FEE == market.escrowed()
    assert market.request_count() == 1 and market.status_of(1) == OPEN and market.is_claimable(1)


@pytest.mark.parametrize(
    "persona, brief, kind, emotion, fee, deadline_in, reason",
    [
        (2, BRIEF, IMAGE, 0, FEE, DAY, "market: persona not active"),  # retired
        (99, BRIEF, IMAGE, 0, FEE, DAY, "market: persona not active"),  # unknown
        (1, "", IMAGE, 0, FEE, DAY, "market: empty brief"),
        (1, BRIEF, VIDEO + 1, 0, FEE, DAY, "market: invalid kind"),
        (1, BRIEF, IMAGE, 6, FEE, DAY, "market: invalid emotion"),
        (1, BRIEF, IMAGE, 0, MIN_FEE - 1, DAY, "market: fee below minimum"),
        (1, BRIEF, IMAGE, 0, FEE, -10, "market: deadline passed"),
        (1, BRIEF, IMAGE, 0, FEE, 91 * DAY, "market: deadline too far"),
    ],
)
def test_request_reverts(market, alice, persona, brief, kind, emotion, fee, deadline_in, reason):
    with ape.reverts(reason):
        market.request(persona, brief, kind, emotion, fee, now() + deadline_in, sender=alice)


def test_request_without_allowance_reverts(market, fmc, carol, deployer):
    fmc.transfer(carol, FEE, sender=deployer)
    with ape.reverts():
        market.request(1, BRIEF, IMAGE, 0, FEE, now() + DAY, sender=carol)
    assert market.request_count() == 0 and market.escrowed() == 0


def test_request_with_permit(market, fmc, carol, deployer):
    fmc.transfer(carol, FEE, sender=deployer)
    deadline = now() + DAY
    v, r, s = sign_permit(
        carol.private_key,
        name=fmc.name(),
        chain_id=chain.chain_id,
        token=fmc,
        owner=carol,
        spender=market,
        value=FEE,
        nonce=fmc.nonces(carol),
        deadline=deadline,
    )
    market.request_with_permit(1, BRIEF, IMAGE, 0, FEE, deadline, deadline, v, r, s, sender=carol)
    assert market.escrowed() == FEE and fmc.balanceOf(carol) == 0 and fmc.nonces(carol) == 1


def test_request_with_front_run_permit_still_goes_through(market, fmc, carol, bob, deployer):
    """Someone submits carol's permit first: the allowance is there, so the request proceeds."""
    fmc.transfer(carol, FEE, sender=deployer)
    deadline = now() + DAY
    v, r, s = sign_permit(
        carol.private_key,
        name=fmc.name(),
        chain_id=chain.chain_id,
        token=fmc,
        owner=carol,
        spender=market,
        value=FEE,
        nonce=fmc.nonces(carol),
        deadline=deadline,
    )
    fmc.permit(carol, market, FEE, deadline, v, r, s, sender=bob)
    market.request_with_permit(1, BRIEF, IMAGE, 0, FEE, deadline, deadline, v, r, s, sender=carol)
    assert market.escrowed() == FEE


def test_request_with_bad_permit_reverts(market, fmc, carol, bob, deployer):
    fmc.transfer(carol, FEE, sender=deployer)
    deadline = now() + DAY
    v, r, s = sign_permit(
        bob.private_key,
        name=fmc.name(),
        chain_id=chain.chain_id,
        token=fmc,
        owner=carol,
        spender=market,
        value=FEE,
        nonce=fmc.nonces(carol),
        deadline=deadline,
    )
    with ape.reverts("market: permit failed"):
        market.request_with_permit(1, BRIEF, IMAGE, 0, FEE, deadline, deadline, v, r, s, sender=carol)


# --------------------------------------------------------------- bonds


def test_bond_and_unbond(market, fmc, worker_a):
    before = fmc.balanceOf(worker_a)
    receipt = market.bond(MIN_BOND, sender=worker_a)
    log = receipt.events.filter(market.BondChanged)[0]
    assert (log.worker, log.bond, log.delta) == (worker_a.address, MIN_BOND, MIN_BOND)
    assert market.worker(worker_a).bond == MIN_BOND == market.bonded()
    receipt = market.unbond(MIN_BOND // 4, sender=worker_a)
    assert receipt.events.filter(market.BondChanged)[0].delta == -(MIN_BOND // 4)
    assert fmc.balanceOf(worker_a) == before - MIN_BOND + MIN_BOND // 4
    assert market.bonded() == MIN_BOND - MIN_BOND // 4


def test_bond_and_unbond_reverts(market, worker_a, alice, bonded):
    with ape.reverts("market: zero amount"):
        market.bond(0, sender=worker_a)
    with ape.reverts("market: amount exceeds bond"):
        market.unbond(MIN_BOND + 1, sender=worker_a)
    with ape.reverts("market: amount exceeds bond"):
        market.unbond(0, sender=worker_a)
    rid = make_request(market, alice)
    market.claim(rid, sender=worker_a)
    with ape.reverts("market: worker has open jobs"):
        market.unbond(1, sender=worker_a)


# --------------------------------------------------------------- claims


def test_claim(market, alice, worker_a, bonded):
    rid = make_request(market, alice)
    receipt = market.claim(rid, sender=worker_a)
    log = receipt.events.filter(market.RequestClaimed)[0]
    r = market.get_request(rid)
    assert (r.status, r.worker, r.claim_expires) == (CLAIMED, worker_a.address, log.claim_expires)
    assert log.claim_expires == r.claim_expires and market.worker(worker_a).open_jobs == 1
    assert not market.is_claimable(rid)


def test_claim_never_outlives_the_deadline(market, alice, worker_a, bonded):
    rid = make_request(market, alice, deadline_in=CLAIM_TTL // 2)
    market.claim(rid, sender=worker_a)
    assert market.get_request(rid).claim_expires == market.get_request(rid).deadline


def test_claim_reverts(market, alice, bob, worker_a, worker_b, bonded):
    rid = make_request(market, alice, deadline_in=2 * CLAIM_TTL)
    with ape.reverts("market: bond below minimum"):
        market.claim(rid, sender=bob)
    with ape.reverts("market: not claimable"):
        market.claim(999, sender=worker_a)
    market.claim(rid, sender=worker_a)
    with ape.reverts("market: not claimable"):
        market.claim(rid, sender=worker_b)  # the claim is live
    travel(3 * CLAIM_TTL)
    with ape.reverts("market: request expired"):
        market.claim(rid, sender=worker_b)


def test_expired_claim_can_be_claimed_by_another_worker(market, alice, worker_a, worker_b, bonded):
    rid = make_request(market, alice)
    market.claim(rid, sender=worker_a)
    travel(CLAIM_TTL)
    assert market.is_claimable(rid)
    market.claim(rid, sender=worker_b)
    assert market.get_request(rid).worker == worker_b.address
    assert market.worker(worker_a).open_jobs == 0 and market.worker(worker_b).open_jobs == 1
    with ape.reverts("market: caller does not hold the claim"):
        market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)


def test_reopen(market, alice, carol, worker_a, bonded):
    rid = make_request(market, alice)
    market.claim(rid, sender=worker_a)
    with ape.reverts("market: claim still live"):
        market.reopen(rid, sender=carol)
    receipt = market.reopen(rid, sender=worker_a)  # the claimant gives it up
    assert receipt.events.filter(market.RequestReopened)[0].previous_worker == worker_a.address
    assert market.status_of(rid) == OPEN and market.worker(worker_a).open_jobs == 0
    with ape.reverts("market: not claimed"):
        market.reopen(rid, sender=worker_a)
    market.claim(rid, sender=worker_a)
    travel(CLAIM_TTL)
    market.reopen(rid, sender=carol)  # anyone, once expired
    assert market.status_of(rid) == OPEN and market.worker(worker_a).open_jobs == 0


# --------------------------------------------------------------- fulfilment and release


def test_fulfil(market, alice, worker_a, bonded):
    rid = make_request(market, alice)
    market.claim(rid, sender=worker_a)
    receipt = market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)
    log = receipt.events.filter(market.RequestFulfilled)[0]
    assert (log.content_cid, log.manifest_cid, log.worker) == (CONTENT, MANIFEST, worker_a.address)
    r = market.get_request(rid)
    assert (r.status, r.content_cid, r.manifest_cid) == (FULFILLED, CONTENT, MANIFEST)
    assert r.challenge_ends == r.fulfilled_at + CHALLENGE
    assert market.worker(worker_a).fulfilled == 1


def test_fulfil_reverts(market, alice, worker_a, worker_b, bonded):
    rid = make_request(market, alice)
    with ape.reverts("market: caller does not hold the claim"):
        market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)  # not claimed
    market.claim(rid, sender=worker_a)
    with ape.reverts("market: caller does not hold the claim"):
        market.fulfil(rid, CONTENT, MANIFEST, sender=worker_b)
    with ape.reverts("market: empty cid"):
        market.fulfil(rid, "", MANIFEST, sender=worker_a)
    with ape.reverts("market: empty cid"):
        market.fulfil(rid, CONTENT, "", sender=worker_a)
    travel(CLAIM_TTL)
    with ape.reverts("market: claim expired"):
        market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)


def test_release_pays_worker_persona_and_protocol(market, fmc, payee, alice, carol, worker_a, fee_sink, bonded):
    rid = fulfilled(market, alice, worker_a)
    with ape.reverts("market: challenge window open"):
        market.release(rid, sender=carol)
    travel(CHALLENGE)
    worker_before, sink_before = fmc.balanceOf(worker_a), fmc.balanceOf(fee_sink)
    receipt = market.release(rid, sender=carol)
    to_worker, to_persona, to_protocol = split(FEE)
    log = receipt.events.filter(market.RequestReleased)[0]
    assert (log.worker_amount, log.persona_amount, log.protocol_amount) == (to_worker, to_persona, to_protocol)
    assert fmc.balanceOf(worker_a) - worker_before == to_worker
    assert fmc.balanceOf(fee_sink) - sink_before == to_protocol
    assert payee.received(fmc) == to_persona == fmc.balanceOf(payee)
    assert market.status_of(rid) == RELEASED and market.escrowed() == 0
    assert market.worker(worker_a).open_jobs == 0
    with ape.reverts("market: not fulfilled"):
        market.release(rid, sender=carol)


# --------------------------------------------------------------- rejection and disputes


def test_reject_opens_a_dispute(market, alice, bob, worker_a, bonded):
    rid = fulfilled(market, alice, worker_a)
    with ape.reverts("market: caller is not the requester"):
        market.reject(rid, "off-brief", sender=bob)
    with ape.reverts("market: empty reason"):
        market.reject(rid, "", sender=alice)
    receipt = market.reject(rid, "off-brief", sender=alice)
    assert receipt.events.filter(market.RequestRejected)[0].reason == "off-brief"
    assert market.status_of(rid) == DISPUTED
    with ape.reverts("market: not fulfilled"):
        market.reject(rid, "again", sender=alice)
    with ape.reverts("market: not fulfilled"):
        market.release(rid, sender=alice)


def test_reject_after_the_window_reverts(market, alice, worker_a, bonded):
    rid = fulfilled(market, alice, worker_a)
    travel(CHALLENGE)
    with ape.reverts("market: challenge window closed"):
        market.reject(rid, "too late", sender=alice)


def test_settle_dispute_refund(market, fmc, deployer, alice, worker_a, bonded):
    rid = fulfilled(market, alice, worker_a)
    market.reject(rid, "off-brief", sender=alice)
    before = fmc.balanceOf(alice)
    receipt = market.settle_dispute(rid, REFUND, sender=deployer)
    assert receipt.events.filter(market.DisputeSettled)[0].outcome == REFUND
    assert fmc.balanceOf(alice) - before == FEE and market.status_of(rid) == REFUNDED
    assert market.worker(worker_a).bond == MIN_BOND and market.worker(worker_a).open_jobs == 0
    assert market.escrowed() == 0


def test_settle_dispute_slash(market, fmc, deployer, alice, worker_a, fee_sink, bonded):
    rid = fulfilled(market, alice, worker_a)
    market.reject(rid, "plagiarised", sender=alice)
    alice_before, sink_before = fmc.balanceOf(alice), fmc.balanceOf(fee_sink)
    receipt = market.settle_dispute(rid, SLASH, sender=deployer)
    assert receipt.events.filter(market.DisputeSettled)[0].slashed == SLASH_AMOUNT
    assert fmc.balanceOf(alice) - alice_before == FEE
    assert fmc.balanceOf(fee_sink) - sink_before == SLASH_AMOUNT
    w = market.worker(worker_a)
    assert (w.bond, w.slashed, w.open_jobs) == (MIN_BOND - SLASH_AMOUNT, SLASH_AMOUNT, 0)
    assert market.bonded() == 2 * MIN_BOND - SLASH_AMOUNT


def test_settle_dispute_release(market, fmc, payee, deployer, alice, worker_a, bonded):
    rid = fulfilled(market, alice, worker_a)
    market.reject(rid, "I changed my mind", sender=alice)
    before = fmc.balanceOf(worker_a)
    market.settle_dispute(rid, RELEASE, sender=deployer)
    assert fmc.balanceOf(worker_a) - before == split(FEE)[0]
    assert market.status_of(rid) == RELEASED and payee.received(fmc) == split(FEE)[1]


def test_settle_dispute_reverts(market, deployer, alice, worker_a, bonded):
    rid = fulfilled(market, alice, worker_a)
    with ape.reverts("market: not disputed"):
        market.settle_dispute(rid, REFUND, sender=deployer)
    market.reject(rid, "off-brief", sender=alice)
    with ape.reverts("ownable: caller is not the owner"):
        market.settle_dispute(rid, REFUND, sender=alice)
    for outcome in (0, 4):
        with ape.reverts("market: invalid outcome"):
            market.settle_dispute(rid, outcome, sender=deployer)


# --------------------------------------------------------------- refunds and cancellations


def test_refund_after_deadline(market, fmc, alice, bob, worker_a, bonded):
    rid = make_request(market, alice, deadline_in=2 * CLAIM_TTL)
    with ape.reverts("market: deadline not passed"):
        market.refund(rid, sender=alice)
    market.claim(rid, sender=worker_a)
    travel(3 * CLAIM_TTL)
    with ape.reverts("market: caller is not the requester"):
        market.refund(rid, sender=bob)
    before = fmc.balanceOf(alice)
    receipt = market.refund(rid, sender=alice)
    assert receipt.events.filter(market.RequestRefunded)[0].amount == FEE
    assert fmc.balanceOf(alice) - before == FEE and market.status_of(rid) == REFUNDED
    assert market.worker(worker_a).open_jobs == 0 and market.escrowed() == 0
    with ape.reverts("market: not refundable"):
        market.refund(rid, sender=alice)


def test_fulfilled_request_is_not_refundable(market, alice, worker_a, bonded):
    rid = make_request(market, alice, deadline_in=2 * CLAIM_TTL)
    market.claim(rid, sender=worker_a)
    market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)
    travel(3 * CLAIM_TTL)
    with ape.reverts("market: not refundable"):
        market.refund(rid, sender=alice)


def test_cancel(market, fmc, alice, bob, worker_a, bonded):
    rid = make_request(market, alice)
    with ape.reverts("market: caller is not the requester"):
        market.cancel(rid, sender=bob)
    market.claim(rid, sender=worker_a)
    with ape.reverts("market: not cancellable"):
        market.cancel(rid, sender=alice)
    travel(CLAIM_TTL)
    before = fmc.balanceOf(alice)
    receipt = market.cancel(rid, sender=alice)
    assert receipt.events.filter(market.RequestCancelled)[0].amount == FEE
    assert fmc.balanceOf(alice) - before == FEE and market.status_of(rid) == CANCELLED
    assert market.worker(worker_a).open_jobs == 0 and market.escrowed() == 0
    with ape.reverts("market: not cancellable"):  # settled
        market.cancel(rid, sender=alice)
