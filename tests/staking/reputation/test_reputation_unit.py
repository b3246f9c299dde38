"""Unit tests for Reputation: every external function and revert path.

Invariants stated by the tests below:
- only the owner changes parameters, only within the constant bounds, with events;
- E is what the oracle folded into its stored word (one accepted report per
  observation, with this contract's metric weights), decayed to now; with no
  oracle set, E is zero;
- one rating per account per persona per epoch, weighted by
  min(isqrt(votes just before the epoch // 1e18), cap): votes moved during an
  epoch do not change that epoch's weights;
- score = E + F, each clamped (E <= 6_000, F <= 4_000); every rating emits
  the new score and both components, every report logs each persona's new E.
"""

from math import isqrt

import ape
import pytest

from oracle.report import decode_logged

from ..helpers import DAY, RETIRED_PERSONA, TOKEN, ZERO, own_events
from .engagement_reports import Reporter
from .reputation_model import (
    ENGAGEMENT_HALF_LIFE,
    EPOCH_LENGTH,
    FEEDBACK_HALF_LIFE,
    ReputationModel,
    decay,
    points,
)

WEIGHTS = (4, 8, 16, 12)


def at(chain, t):
    chain.pending_timestamp = t
    return t


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(reputation, engagement_oracle):
    """Deploy the oracle feeding Reputation before the first test's snapshot (no fixture rebasing)."""


@pytest.fixture
def reporter(engagement_oracle, oracle):
    return Reporter(engagement_oracle, oracle)


def logged_e(tx, engagement_oracle):
    """The new E of the (one) persona of an accepted report, from the oracle's event."""
    (event,) = tx.events.filter(engagement_oracle.ReportAccepted)
    return decode_logged(event.observations[0])[1]


# ------------------------------------------------------------------ construction and roles


def test_constructor_defaults(project, chain, deployer, alice, fmc, registry):
    c = project.Reputation.deploy(alice, fmc, registry, sender=deployer)
    tx_time = chain.blocks.head.timestamp
    assert c.owner() == alice and c.oracle() == ZERO and c.pending_owner() == ZERO
    assert c.FMC() == fmc.address and c.REGISTRY() == registry.address
    assert c.GENESIS() == tx_time
    assert tuple(c.metric_weights()) == WEIGHTS
    assert c.weight_cap() == 1_000 and c.feedback_quorum() == 100
    assert c.current_epoch() == 0 and c.epoch_start(3) == tx_time + 3 * EPOCH_LENGTH
    assert c.ENGAGEMENT_MAX() == 6_000 and c.FEEDBACK_MAX() == 4_000 and c.SCORE_MAX() == 10_000
    assert c.ENGAGEMENT_HALF_LIFE() == ENGAGEMENT_HALF_LIFE and c.FEEDBACK_HALF_LIFE() == FEEDBACK_HALF_LIFE
    assert tuple(c.components(1)) == (0, 0, 0)
    assert c.metric_weights_packed() == (4 << 48) | (8 << 32) | (16 << 16) | 12


@pytest.mark.parametrize("which", ["owner", "token", "registry"])
def test_constructor_rejects_zero_addresses(project, deployer, fmc, registry, which):
    args = {"owner": deployer.address, "token": fmc.address, "registry": registry.address}
    args[which] = ZERO
    with ape.reverts(f"reputation: zero {which}"):
        project.Reputation.deploy(args["owner"], args["token"], args["registry"], sender=deployer)


