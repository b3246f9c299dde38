"""Unit tests for PersonaStaking: every external function and every revert path.

Invariants stated by the tests below:
- only the owner changes parameters (updater, lock schedule) and only within
  the contract's constant bounds; every change emits an event;
- only the updater sets performance; only the position owner claims or
  withdraws, and never before the position's own unlock time;
- a position's unlock time and weight are fixed at stake time;
- `fund` never sets reward_rate * duration above the funded budget.
"""

import ape
import pytest

from .helpers import DAY, HOLDER_BALANCE, PRECISION, RETIRED_PERSONA, TOKEN, ZERO, own_events, travel

DEFAULT_SCHEDULE = [(0, 10_000), (30 * DAY, 12_500), (90 * DAY, 15_000), (180 * DAY, 20_000), (365 * DAY, 30_000)]


# ------------------------------------------------------------------ construction and roles


def test_constructor_sets_owner_updater_token_registry_and_default_schedule(project, deployer, alice, fmc, registry):
    """The owner_ argument (not the deployer) owns the contract and starts as updater."""
    c = project.PersonaStaking.deploy(alice, fmc, registry, sender=deployer)
    assert c.owner() == alice
    assert c.updater() == alice
    assert c.pending_owner() == ZERO
    assert c.FMC() == fmc.address
    assert c.REGISTRY() == registry.address
    assert c.next_position_id() == 1
    assert c.lock_option_count() == len(DEFAULT_SCHEDULE)
    for i, (duration, mult) in enumerate(DEFAULT_SCHEDULE):
        opt = c.lock_option(i)
        assert (opt.duration, opt.multiplier_bps, opt.enabled) == (duration, mult, True)
        assert c.multiplier(i) == mult


@pytest.mark.parametrize("which", ["owner", "token", "registry"])
def test_constructor_rejects_zero_addresses(project, deployer, fmc, registry, which):
    args = {"owner": deployer.address, "token": fmc.address, "registry": registry.address}
    args[which] = ZERO
    with ape.reverts(f"staking: zero {which}"):
        project.PersonaStaking.deploy(args["owner"], args["token"], args["registry"], sender=deployer)


def test_set_updater_only_owner_nonzero_with_event(staking, deployer, oracle, alice):
    with ape.reverts("ownable: caller is not the owner"):
        staking.set_updater(alice, sender=oracle)
    with ape.reverts("staking: zero updater"):
        staking.set_updater(ZERO, sender=deployer)
    tx = staking.set_updater(alice, sender=deployer)
    assert staking.updater() == alice
    assert own_events(tx, staking) == [staking.UpdaterSet(previous_updater=oracle, new_updater=alice)]


def test_two_step_ownership_transfer(staking, deployer, alice, bob):
    """Ownership moves only when the nominee accepts; renounce is not exposed."""
    with ape.reverts("ownable: caller is not the owner"):
        staking.transfer_ownership(alice, sender=alice)
    staking.transfer_ownership(alice, sender=deployer)
    assert staking.owner() == deployer and staking.pending_owner() == alice
    with ape.reverts("ownable_2step: caller is not the new owner"):
        staking.accept_ownership(sender=bob)
    staking.accept_ownership(sender=alice)
    assert staking.owner() == alice and staking.pending_owner() == ZERO
    with ape.reverts("ownable: caller is not the owner"):
        staking.set_updater(bob, sender=deployer)
    assert not hasattr(staking, "renounce_ownership")


# ------------------------------------------------------------------ lock schedule


def test_set_lock_option_edits_and_appends_within_bounds(staking, deployer):
    tx = staking.set_lock_option(1, 45 * DAY, 13_000, True, sender=deployer)
    assert own_events(tx, staking) == [
        staking.LockOptionSet(lock_index=1, duration=45 * DAY, multiplier_bps=13_000, enabled=True)
    ]
    assert staking.lock_option(1).duration == 45 * DAY and staking.multiplier(1) == 13_000
    staking.set_lock_option(5, 4 * 365 * DAY, 50_000, True, sender=deployer)
    assert staking.lock_option_count() == 6
    staking.set_lock_option(6, 0, 10_000, False, sender=deployer)
    staking.set_lock_option(7, 0, 10_000, False, sender=deployer)
    assert staking.lock_option_count() == 8
    with ape.reverts("staking: lock index out of range"):
        staking.set_lock_option(8, 0, 10_000, True, sender=deployer)


