"""ContentMarket: parameters at their bounds, and a release that owes nothing to the persona or
the protocol (each test says the behaviour it checks; test_market_unit.py has the rest)."""

from market_helpers import BRIEF, CHALLENGE, CLAIM_TTL, CONTENT, DAY, E18, MANIFEST, MIN_BOND, MIN_FEE, now, travel

FEE = 100 * E18


def test_every_parameter_may_sit_at_its_bounds(market, deployer):
    """Each bound is inclusive: the largest minimum bond and fee, the shortest and the longest
    claim ttl and challenge window, a take of exactly MAX_TAKE_BPS and a slash equal to the
    minimum bond are all accepted as they are."""
    for params in (
        (10_000_000 * E18, 1_000_000 * E18, 7 * DAY, 30 * DAY, 4_000, 1_000, 10_000_000 * E18),
        (0, 0, 60, 60, 0, 5_000, 0),
        (MIN_BOND, MIN_FEE, CLAIM_TTL, CHALLENGE, 5_000, 0, MIN_BOND),
    ):
        market.set_params(params, sender=deployer)
        assert tuple(market.params()) == params


def test_a_release_with_no_take_pays_the_worker_only(market, deployer, fmc, alice, carol, worker_a):
    """With no persona share and no protocol fee, releasing a job moves FMC once: the whole fee
    to the worker, with no zero-value transfer to the fee recipient or the persona."""
    market.set_params((MIN_BOND, MIN_FEE, CLAIM_TTL, CHALLENGE, 0, 0, 0), sender=deployer)
    market.bond(MIN_BOND, sender=worker_a)
    receipt = market.request(1, BRIEF, 0, 0, FEE, now() + DAY, sender=alice)
    rid = receipt.events.filter(market.RequestCreated)[0].request_id
    market.claim(rid, sender=worker_a)
    market.fulfil(rid, CONTENT, MANIFEST, sender=worker_a)
    travel(CHALLENGE)
    before = fmc.balanceOf(worker_a)
    receipt = market.release(rid, sender=carol)
    transfers = [(log.sender, log.receiver, log.value) for log in receipt.decode_logs(fmc.Transfer)]
    assert transfers == [(market.address, worker_a.address, FEE)]
    assert fmc.balanceOf(worker_a) - before == FEE
