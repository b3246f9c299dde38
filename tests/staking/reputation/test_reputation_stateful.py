"""Stateful property test of Reputation against the exact integer model.

Rules: engagement reports accepted by the real EngagementOracle, which folds
E into its stored word with this contract's weights (gains of any size the
report fields hold, sentiment at and beyond its bounds, stale, future,
unknown and retired personas), ratings by holders of very different weights
(and by one without voting power), FMC moved between holders mid-epoch, time
travel across epochs and half-lives, owner parameter changes, and
unauthorised attempts.

Invariant, checked after every step:
- every persona's E, F and score equal the model's exactly (all integers),
  evaluated at the head block (so decay over time travel is covered).
Checked by the rules, right after each change:
- the stored engagement and feedback states equal the model's;
- an account rates a persona at most once per epoch (a second rating in the
  same epoch reverts; `has_rated` agrees with the model);
- every rating event carries the model's E, F and score at its block time,
  every report's event the model's new E;
- only the owner changes parameters (the oracle included).

Each example runs from a chain snapshot taken in __init__ and restored in
teardown; the loaded hypothesis profile decides examples and steps.
"""

from math import isqrt

import ape
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from oracle.report import decode_logged

from ..helpers import ACTIVE_PERSONAS, DAY, RETIRED_PERSONA, TOKEN, own_events
from .engagement_reports import Reporter
from .reputation_model import ReputationModel

PERSONAS = (*ACTIVE_PERSONAS, RETIRED_PERSONA, 99)
FUTURE_ALLOWANCE = 30  # the oracle accepts observed_at up to this far ahead and clamps it to the block time

# Gains per report: small, mid-sized and as large as the report's narrowest count field allows
# over a long run (shares and comments are 32-bit lifetime totals: 1,000 reports of 2**22 fit).
counts = st.one_of(st.integers(0, 10), st.integers(0, 10**7), st.integers(0, 2**22))
sentiments = st.one_of(st.integers(-10_000, 10_000), st.sampled_from([10_001, -10_000, 0, 10_000]))
gaps = st.one_of(st.integers(1, 600), st.integers(DAY, 10 * DAY), st.integers(20 * DAY, 120 * DAY))