def test_set_lock_option_reverts(staking, deployer, alice):
    with ape.reverts("ownable: caller is not the owner"):
        staking.set_lock_option(0, 0, 10_000, True, sender=alice)
    with ape.reverts("staking: lock index out of range"):
        staking.set_lock_option(6, 0, 10_000, True, sender=deployer)  # gap: count is 5
    with ape.reverts("staking: lock too long"):
        staking.set_lock_option(0, 4 * 365 * DAY + 1, 10_000, True, sender=deployer)
    with ape.reverts("staking: multiplier out of range"):
        staking.set_lock_option(0, 0, 9_999, True, sender=deployer)
    with ape.reverts("staking: multiplier out of range"):
        staking.set_lock_option(0, 0, 50_001, True, sender=deployer)


def test_lock_views_revert_out_of_range(staking):
    with ape.reverts("staking: lock index out of range"):
        staking.multiplier(5)
    with ape.reverts("staking: lock index out of range"):
        staking.lock_option(5)


def test_schedule_edit_never_touches_existing_positions(chain, staking, deployer, alice):
    """A position keeps the unlock time and weight of the option it staked with."""
    tx = staking.stake(1, 100 * TOKEN, 2, sender=alice)
    before = staking.position(1)
    assert before.unlock_at == tx.timestamp + 90 * DAY
    assert before.weight == 150 * TOKEN
    staking.set_lock_option(2, 365 * DAY, 40_000, True, sender=deployer)
    staking.set_lock_option(2, 365 * DAY, 40_000, False, sender=deployer)
    assert staking.position(1) == before
    travel(chain, 90 * DAY)
    staking.withdraw(1, sender=alice)  # old unlock time still applies


def test_disabled_lock_option_cannot_be_staked(staking, deployer, alice):
    staking.set_lock_option(3, 180 * DAY, 20_000, False, sender=deployer)
    with ape.reverts("staking: lock option disabled"):
        staking.stake(1, TOKEN, 3, sender=alice)


# ------------------------------------------------------------------ stake


def test_stake_opens_position_and_pulls_tokens(staking, fmc, alice):
    tx = staking.stake(2, 40 * TOKEN, 4, sender=alice)
    assert tx.return_value == 1
    pos = staking.position(1)
    assert pos.owner == alice
    assert pos.persona_id == 2
    assert pos.amount == 40 * TOKEN
    assert pos.weight == 120 * TOKEN
    assert pos.lock_index == 4 and pos.multiplier_bps == 30_000
    assert pos.staked_at == tx.timestamp and pos.unlock_at == tx.timestamp + 365 * DAY
    assert pos.rewards_scaled == 0
    assert fmc.balanceOf(staking) == 40 * TOKEN
    assert fmc.balanceOf(alice) == HOLDER_BALANCE - 40 * TOKEN
    assert staking.total_staked() == 40 * TOKEN and staking.total_weight() == 120 * TOKEN
    pool = staking.persona_stake(2)
    assert (pool.staked, pool.weight, pool.positions) == (40 * TOKEN, 120 * TOKEN, 1)
    assert staking.position_count_of(alice) == 1
    assert staking.position_of_owner_by_index(alice, 0) == 1
    assert staking.next_position_id() == 2
    assert own_events(tx, staking)[0] == staking.Staked(
        position_id=1,
        owner=alice,
        persona_id=2,
        amount=40 * TOKEN,
        weight=120 * TOKEN,
        lock_index=4,
        unlock_at=tx.timestamp + 365 * DAY,
    )


def test_stake_weight_rounds_down(staking, alice):
    """weight = amount * multiplier // 10_000 (1.25x of 3 wei is 3 wei)."""
    staking.stake(1, 3, 1, sender=alice)
    assert staking.position(1).weight == 3


