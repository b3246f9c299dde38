"""Stateful property test of PersonaStaking against the exact Python model.

Rules: stake (every lock option, amounts from 1 wei to millions of FMC), fund
(owner and others, new streams and top-ups), set performance (including zero
scores and zero totals), time travel, claim, withdraw (locked or not), poke,
owner edits of the lock schedule, and unauthorised parameter changes.

Invariants, checked after every step:
- rewards paid <= rewards funded (and both equal the model's);
- the contract's FMC balance >= total staked + funded - paid (equal here:
  nothing else sends it FMC), and that surplus covers every position's
  pending reward + the unallocated budget + the rest of the running stream;
- each position's pending reward is within 1 wei of the model's exact one,
  and the unallocated budget within 2 wei.
Checked by the rules, right after each change:
- nobody withdraws before unlock: a withdraw before the position's unlock
  time reverts, and every closed position was closed at or after it;
- positions keep the unlock time and weight they were opened with, whatever
  the owner does to the lock schedule;
- only the owner changes parameters (lock schedule, updater, ownership),
  only the updater sets performance, only a position's owner claims or
  withdraws it.

Each example runs from a chain snapshot taken in __init__ and restored in
teardown; the loaded hypothesis profile decides examples and steps.
"""

from fractions import Fraction

import ape
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .helpers import ACTIVE_PERSONAS, DAY, RETIRED_PERSONA
from .staking_model import StakingModel

MAX_OPEN_POSITIONS = 8
PERSONAS = (*ACTIVE_PERSONAS, RETIRED_PERSONA)

amounts = st.one_of(st.integers(1, 1_000), st.integers(10**15, 10**22))
scores = st.one_of(st.just(0), st.integers(1, 100), st.integers(1, 10**18))
fund_amounts = st.one_of(st.integers(10**8, 10**12), st.integers(10**18, 10**24))
durations = st.one_of(
    st.just(0), st.integers(DAY, 60 * DAY), st.sampled_from([DAY - 1, 2 * 365 * DAY, 2 * 365 * DAY + 1])
)
steps = st.one_of(st.integers(1, 3 * DAY), st.integers(3 * DAY, 120 * DAY))