def test_set_oracle_only_owner_with_event(reputation, engagement_oracle, deployer, oracle, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reputation.set_oracle(alice, sender=oracle)
    tx = reputation.set_oracle(ZERO, sender=deployer)  # zero: no engagement source, E is zero
    assert reputation.oracle() == ZERO
    assert own_events(tx, reputation) == [reputation.OracleSet(previous_oracle=engagement_oracle, new_oracle=ZERO)]
    tx = reputation.set_oracle(engagement_oracle, sender=deployer)
    assert reputation.oracle() == engagement_oracle.address


def test_two_step_ownership_transfer(reputation, deployer, alice, bob):
    reputation.transfer_ownership(alice, sender=deployer)
    with ape.reverts("ownable_2step: caller is not the new owner"):
        reputation.accept_ownership(sender=bob)
    reputation.accept_ownership(sender=alice)
    assert reputation.owner() == alice
    with ape.reverts("ownable: caller is not the owner"):
        reputation.set_weight_cap(5, sender=deployer)
    assert not hasattr(reputation, "renounce_ownership")


def test_set_metric_weights(reputation, deployer, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reputation.set_metric_weights(1, 1, 1, 1, sender=alice)
    for bad in [(1_001, 0, 0, 0), (0, 1_001, 0, 0), (0, 0, 1_001, 0), (0, 0, 0, 1_001)]:
        with ape.reverts("reputation: weight too high"):
            reputation.set_metric_weights(*bad, sender=deployer)
    tx = reputation.set_metric_weights(1_000, 0, 3, 1_000, sender=deployer)
    assert tuple(reputation.metric_weights()) == (1_000, 0, 3, 1_000)
    assert own_events(tx, reputation) == [reputation.MetricWeightsSet(views=1_000, likes=0, shares=3, comments=1_000)]


def test_set_weight_cap(reputation, deployer, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reputation.set_weight_cap(5, sender=alice)
    for bad in (0, 10**6 + 1):
        with ape.reverts("reputation: cap out of range"):
            reputation.set_weight_cap(bad, sender=deployer)
    tx = reputation.set_weight_cap(10**6, sender=deployer)
    assert reputation.weight_cap() == 10**6
    assert own_events(tx, reputation) == [reputation.WeightCapSet(previous_cap=1_000, new_cap=10**6)]


def test_set_feedback_quorum(reputation, deployer, alice):
    with ape.reverts("ownable: caller is not the owner"):
        reputation.set_feedback_quorum(5, sender=alice)
    for bad in (0, 10**9 + 1):
        with ape.reverts("reputation: quorum out of range"):
            reputation.set_feedback_quorum(bad, sender=deployer)
    tx = reputation.set_feedback_quorum(1, sender=deployer)
    assert reputation.feedback_quorum() == 1
    assert own_events(tx, reputation) == [reputation.FeedbackQuorumSet(previous_quorum=100, new_quorum=1)]


# ------------------------------------------------------------------ pure helpers


@pytest.mark.parametrize(
    "x,elapsed,half_life",
    [
        (0, 0, 1),
        (1000, 0, 7),
        (1000, 7, 7),
        (1000, 3, 7),
        (1000, 13, 7),
        (2**200, 255 * 10 + 9, 10),
        (5, 256 * 10, 10),
        (2**255, 10**70, 3),
    ],
)
def test_decay_matches_formula(reputation, x, elapsed, half_life):
    assert reputation.decay(x, elapsed, half_life) == decay(x, elapsed, half_life)


def test_decay_halves_per_half_life_and_interpolates(reputation):
    assert reputation.decay(1_000, 7 * DAY, 7 * DAY) == 500
    assert reputation.decay(1_000, 14 * DAY, 7 * DAY) == 250
    assert reputation.decay(1_000, 7 * DAY // 2, 7 * DAY) == 750  # halfway to the halving
    assert reputation.decay(1_000, 256 * DAY, DAY) == 0
    with ape.reverts("reputation: zero half-life"):
        reputation.decay(1, 1, 0)


@pytest.mark.parametrize(
    "metrics,sentiment",
    [
        ((0, 0, 0, 0), 0),
        ((1, 1, 1, 1), 10_000),
        ((10**6, 10**4, 10**3, 10**3), 2_500),
        ((2**256 - 1,) * 4, 10_000),
        ((5, 0, 9, 0), -10_000),
    ],
)
def test_observation_points_match_formula(reputation, metrics, sentiment):
    assert reputation.observation_points(*metrics, sentiment) == points(WEIGHTS, *metrics, sentiment)


def test_observation_points_reject_bad_sentiment(reputation):
    for bad in (-10_001, 10_001):
        with ape.reverts("reputation: sentiment out of range"):
            reputation.observation_points(1, 1, 1, 1, bad)


# ------------------------------------------------------------------ engagement through the oracle


def test_report_folds_points_into_e(chain, reputation, engagement_oracle, reporter):
    t = chain.blocks.head.timestamp + 5
    at(chain, t)
    tx = reporter.report(1, (10**6, 10**4, 10**3, 10**3), 5_000, t - 3)
    p = points(WEIGHTS, 10**6, 10**4, 10**3, 10**3, 5_000)
    assert p == (4 * 20 + 8 * 14 + 16 * 10 + 12 * 10) * 15_000 // 20_000
    assert logged_e(tx, engagement_oracle) == p  # the new E, as of the observation
    state = reputation.engagement_state(1)
    assert (state.value, state.observed_at) == (p, t - 3)
    assert reputation.engagement_component(1) == decay(p, 3, ENGAGEMENT_HALF_LIFE)
    assert reputation.score(1) == reputation.engagement_component(1)


def test_engagement_decays_and_accumulates(chain, reputation, reporter):
    m = ReputationModel(genesis=reputation.GENESIS())
    t = chain.blocks.head.timestamp + 1
    for i, (gains, sentiment) in enumerate(
        [((100, 10, 1, 1), 0), ((5_000, 300, 20, 40), 10_000), ((0, 0, 0, 0), -10_000)]
    ):
        obs = t + i * 5 * DAY
        at(chain, obs + 100)
        reporter.report(2, gains, sentiment, obs)
        m.observe(2, *gains, sentiment, obs)
        assert reputation.engagement_component(2) == m.E(2, obs + 100)
    at(chain, t + 40 * DAY)
    chain.mine()
    assert reputation.engagement_component(2) == m.E(2, t + 40 * DAY) < m.E(2, t + 10 * DAY + 100)


def test_engagement_is_clamped(chain, reputation, engagement_oracle, deployer, reporter):
    reputation.set_metric_weights(1_000, 1_000, 1_000, 1_000, sender=deployer)
    t = chain.blocks.head.timestamp + 1
    at(chain, t)
    tx = reporter.report(1, (2**48 - 1, 2**40 - 1, 2**32 - 1, 2**32 - 1), 10_000, t)
    assert reputation.engagement_state(1).value == 6_000 == logged_e(tx, engagement_oracle)
    assert reputation.score(1) == 6_000


def test_no_oracle_means_no_engagement(chain, reputation, deployer, reporter):
    t = chain.blocks.head.timestamp + 1
    at(chain, t)
    reporter.report(1, (1_000, 100, 10, 10), 0, t)
    assert reputation.engagement_component(1) > 0
    reputation.set_oracle(ZERO, sender=deployer)
    assert reputation.engagement_component(1) == 0 and tuple(reputation.engagement_state(1)) == (0, 0)


def test_metric_weight_change_applies_to_later_observations_only(chain, reputation, deployer, reporter):
    t = chain.blocks.head.timestamp + 1
    at(chain, t)
    reporter.report(1, (7, 7, 7, 7), 10_000, t)
    before = reputation.engagement_state(1).value
    reputation.set_metric_weights(0, 0, 0, 1, sender=deployer)
    assert reputation.engagement_state(1).value == before == 3 * (4 + 8 + 16 + 12)
    assert reputation.observation_points(7, 7, 7, 7, 10_000) == 3
    at(chain, t + 10)
    reporter.report(1, (7, 7, 7, 7), 10_000, t + 10)
    assert reputation.engagement_state(1).value == decay(before, 10, ENGAGEMENT_HALF_LIFE) + 3


# ------------------------------------------------------------------ rate


def test_rate_weights_by_capped_sqrt_of_votes_at_epoch_start(chain, reputation, voters, alice, bob, carol):
    assert reputation.current_epoch() == 1
    assert reputation.rating_weight(alice) == 1_000  # isqrt(1e7) = 3162, capped
    assert reputation.rating_weight(bob) == 70  # isqrt(4_900)
    assert reputation.rating_weight(carol) == 1  # isqrt(3)
    tx = reputation.rate(1, 5, sender=bob)
    t = tx.timestamp
    m = ReputationModel(genesis=reputation.GENESIS())
    m.rate(1, bob.address, 5, 70, t)
    e, f, s = m.components(1, t)
    assert f == 4_000 * 4 * 70 // (4 * 100)  # below the quorum of 100: scaled down
    assert own_events(tx, reputation) == [
        reputation.Rated(persona_id=1, rater=bob, epoch=1, rating=5, weight=70, engagement=e, feedback=f, score=s)
    ]
    assert reputation.has_rated(1, bob, 1) and not reputation.has_rated(1, bob, 2)
    state = reputation.feedback_state(1)
    assert (state.weight_sum, state.rating_sum, state.updated_at, state.ratings) == (70 * 10**18, 280 * 10**18, t, 1)


def test_feedback_is_recency_weighted_mean_above_quorum(chain, reputation, voters, alice, bob, carol):
    m = ReputationModel(genesis=reputation.GENESIS())
    for who, rating in ((alice, 2), (bob, 5), (carol, 1)):
        tx = reputation.rate(3, rating, sender=who)
        m.rate(3, who.address, rating, reputation.rating_weight(who), tx.timestamp)
    now = chain.blocks.head.timestamp
    assert reputation.feedback_component(3) == m.F(3, now)
    # (1000 * 1 + 70 * 4 + 1 * 0) / 1071 of 4_000, up to decay rounding
    assert abs(m.F(3, now) - 4_000 * (1_000 + 280) // (4 * 1_071)) <= 1
    at(chain, now + 45 * DAY)
    chain.mine()
    assert reputation.feedback_component(3) == m.F(3, now + 45 * DAY)


def test_whale_is_capped(chain, reputation, voters, deployer, alice):
    """A 10M-FMC holder weighs as much as a 1M-FMC holder (cap 1_000): no domination."""
    reputation.set_weight_cap(10**6, sender=deployer)
    assert reputation.rating_weight(alice) == isqrt(10**7)


def test_one_rating_per_account_per_persona_per_epoch(chain, reputation, voters, alice):
    reputation.rate(1, 4, sender=alice)
    with ape.reverts("reputation: already rated this epoch"):
        reputation.rate(1, 2, sender=alice)
    reputation.rate(2, 2, sender=alice)  # another persona is fine
    next_epoch = reputation.epoch_start(2)
    at(chain, next_epoch)
    tx = reputation.rate(1, 1, sender=alice)
    assert own_events(tx, reputation)[0].epoch == 2
    assert reputation.feedback_state(1).ratings == 2


def test_votes_moved_during_an_epoch_count_from_the_next(chain, fmc, reputation, voters, alice, bob):
    """Weights read votes just before the epoch began: buying votes mid-epoch is useless."""
    fmc.transfer(bob, 10_000 * TOKEN, sender=alice)
    assert reputation.rating_weight(bob) == 70
    tx = reputation.rate(1, 5, sender=bob)
    assert own_events(tx, reputation)[0].weight == 70
    at(chain, reputation.epoch_start(2))
    chain.mine()
    assert reputation.rating_weight(bob) == isqrt(14_900) == 122


@pytest.mark.parametrize("rating", [0, 6])
def test_rate_rejects_rating_out_of_range(reputation, voters, alice, rating):
    with ape.reverts("reputation: rating out of range"):
        reputation.rate(1, rating, sender=alice)


def test_rate_rejects_inactive_persona_and_no_voting_power(reputation, voters, alice, stranger, deployer):
    with ape.reverts("reputation: persona not active"):
        reputation.rate(RETIRED_PERSONA, 3, sender=alice)
    with ape.reverts("reputation: persona not active"):
        reputation.rate(42, 3, sender=alice)
    with ape.reverts("reputation: no voting power"):
        reputation.rate(1, 3, sender=stranger)  # 0.5 FMC: isqrt(0) = 0
    with ape.reverts("reputation: no voting power"):
        reputation.rate(1, 3, sender=deployer)  # holds FMC but never delegated


def test_quorum_change_applies_to_feedback_at_once(chain, reputation, voters, deployer, bob):
    reputation.rate(1, 5, sender=bob)
    assert reputation.feedback_component(1) == 4_000 * 70 // 100
    reputation.set_feedback_quorum(70, sender=deployer)
    # The next block may be a second or more later; that much decay can floor the capped
    # component by one point. The quorum itself applies at once (2,800 -> ~4,000).
    assert 4_000 - 1 <= reputation.feedback_component(1) <= 4_000


def test_score_is_sum_of_components(chain, reputation, voters, reporter, bob):
    t = chain.blocks.head.timestamp + 1
    at(chain, t)
    reporter.report(1, (1_000, 100, 10, 10), 0, t)
    tx = reputation.rate(1, 4, sender=bob)
    c = reputation.components(1)
    assert c.score == c.engagement + c.feedback == reputation.score(1)
    assert c.engagement == reputation.engagement_component(1) > 0
    assert c.feedback == reputation.feedback_component(1) > 0
    ev = own_events(tx, reputation)[0]
    assert (ev.engagement, ev.feedback, ev.score) == tuple(c)