@pytest.mark.parametrize(
    "persona,amount,lock,reason",
    [
        (1, 0, 0, "staking: zero amount"),
        (1, 2**93, 0, "staking: amount too large"),  # the packing bound (FMC's whole cap is ~2**89.7)
        (2**32, TOKEN, 0, "staking: persona not active"),  # beyond the packed persona id
        (1, TOKEN, 5, "staking: lock index out of range"),
        (RETIRED_PERSONA, TOKEN, 0, "staking: persona not active"),
        (99, TOKEN, 0, "staking: persona not active"),
        (0, TOKEN, 0, "staking: persona not active"),
    ],
)
def test_stake_reverts(staking, alice, persona, amount, lock, reason):
    with ape.reverts(reason):
        staking.stake(persona, amount, lock, sender=alice)


def test_position_record_round_trips_through_its_packing(staking, chain, alice):
    """Every field `stake` packs comes back from `position` as it went in, at the packing bounds."""
    tx = staking.stake(3, 12_345 * TOKEN + 7, 4, sender=alice)
    pos = staking.position(1)
    option = staking.lock_option(4)
    assert (pos.owner, pos.persona_id, pos.amount, pos.lock_index) == (alice.address, 3, 12_345 * TOKEN + 7, 4)
    assert pos.multiplier_bps == option.multiplier_bps
    assert pos.weight == (12_345 * TOKEN + 7) * option.multiplier_bps // 10_000
    assert pos.staked_at == tx.timestamp and pos.unlock_at == tx.timestamp + option.duration
    assert (pos.reward_per_weight_paid, pos.rewards_scaled) == (0, 0)
    assert staking.MAX_POSITION_AMOUNT() == 2**93 - 1 and staking.MAX_PERSONA_ID() == 2**32 - 1


def test_stake_without_allowance_or_balance_reverts(staking, fmc, alice, stranger):
    fmc.approve(staking, 0, sender=alice)
    with ape.reverts():
        staking.stake(1, TOKEN, 0, sender=alice)
    fmc.approve(staking, TOKEN, sender=stranger)
    with ape.reverts():
        staking.stake(1, TOKEN, 0, sender=stranger)


# ------------------------------------------------------------------ withdraw


def test_withdraw_before_unlock_reverts_and_at_unlock_succeeds(chain, staking, fmc, alice):
    tx = staking.stake(1, 10 * TOKEN, 1, sender=alice)
    unlock = tx.timestamp + 30 * DAY
    chain.pending_timestamp = unlock - 1
    with ape.reverts("staking: position locked"):
        staking.withdraw(1, sender=alice)
    chain.pending_timestamp = unlock
    tx = staking.withdraw(1, sender=alice)
    assert tx.timestamp == unlock
    assert fmc.balanceOf(alice) == HOLDER_BALANCE
    assert staking.position(1).owner == ZERO
    assert staking.total_staked() == 0 and staking.total_weight() == 0
    assert staking.persona_stake(1).positions == 0
    assert staking.position_count_of(alice) == 0
    assert own_events(tx, staking) == [
        staking.Withdrawn(
            position_id=1, owner=alice, persona_id=1, amount=10 * TOKEN, weight=12_500_000_000_000_000_000
        )
    ]


def test_unlocked_position_withdraws_at_once(staking, fmc, alice):
    staking.stake(1, 10 * TOKEN, 0, sender=alice)
    staking.withdraw(1, sender=alice)
    assert fmc.balanceOf(alice) == HOLDER_BALANCE


def test_withdraw_only_by_owner_and_only_once(staking, alice, bob):
    staking.stake(1, TOKEN, 0, sender=alice)
    with ape.reverts("staking: not position owner"):
        staking.withdraw(1, sender=bob)
    staking.withdraw(1, sender=alice)
    with ape.reverts("staking: not position owner"):
        staking.withdraw(1, sender=alice)
    with ape.reverts("staking: not position owner"):
        staking.withdraw(77, sender=alice)