class ReputationMachine(RuleBasedStateMachine):
    """Reputation vs ReputationModel; class attributes are set by the test function."""

    chain = None
    reputation = None
    fmc = None
    owner = None
    oracle = None  # the EngagementOracle feeding E
    transmitter = None
    raters = ()  # alice, bob, carol: delegated, weight >= 1
    stranger = None  # delegated, weight 0

    def __init__(self):
        super().__init__()
        self.snapshot = self.chain.snapshot()
        self.reporter = Reporter(self.oracle, self.transmitter)
        r = self.reputation
        self.model = ReputationModel(
            genesis=r.GENESIS(), weights=tuple(r.metric_weights()), cap=r.weight_cap(), quorum=r.feedback_quorum()
        )
        for persona in ACTIVE_PERSONAS:
            assert r.engagement_state(persona).observed_at == 0 and r.feedback_state(persona).ratings == 0
        assert r.oracle() == self.oracle.address

    def teardown(self):
        self.chain.restore(self.snapshot)

    def now(self):
        return self.chain.blocks.head.timestamp

    def next_block(self, gap=1):
        t = self.now() + gap
        self.chain.pending_timestamp = t
        return t

    def check_event(self, tx, persona, t):
        event = own_events(tx, self.reputation)[0]
        assert (event.engagement, event.feedback, event.score) == self.model.components(persona, t)
        return event

    # ---------------------------------------------------------------- rules

    @rule(
        persona=st.sampled_from(PERSONAS),
        gains=st.tuples(counts, counts, counts, counts),
        sentiment=sentiments,
        back=st.one_of(st.integers(-40, 3), st.integers(0, 10 * DAY)),
    )
    def oracle_reports(self, persona, gains, sentiment, back):
        """One accepted (or rejected) report of `persona`; E moves only through the oracle."""
        t = self.next_block()
        observed_at = max(t - back, 0)
        error = None  # in the order the oracle checks
        if persona > RETIRED_PERSONA:
            error = "oracle: unknown persona"
        elif sentiment > 10_000:
            error = "oracle: out of range"
        elif observed_at > t + FUTURE_ALLOWANCE:
            error = "oracle: future observation"
        elif persona not in ACTIVE_PERSONAS:
            error = "oracle: inactive persona"
        elif min(observed_at, t) <= self.model.last_observed(persona):
            error = "oracle: stale observation"
        if error:
            with ape.reverts(error):
                self.reporter.report(persona, gains, sentiment, observed_at)
            return
        tx = self.reporter.report(persona, gains, sentiment, observed_at)
        assert tx.timestamp == t
        self.model.observe(persona, *gains, sentiment, min(observed_at, t))  # the oracle clamps to the block time
        (event,) = tx.events.filter(self.oracle.ReportAccepted)
        assert decode_logged(event.observations[0])[1] == self.model.engagement[persona][0]
        self.check_stored_state(persona)

    @rule(who=st.integers(0, 3), persona=st.sampled_from(PERSONAS), rating=st.integers(0, 6))
    def rate(self, who, persona, rating):
        account = self.stranger if who == 3 else self.raters[who]
        t = self.next_block()
        epoch = self.model.epoch(t)
        error = None
        if not 1 <= rating <= 5:
            error = "reputation: rating out of range"
        elif persona not in ACTIVE_PERSONAS:
            error = "reputation: persona not active"
        elif (persona, account.address, epoch) in self.model.rated:
            error = "reputation: already rated this epoch"
        elif account == self.stranger:
            error = "reputation: no voting power"
        if error:
            with ape.reverts(error):
                self.reputation.rate(persona, rating, sender=account)
            return
        tx = self.reputation.rate(persona, rating, sender=account)
        assert tx.timestamp == t
        votes = self.fmc.getPastVotes(account, self.model.snapshot_time(t))
        weight = min(isqrt(votes // TOKEN), self.model.cap)
        assert weight >= 1
        self.model.rate(persona, account.address, rating, weight, t)
        event = self.check_event(tx, persona, t)
        assert (event.weight, event.epoch, event.rating) == (weight, epoch, rating)
        self.check_stored_state(persona)
        self.check_rated(persona, epoch)

    @rule(to=st.integers(1, 2), amount=st.integers(1, 10**5 * TOKEN))
    def move_votes(self, to, amount):
        """Votes bought mid-epoch only count from the next epoch's snapshot."""
        self.next_block()
        self.fmc.transfer(self.raters[to], amount, sender=self.raters[0])

    @rule(seconds=gaps)
    def time_travel(self, seconds):
        self.chain.pending_timestamp = self.now() + seconds
        self.chain.mine()

    @rule(weights=st.tuples(*[st.integers(0, 1_000)] * 4))
    def owner_sets_metric_weights(self, weights):
        self.reputation.set_metric_weights(*weights, sender=self.owner)
        self.model.weights = weights
        self.check_parameters()

    @rule(cap=st.one_of(st.integers(1, 100), st.just(10**6)))
    def owner_sets_weight_cap(self, cap):
        self.reputation.set_weight_cap(cap, sender=self.owner)
        self.model.cap = cap
        self.check_parameters()

    @rule(quorum=st.one_of(st.integers(1, 2_000), st.just(10**9)))
    def owner_sets_quorum(self, quorum):
        self.reputation.set_feedback_quorum(quorum, sender=self.owner)
        self.model.quorum = quorum
        self.check_parameters()

    @rule(action=st.integers(0, 3), who=st.integers(0, 3))
    def unauthorised_change(self, action, who):
        account = self.stranger if who == 3 else self.raters[who]
        r = self.reputation
        if action == 0:
            with ape.reverts("ownable: caller is not the owner"):
                r.set_metric_weights(1, 1, 1, 1, sender=account)
        elif action == 1:
            with ape.reverts("ownable: caller is not the owner"):
                r.set_weight_cap(10**6, sender=account)
        elif action == 2:
            with ape.reverts("ownable: caller is not the owner"):
                r.set_feedback_quorum(1, sender=account)
        else:
            with ape.reverts("ownable: caller is not the owner"):
                r.set_oracle(account, sender=account)
        self.check_parameters()

    # ---------------------------------------------------------------- invariants

    @invariant()
    def scores_match_model_exactly(self):
        """E, F and score of every persona, decayed to the head block, equal the model's."""
        now = self.now()
        for persona in ACTIVE_PERSONAS:
            assert tuple(self.reputation.components(persona)) == self.model.components(persona, now), persona
        assert self.reputation.current_epoch() == self.model.epoch(now)

    # ---------------------------------------------------------------- checks run by the rules that change things

    def check_stored_state(self, persona):
        e = self.reputation.engagement_state(persona)
        assert (e.value, e.observed_at) == self.model.engagement.get(persona, (0, 0, 0))[:2]
        f = self.reputation.feedback_state(persona)
        assert (f.weight_sum, f.rating_sum, f.updated_at, f.ratings) == self.model.feedback.get(persona, (0, 0, 0, 0))

    def check_rated(self, persona, epoch):
        for account in self.raters:
            rated = (persona, account.address, epoch) in self.model.rated
            assert self.reputation.has_rated(persona, account, epoch) == rated

    def check_parameters(self):
        assert tuple(self.reputation.metric_weights()) == self.model.weights
        assert self.reputation.weight_cap() == self.model.cap
        assert self.reputation.feedback_quorum() == self.model.quorum
        assert self.reputation.oracle() == self.oracle.address


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(reputation, engagement_oracle):
    """Deploy the oracle feeding Reputation before the first test's snapshot (no fixture rebasing)."""


def test_reputation_matches_model(
    chain, reputation, engagement_oracle, fmc, voters, deployer, oracle, alice, bob, carol, stranger
):
    """Run the machine; examples and steps come from the loaded hypothesis profile."""
    ReputationMachine.chain = chain
    ReputationMachine.reputation = reputation
    ReputationMachine.fmc = fmc
    ReputationMachine.owner = deployer
    ReputationMachine.oracle = engagement_oracle
    ReputationMachine.transmitter = oracle
    ReputationMachine.raters = (alice, bob, carol)
    ReputationMachine.stranger = stranger
    run_state_machine_as_test(ReputationMachine)