class StakingMachine(RuleBasedStateMachine):
    """PersonaStaking vs StakingModel; class attributes are set by the test function."""

    chain = None
    staking = None
    fmc = None
    owner = None
    updater = None
    stakers = ()
    stranger = None

    def __init__(self):
        super().__init__()
        self.snapshot = self.chain.snapshot()
        info = self.staking.epoch_info()
        assert info.total_staked == 0 and info.total_funded == 0
        schedule = [tuple(self.staking.lock_option(i)) for i in range(self.staking.lock_option_count())]
        self.model = StakingModel(t=self.now(), active=set(ACTIVE_PERSONAS), schedule=schedule)
        self.updater_address = self.staking.updater()

    def teardown(self):
        self.chain.restore(self.snapshot)

    # ---------------------------------------------------------------- helpers

    def now(self):
        return self.chain.blocks.head.timestamp

    def next_block(self, gap=1):
        """Pin the next block's timestamp, so that the model knows it in advance."""
        t = self.now() + gap
        self.chain.pending_timestamp = t
        return t

    def pick(self, index):
        ids = self.model.open_ids()
        return ids[index % len(ids)]

    # ---------------------------------------------------------------- rules

    @initialize(values=st.lists(st.one_of(scores, st.integers(1, 100)), min_size=3, max_size=3))
    def start_with_scores(self, values):
        """Every example starts with scored personas (a score may still be zero)."""
        ids = list(ACTIVE_PERSONAS)
        t = self.next_block()
        self.staking.set_performance(ids, values, sender=self.updater)
        self.model.set_performance(t, ids, values)

    @initialize(amount=st.integers(10**8, 10**24), duration=st.integers(DAY, 120 * DAY))
    def start_stream(self, amount, duration):
        """Every example starts with a running stream funded by the owner."""
        t = self.next_block()
        self.staking.fund(amount, duration, sender=self.owner)
        self.model.fund(t, amount, duration, self.staking.reward_rate())

    @initialize(
        stakes=st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from(ACTIVE_PERSONAS[:2]), amounts, st.integers(0, 4)),
            min_size=2,
            max_size=4,
        )
    )
    def start_with_positions(self, stakes):
        """Every example starts with a few positions, often several on one persona."""
        for who, persona, amount, lock in stakes:
            t = self.next_block()
            tx = self.staking.stake(persona, amount, lock, sender=self.stakers[who])
            self.model.stake(t, tx.return_value, self.stakers[who].address, persona, amount, lock)

    @precondition(lambda self: len(self.model.open_ids()) < MAX_OPEN_POSITIONS)
    @rule(who=st.integers(0, 2), persona=st.sampled_from(PERSONAS), amount=amounts, lock=st.integers(0, 5))
    def stake(self, who, persona, amount, lock):
        account = self.stakers[who]
        t = self.next_block()
        if lock >= len(self.model.schedule):
            with ape.reverts("staking: lock index out of range"):
                self.staking.stake(persona, amount, lock, sender=account)
        elif not self.model.schedule[lock][2]:
            with ape.reverts("staking: lock option disabled"):
                self.staking.stake(persona, amount, lock, sender=account)
        elif persona not in self.model.active:
            with ape.reverts("staking: persona not active"):
                self.staking.stake(persona, amount, lock, sender=account)
        else:
            tx = self.staking.stake(persona, amount, lock, sender=account)
            assert tx.timestamp == t
            self.model.stake(t, tx.return_value, account.address, persona, amount, lock)
            self.check_positions()

    @rule(who=st.integers(0, 3), amount=fund_amounts, duration=durations)
    def fund(self, who, amount, duration):
        """who 0 is the owner, 1..3 are holders."""
        account = self.owner if who == 0 else self.stakers[who - 1]
        t = self.next_block()
        error = self.model.fund_error(t, amount, duration, who == 0)
        if error:
            with ape.reverts(error):
                self.staking.fund(amount, duration, sender=account)
            return
        tx = self.staking.fund(amount, duration, sender=account)
        assert tx.timestamp == t
        rate = self.staking.reward_rate()
        self.model.advance(t)
        budget, length = self.model.fund_budget(t, amount, duration)
        # the contract divides its own (integer, lazily settled) budget: at most 1 wei per second apart
        assert abs(rate - budget // length) <= 1
        assert rate * length <= budget + 2
        self.model.fund(t, amount, duration, rate)
        assert self.staking.period_finish() == self.model.finish

    @rule(ids=st.lists(st.sampled_from(PERSONAS), min_size=1, max_size=4), data=st.data())
    def set_performance(self, ids, data):
        values = data.draw(st.lists(scores, min_size=len(ids), max_size=len(ids)))
        t = self.next_block()
        if any(v and p not in self.model.active for p, v in zip(ids, values, strict=False)):
            with ape.reverts("staking: persona not active"):
                self.staking.set_performance(ids, values, sender=self.updater)
            return
        self.staking.set_performance(ids, values, sender=self.updater)
        self.model.set_performance(t, ids, values)

    @rule(seconds=steps)
    def time_travel(self, seconds):
        self.chain.pending_timestamp = self.now() + seconds
        self.chain.mine()

    @precondition(lambda self: self.model.open_ids())
    @rule(index=st.integers(0, 99))
    def claim(self, index):
        position_id = self.pick(index)
        pos = self.model.positions[position_id]
        owner = next(a for a in self.stakers if a.address == pos.owner)
        t = self.next_block()
        tx = self.staking.claim(position_id, sender=owner)
        paid = tx.return_value
        expected = self.model.pay(t, position_id, paid)
        assert abs(paid - expected) <= 1, (paid, float(expected))

    @precondition(lambda self: self.model.open_ids())
    @rule(index=st.integers(0, 99), thief=st.booleans())
    def withdraw(self, index, thief):
        position_id = self.pick(index)
        pos = self.model.positions[position_id]
        owner = next(a for a in self.stakers if a.address == pos.owner)
        if thief:
            other = next(a for a in self.stakers if a.address != pos.owner)
            with ape.reverts("staking: not position owner"):
                self.staking.withdraw(position_id, sender=other)
            return
        t = self.next_block()
        if t < pos.unlock_at:
            with ape.reverts("staking: position locked"):
                self.staking.withdraw(position_id, sender=owner)
            return
        before = self.fmc.balanceOf(owner)
        tx = self.staking.withdraw(position_id, sender=owner)
        paid = tx.return_value
        assert self.fmc.balanceOf(owner) - before == pos.amount + paid
        expected = self.model.pay(t, position_id, paid)
        assert abs(paid - expected) <= 1, (paid, float(expected))
        self.model.withdraw(t, position_id)
        self.check_positions()

    @rule(ids=st.lists(st.sampled_from(PERSONAS), max_size=4))
    def poke(self, ids):
        t = self.next_block()
        self.staking.poke(ids, sender=self.stranger)
        self.model.poke(t, ids)

    @rule(
        index=st.integers(0, 5),
        duration=st.integers(0, 400 * DAY),
        mult=st.integers(10_000, 50_000),
        enabled=st.booleans(),
    )
    def owner_edits_lock_option(self, index, duration, mult, enabled):
        """Edits apply to new stakes only (checked by the position invariant)."""
        if index > len(self.model.schedule):
            with ape.reverts("staking: lock index out of range"):
                self.staking.set_lock_option(index, duration, mult, enabled, sender=self.owner)
            return
        self.staking.set_lock_option(index, duration, mult, enabled, sender=self.owner)
        if index == len(self.model.schedule):
            self.model.schedule.append((duration, mult, enabled))
        else:
            self.model.schedule[index] = (duration, mult, enabled)
        self.check_parameters()
        self.check_positions()

    @rule(action=st.integers(0, 3), who=st.integers(0, 3))
    def unauthorised_change(self, action, who):
        """Nobody but the owner changes parameters; nobody but the updater scores."""
        account = self.stranger if who == 3 else self.stakers[who]
        if action == 0:
            with ape.reverts("ownable: caller is not the owner"):
                self.staking.set_lock_option(0, 365 * DAY, 50_000, True, sender=account)
        elif action == 1:
            with ape.reverts("ownable: caller is not the owner"):
                self.staking.set_updater(account, sender=account)
        elif action == 2:
            with ape.reverts("ownable: caller is not the owner"):
                self.staking.transfer_ownership(account, sender=account)
        else:
            with ape.reverts("staking: caller is not the updater"):
                self.staking.set_performance([1], [10**18], sender=account)
        self.check_parameters()

    # ---------------------------------------------------------------- invariants

    @invariant()
    def accounting_and_solvency(self):
        info = self.staking.epoch_info()
        now = self.now()
        self.model.advance(now)
        # rewards paid <= rewards funded, both as in the model
        assert info.total_paid <= info.total_funded
        assert info.total_paid == self.model.paid
        assert info.total_funded == self.model.funded
        assert info.total_staked == self.model.staked
        # the balance holds the principal and every unpaid funded reward
        balance = self.fmc.balanceOf(self.staking)
        assert balance == info.total_staked + info.total_funded - info.total_paid
        pending = 0
        for position_id in self.model.open_ids():
            pos = self.model.positions[position_id]
            got = self.staking.pending(position_id)
            assert abs(Fraction(got) - pos.accrued) <= 1, (position_id, got, float(pos.accrued))
            pending += got
        stream_left = info.reward_rate * max(0, info.period_finish - now)
        assert balance - info.total_staked >= pending + info.unallocated + stream_left
        # the unallocated budget, counting emission not yet returned because no score was set
        not_yet_returned = 0
        if info.total_performance == 0:
            not_yet_returned = info.reward_rate * max(0, min(now, info.period_finish) - info.last_update)
        assert abs(self.model.unallocated - (info.unallocated + not_yet_returned)) <= 2, (
            float(self.model.unallocated),
            info.unallocated,
            not_yet_returned,
        )

    # ---------------------------------------------------------------- checks run by the rules that change things

    def check_parameters(self):
        """Lock schedule and roles are exactly what the owner set."""
        assert self.staking.updater() == self.updater_address
        assert self.staking.owner() == self.owner.address
        assert self.staking.lock_option_count() == len(self.model.schedule)
        for i, option in enumerate(self.model.schedule):
            assert tuple(self.staking.lock_option(i)) == option

    def check_positions(self):
        """Open positions keep the unlock time and weight they were opened with; closed ones closed after unlock."""
        for position_id, pos in self.model.positions.items():
            stored = self.staking.position(position_id)
            if pos.closed_at is None:
                assert (stored.owner, stored.persona_id, stored.amount) == (pos.owner, pos.persona, pos.amount)
                assert (stored.weight, stored.unlock_at) == (pos.weight, pos.unlock_at)
            else:
                assert stored.amount == 0
                assert pos.closed_at >= pos.unlock_at


def test_staking_matches_model(chain, staking, fmc, deployer, oracle, alice, bob, carol, stranger):
    """Run the machine; examples and steps come from the loaded hypothesis profile."""
    StakingMachine.chain = chain
    StakingMachine.staking = staking
    StakingMachine.fmc = fmc
    StakingMachine.owner = deployer
    StakingMachine.updater = oracle
    StakingMachine.stakers = (alice, bob, carol)
    StakingMachine.stranger = stranger
    run_state_machine_as_test(StakingMachine)