def test_withdraw_pays_pending_rewards_with_principal(chain, staking, fmc, deployer, oracle, alice):
    """withdraw returns principal + every pending whole wei of reward."""
    staking.stake(1, 10 * TOKEN, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    staking.fund(100 * DAY * 1000, 100 * DAY, sender=deployer)
    travel(chain, 10 * DAY)
    tx = staking.withdraw(1, sender=alice)
    reward = tx.return_value
    assert reward == staking.total_paid() > 0
    assert fmc.balanceOf(alice) == HOLDER_BALANCE + reward
    assert own_events(tx, staking)[0] == staking.RewardPaid(position_id=1, owner=alice, persona_id=1, amount=reward)
    assert staking.pending(1) == 0


def test_position_enumeration_swaps_and_pops(staking, alice, bob):
    for persona in (1, 2, 3):
        staking.stake(persona, TOKEN, 0, sender=alice)
    staking.stake(1, TOKEN, 0, sender=bob)
    staking.withdraw(1, sender=alice)
    assert staking.position_count_of(alice) == 2
    assert {staking.position_of_owner_by_index(alice, i) for i in range(2)} == {2, 3}
    assert staking.position_of_owner_by_index(bob, 0) == 4
    with ape.reverts("staking: index out of range"):
        staking.position_of_owner_by_index(alice, 2)
    staking.withdraw(3, sender=alice)
    staking.withdraw(2, sender=alice)
    assert staking.position_count_of(alice) == 0


# ------------------------------------------------------------------ claim


def test_claim_pays_while_locked_and_keeps_sub_wei_remainder(chain, staking, fmc, deployer, oracle, alice):
    staking.stake(1, 10 * TOKEN, 4, sender=alice)
    staking.set_performance([1], [5], sender=oracle)
    staking.fund(10 * DAY * 7 + 3, 10 * DAY, sender=deployer)
    travel(chain, DAY)
    expected = staking.pending(1)
    tx = staking.claim(1, sender=alice)
    # the claim transaction itself is one block later: at most one more second of rewards
    assert tx.return_value in range(expected, expected + 8)
    assert fmc.balanceOf(alice) == HOLDER_BALANCE - 10 * TOKEN + tx.return_value
    assert staking.position(1).rewards_scaled < PRECISION
    assert own_events(tx, staking) == [
        staking.RewardPaid(position_id=1, owner=alice, persona_id=1, amount=tx.return_value)
    ]


def test_claim_with_nothing_pending_pays_nothing_without_event(staking, alice):
    staking.stake(1, TOKEN, 0, sender=alice)
    tx = staking.claim(1, sender=alice)
    assert tx.return_value == 0
    assert own_events(tx, staking) == []


def test_claim_only_by_owner(staking, alice, bob):
    staking.stake(1, TOKEN, 0, sender=alice)
    with ape.reverts("staking: not position owner"):
        staking.claim(1, sender=bob)
    with ape.reverts("staking: not position owner"):
        staking.claim(2, sender=alice)


def test_claim_many_pays_each_position(chain, staking, deployer, oracle, alice, bob):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.stake(2, TOKEN, 0, sender=alice)
    staking.stake(2, TOKEN, 0, sender=bob)
    staking.set_performance([1, 2], [1, 1], sender=oracle)
    staking.fund(10**18, 10 * DAY, sender=deployer)
    travel(chain, DAY)
    with ape.reverts("staking: not position owner"):
        staking.claim_many([1, 3], sender=alice)
    tx = staking.claim_many([1, 2], sender=alice)
    assert tx.return_value == sum(e.amount for e in own_events(tx, staking)) > 0
    assert [e.position_id for e in own_events(tx, staking)] == [1, 2]


# ------------------------------------------------------------------ fund


def test_owner_fund_sets_rate_keeps_remainder_unallocated(staking, fmc, deployer):
    amount, duration = 10 * DAY * 1000 + 123, 10 * DAY
    tx = staking.fund(amount, duration, sender=deployer)
    assert staking.reward_rate() == 1000
    assert staking.unallocated() == 123
    assert staking.period_finish() == tx.timestamp + duration
    assert staking.total_funded() == amount
    assert fmc.balanceOf(staking) == amount
    assert staking.reward_rate() * duration <= amount
    assert own_events(tx, staking)[-1] == staking.Funded(
        funder=deployer,
        amount=amount,
        duration=duration,
        reward_rate=1000,
        period_finish=tx.timestamp + duration,
        unallocated=123,
    )


def test_fund_mid_stream_rolls_leftover_into_new_rate(chain, staking, deployer, oracle, alice):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(10 * DAY * 1000, 10 * DAY, sender=deployer).timestamp
    chain.pending_timestamp = t0 + 4 * DAY
    tx = staking.fund(5 * DAY * 1000, 5 * DAY, sender=deployer)
    leftover = 6 * DAY * 1000
    assert staking.reward_rate() == (leftover + 5 * DAY * 1000) // (5 * DAY)
    assert staking.period_finish() == tx.timestamp + 5 * DAY


@pytest.mark.parametrize("duration", [DAY - 1, 2 * 365 * DAY + 1])
def test_fund_duration_out_of_range_reverts(staking, deployer, duration):
    with ape.reverts("staking: duration out of range"):
        staking.fund(10**30, duration, sender=deployer)


def test_fund_rate_zero_reverts(staking, deployer):
    with ape.reverts("staking: reward rate is zero"):
        staking.fund(DAY - 1, DAY, sender=deployer)
    with ape.reverts("staking: reward rate is zero"):
        staking.fund(0, DAY, sender=deployer)


def test_non_owner_fund_rules(chain, staking, fmc, deployer, alice, bob):
    """Anyone may start a stream when none runs or top one up (duration 0); only the owner may reshape a running one."""
    with ape.reverts("staking: zero amount"):
        staking.fund(0, DAY, sender=alice)
    with ape.reverts("staking: no running stream"):
        staking.fund(TOKEN, 0, sender=alice)
    tx = staking.fund(DAY * 100, DAY, sender=alice)
    finish = tx.timestamp + DAY
    assert staking.period_finish() == finish
    with ape.reverts("staking: stream running"):
        staking.fund(DAY * 100, 3 * DAY, sender=bob)
    tx = staking.fund(DAY * 100, 0, sender=bob)
    assert staking.period_finish() == finish
    remaining = finish - tx.timestamp
    leftover = 100 * remaining  # nothing earns: leftover = rate * remaining
    assert staking.reward_rate() == (leftover + staking_unallocated_before_topup(tx) + DAY * 100) // remaining
    staking.fund(DAY * 100, 7 * DAY, sender=deployer)  # the owner may reshape a running stream
    chain.pending_timestamp = staking.period_finish()
    chain.mine()
    with ape.reverts("staking: no running stream"):
        staking.fund(TOKEN, 0, sender=alice)
    staking.fund(DAY * 100, DAY, sender=bob)
    assert staking.total_funded() == 4 * DAY * 100


def staking_unallocated_before_topup(tx):
    """Emission while total performance is zero returns to the budget before a top-up re-streams it."""
    return sum(e.amount for e in tx.events if e.event_name == "RewardsReturned")


def test_fund_without_allowance_reverts(staking, fmc, stranger):
    fmc.approve(staking, 2**256 - 1, sender=stranger)
    with ape.reverts():
        staking.fund(DAY * 10, DAY, sender=stranger)


def test_owner_restreams_unallocated_with_zero_amount(chain, staking, deployer):
    """Emission while total performance is zero returns to the budget; fund(0, d) streams it again."""
    t0 = staking.fund(DAY * 1000, DAY, sender=deployer).timestamp
    chain.pending_timestamp = t0 + DAY + 5
    chain.mine()
    tx = staking.fund(0, DAY, sender=deployer)
    assert [e.amount for e in own_events(tx, staking) if e.event_name == "RewardsReturned"] == [DAY * 1000]
    assert staking.reward_rate() == 1000 and staking.unallocated() == 0
    assert staking.total_funded() == DAY * 1000


# ------------------------------------------------------------------ set_performance and poke


def test_set_performance_only_updater(staking, deployer, alice):
    with ape.reverts("staking: caller is not the updater"):
        staking.set_performance([1], [1], sender=deployer)
    with ape.reverts("staking: caller is not the updater"):
        staking.set_performance([1], [1], sender=alice)


def test_set_performance_updates_scores_total_and_epoch(staking, oracle):
    tx = staking.set_performance([1, 2, 1], [10, 20, 30], sender=oracle)
    assert staking.persona_stake(1).performance == 30
    assert staking.persona_stake(2).performance == 20
    assert staking.total_performance() == 50
    assert staking.performance_epoch() == 1
    assert staking.performance_updated_at() == tx.timestamp
    assert own_events(tx, staking) == [
        staking.PerformanceUpdated(persona_id=1, epoch=1, old_score=0, new_score=10, total_performance=10),
        staking.PerformanceUpdated(persona_id=2, epoch=1, old_score=0, new_score=20, total_performance=30),
        staking.PerformanceUpdated(persona_id=1, epoch=1, old_score=10, new_score=30, total_performance=50),
    ]
    staking.set_performance([2], [0], sender=oracle)
    assert staking.total_performance() == 30 and staking.performance_epoch() == 2
    info = staking.epoch_info()
    assert info.performance_epoch == 2 and info.total_performance == 30


def test_set_performance_reverts(staking, oracle):
    with ape.reverts("staking: length mismatch"):
        staking.set_performance([1, 2], [1], sender=oracle)
    with ape.reverts("staking: score too high"):
        staking.set_performance([1], [10**18 + 1], sender=oracle)
    with ape.reverts("staking: persona not active"):
        staking.set_performance([RETIRED_PERSONA], [1], sender=oracle)
    with ape.reverts("staking: persona not active"):
        staking.set_performance([50], [1], sender=oracle)


def test_set_performance_zero_for_retired_persona_is_allowed(staking, oracle):
    """A retired persona can always be taken out of the split."""
    staking.set_performance([RETIRED_PERSONA], [0], sender=oracle)
    staking.set_performance([1, 2, 3], [10**18] * 3, sender=oracle)  # the bound itself is accepted
    assert staking.total_performance() == 3 * 10**18


def test_poke_returns_earnings_of_unstaked_persona(chain, staking, deployer, oracle, alice):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1, 2], [1, 1], sender=oracle)
    t0 = staking.fund(10 * DAY * 1000, 10 * DAY, sender=deployer).timestamp
    chain.pending_timestamp = t0 + DAY
    tx = staking.poke([2, 3], sender=alice)
    returned = [e for e in own_events(tx, staking) if e.event_name == "RewardsReturned"]
    assert [e.persona_id for e in returned] == [2]
    assert returned[0].amount == DAY * 1000 // 2
    assert staking.unallocated() == DAY * 1000 // 2


# ------------------------------------------------------------------ views


def test_views_of_unknown_position_are_empty(staking):
    assert staking.pending(5) == 0
    assert staking.position(5).owner == ZERO


def test_persona_reward_rate_view(chain, staking, deployer, oracle, alice):
    assert staking.persona_reward_rate(1) == 0
    staking.set_performance([1, 2], [1, 3], sender=oracle)
    staking.fund(DAY * 1000, DAY, sender=deployer)
    assert staking.persona_reward_rate(1) == 250
    assert staking.persona_reward_rate(2) == 750
    travel(chain, DAY)
    assert staking.persona_reward_rate(1) == 0


def test_epoch_info_reports_stream_and_totals(staking, deployer, oracle, alice):
    staking.stake(1, 2 * TOKEN, 3, sender=alice)
    tx = staking.fund(DAY * 1000, DAY, sender=deployer)
    info = staking.epoch_info()
    assert info.reward_rate == 1000
    assert info.period_finish == tx.timestamp + DAY
    assert info.last_update == tx.timestamp
    assert info.total_funded == DAY * 1000 and info.total_paid == 0
    assert info.total_staked == 2 * TOKEN and info.total_weight == 4 * TOKEN
    assert info.unallocated == 0 and info.reward_per_performance == 0


def test_set_performance_matches_performance_sink_interface(staking):
    """The selector the oracle calls is exactly IPerformanceSink.set_performance."""
    abi = next(a for a in staking.contract_type.abi if getattr(a, "name", None) == "set_performance")
    assert abi.selector == "set_performance(uint256[],uint256[])"
