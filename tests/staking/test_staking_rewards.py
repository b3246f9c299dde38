"""Reward math of PersonaStaking, and the known pitfalls of streamed staking rewards.

Each test pins block timestamps (`at`) so that expected amounts are exact.
Invariants:
- emission = reward_rate * seconds, from `fund` to `period_finish`, never after;
- it is split across personas by performance, then across a persona's
  positions by weight (amount x lock multiplier);
- nothing is stranded: emission while total performance is zero, and a
  persona's share while nobody stakes on it, return to the unallocated budget;
- a tiny position next to a whale still earns its exact share (sub-wei
  remainders are carried, never rounded away);
- reward_rate * duration never exceeds the funded budget, and rewards paid
  never exceed rewards funded.
"""

import ape

from .helpers import DAY, HOLDER_BALANCE, PRECISION, TOKEN, own_events


def at(chain, t):
    """Pin the timestamp of the next block (later blocks follow the wall clock again)."""
    chain.pending_timestamp = t
    return t


def test_single_staker_earns_the_whole_stream_and_nothing_after_it(chain, staking, fmc, deployer, oracle, alice):
    """Up to the stated rounding: at most 1 wei below the exact amount, never above.

    The sub-wei part sits in the accumulators' carried remainders (here 1e36 * emitted
    is not a multiple of the score 7) and is handed out with the next emission.
    """
    staking.stake(1, 50 * TOKEN, 0, sender=alice)
    staking.set_performance([1], [7], sender=oracle)
    tf = staking.fund(10 * DAY * 1_000 + 9, 10 * DAY, sender=deployer).timestamp
    at(chain, tf + 3 * DAY)
    chain.mine()
    assert 3 * DAY * 1_000 - 1 <= staking.pending(1) <= 3 * DAY * 1_000
    at(chain, tf + 30 * DAY)
    chain.mine()
    owed = staking.pending(1)
    assert 10 * DAY * 1_000 - 1 <= owed <= 10 * DAY * 1_000  # nothing accrues after period_finish
    at(chain, tf + 31 * DAY)
    chain.mine()
    assert staking.pending(1) == owed
    tx = staking.claim(1, sender=alice)
    assert tx.return_value == owed
    assert staking.unallocated() == 9
    assert 0 <= staking.total_funded() - staking.total_paid() - staking.unallocated() <= 1
    assert fmc.balanceOf(staking) == 50 * TOKEN + staking.total_funded() - owed


def test_rewards_follow_performance_across_personas(chain, staking, deployer, oracle, alice, bob):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.stake(2, 1_000 * TOKEN, 0, sender=bob)
    staking.set_performance([1, 2], [1, 3], sender=oracle)
    t0 = staking.fund(DAY * 4_000, DAY, sender=deployer).timestamp
    at(chain, t0 + 1_000)
    chain.mine()
    assert staking.pending(1) == 1_000 * 1_000
    assert staking.pending(2) == 1_000 * 3_000
    # a new score applies from its transaction on; what was earned is kept
    at(chain, t0 + 2_000)
    staking.set_performance([2], [0], sender=oracle)
    at(chain, t0 + 3_000)
    chain.mine()
    assert staking.pending(1) == 2_000 * 1_000 + 1_000 * 4_000
    assert staking.pending(2) == 2_000 * 3_000


def test_rewards_follow_weight_within_a_persona(chain, staking, deployer, oracle, alice, bob):
    """100 FMC locked 365 days (3x) earns three times 100 FMC unlocked."""
    staking.stake(1, 100 * TOKEN, 0, sender=alice)
    staking.stake(1, 100 * TOKEN, 4, sender=bob)
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(DAY * 4_000, DAY, sender=deployer).timestamp
    at(chain, t0 + 100)
    chain.mine()
    assert staking.pending(1) == 100 * 1_000
    assert staking.pending(2) == 100 * 3_000
    assert staking.persona_stake(1).weight == 400 * TOKEN


def test_late_staker_earns_only_from_its_stake_on(chain, staking, deployer, oracle, alice, bob):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(DAY * 1_000, DAY, sender=deployer).timestamp
    at(chain, t0 + 100)
    staking.stake(1, TOKEN, 0, sender=bob)
    at(chain, t0 + 300)
    chain.mine()
    assert staking.pending(1) == 100 * 1_000 + 200 * 500
    assert staking.pending(2) == 200 * 500


def test_emission_while_total_performance_is_zero_returns_to_the_budget(chain, staking, fmc, deployer, oracle, alice):
    """Pitfall: rewards streamed with no score anywhere must not be stranded."""
    staking.stake(1, TOKEN, 0, sender=alice)
    t0 = staking.fund(2 * DAY * 1_000, 2 * DAY, sender=deployer).timestamp
    at(chain, t0 + DAY)
    tx = staking.set_performance([1], [5], sender=oracle)
    assert own_events(tx, staking)[0] == staking.RewardsReturned(persona_id=0, amount=DAY * 1_000)
    assert staking.unallocated() == DAY * 1_000
    at(chain, t0 + 2 * DAY)
    chain.mine()
    assert staking.pending(1) == DAY * 1_000
    # the returned half is streamed again by the next fund (amount 0 by the owner)
    at(chain, t0 + 2 * DAY + 1)
    staking.fund(0, DAY, sender=deployer)
    assert staking.reward_rate() == 1_000 and staking.unallocated() == 0
    at(chain, t0 + 3 * DAY + 1)
    staking.withdraw(1, sender=alice)
    assert staking.total_paid() == staking.total_funded() == 2 * DAY * 1_000
    assert fmc.balanceOf(staking) == 0


def test_share_of_a_persona_without_stake_returns_to_the_budget(chain, staking, deployer, oracle, alice):
    """Pitfall: a scored persona nobody stakes on must not strand its share."""
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1, 2], [1, 1], sender=oracle)
    t0 = staking.fund(DAY * 1_000, DAY, sender=deployer).timestamp
    at(chain, t0 + 2 * DAY)
    tx = staking.poke([2], sender=alice)
    assert own_events(tx, staking) == [staking.RewardsReturned(persona_id=2, amount=DAY * 500)]
    assert staking.unallocated() == DAY * 500
    assert staking.pending(1) == DAY * 500
    # the first staker on a scored persona earns only from its stake on
    at(chain, t0 + 2 * DAY + 1)
    staking.fund(0, DAY, sender=deployer)
    at(chain, t0 + 2 * DAY + 101)
    staking.stake(2, TOKEN, 0, sender=alice)
    at(chain, t0 + 2 * DAY + 201)
    chain.mine()
    rate = staking.reward_rate()
    assert rate == DAY * 500 // DAY
    assert staking.pending(2) == 100 * rate // 2
    assert staking.unallocated() == DAY * 500 - rate * DAY + 100 * rate // 2


def test_shares_of_unstaked_personas_return_when_the_persona_is_next_touched(chain, staking, deployer, oracle, alice):
    """The last staker leaving makes the persona's later share returnable; staking again settles it."""
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(DAY * 1_000, DAY, sender=deployer).timestamp
    at(chain, t0 + 100)
    staking.withdraw(1, sender=alice)
    at(chain, t0 + 400)
    tx = staking.stake(1, TOKEN, 0, sender=alice)
    assert own_events(tx, staking)[0] == staking.RewardsReturned(persona_id=1, amount=300 * 1_000)
    assert staking.total_paid() == 100 * 1_000


def test_tiny_position_next_to_a_whale_is_not_rounded_to_zero(chain, staking, fmc, deployer, oracle, alice, bob):
    """Pitfall: per-weight rounding must not starve a 1-wei position, even with frequent updates.

    The whale (1M FMC, 3x) settles the persona every day; the 1-wei position
    is owed 1 / (3e24 + 1) of the stream. Its reward is paid to the wei, and
    a claim paying 0 keeps the sub-wei remainder for later.
    """
    whale_weight = 3 * 10**6 * TOKEN
    total_weight = whale_weight + 1
    staking.stake(1, 10**6 * TOKEN, 4, sender=bob)
    staking.stake(1, 1, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(10**8 * TOKEN, 10 * DAY, sender=deployer).timestamp  # 1e26 wei over 10 days
    rate = staking.reward_rate()
    at(chain, t0 + 2 * DAY)
    paid_early = staking.claim(2, sender=alice).return_value
    assert paid_early == rate * 2 * DAY // total_weight > 0
    for day in range(2, 10):
        at(chain, t0 + day * DAY + 1)
        staking.claim(1, sender=bob)
    at(chain, t0 + 11 * DAY)
    chain.mine()
    owed = staking.pending(2) + paid_early
    exact = rate * 10 * DAY // total_weight
    assert exact - 1 <= owed <= exact
    assert owed >= 30


def test_claim_of_less_than_one_wei_keeps_the_remainder(chain, staking, deployer, oracle, alice, bob):
    staking.stake(1, 3, 0, sender=alice)  # weight 3
    staking.stake(1, 7, 0, sender=bob)  # weight 7
    staking.set_performance([1], [1], sender=oracle)
    t0 = staking.fund(DAY, DAY, sender=deployer).timestamp  # 1 wei per second
    at(chain, t0 + 1)
    tx = staking.claim(1, sender=alice)  # owed 0.3 wei
    assert tx.return_value == 0
    assert staking.position(1).rewards_scaled == 3 * PRECISION // 10
    at(chain, t0 + 4)
    tx = staking.claim(1, sender=alice)  # owed 1.2 wei in total
    assert tx.return_value == 1
    assert staking.position(1).rewards_scaled == 2 * PRECISION // 10
    at(chain, t0 + 10)
    chain.mine()
    assert staking.pending(1) == 2  # 3.0 - 1
    assert staking.pending(2) == 7


def test_reward_rate_never_exceeds_the_funded_budget(chain, staking, fmc, deployer, oracle, alice):
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.set_performance([1], [1], sender=oracle)
    t0 = chain.blocks.head.timestamp + 10
    for i, (amount, duration) in enumerate([(10**18 + 7, 3 * DAY + 11), (5 * 10**17 + 1, 7 * DAY - 3), (333, DAY)]):
        t = at(chain, t0 + i * DAY)
        staking.fund(amount, duration, sender=deployer)
        rate, finish = staking.reward_rate(), staking.period_finish()
        owed = staking.pending(1)
        reserve = fmc.balanceOf(staking) - staking.total_staked() - owed
        assert rate * (finish - t) + staking.unallocated() <= reserve
        assert rate * (finish - t) + staking.unallocated() + owed + staking.total_paid() == staking.total_funded()


def test_rewards_paid_never_exceed_rewards_funded_when_everyone_exits(
    chain, staking, fmc, deployer, oracle, alice, bob, carol
):
    t0 = chain.blocks.head.timestamp
    staking.stake(1, 3 * TOKEN + 1, 1, sender=alice)
    staking.stake(1, 5, 2, sender=bob)
    staking.stake(2, 7 * TOKEN, 3, sender=carol)
    staking.stake(3, 11, 0, sender=bob)
    staking.set_performance([1, 2, 3], [3, 5, 7], sender=oracle)
    tf = staking.fund(10**21 + 12345, 13 * DAY + 17, sender=deployer).timestamp
    at(chain, tf + 5 * DAY)
    staking.set_performance([1, 2, 3], [0, 9, 10**18], sender=oracle)
    at(chain, t0 + 400 * DAY)
    for owner, pid in ((alice, 1), (bob, 2), (carol, 3), (bob, 4)):
        staking.withdraw(pid, sender=owner)
    paid, funded = staking.total_paid(), staking.total_funded()
    assert paid <= funded
    assert staking.total_staked() == 0
    assert fmc.balanceOf(staking) == funded - paid
    # everything not paid is in the unallocated budget, except at most 1 wei per position
    assert 0 <= funded - paid - staking.unallocated() <= 4
    for holder in (alice, bob, carol):
        assert fmc.balanceOf(holder) >= HOLDER_BALANCE


def test_a_position_is_withdrawn_only_once(chain, staking, alice):
    """Withdrawing twice is impossible: the second attempt finds no position."""
    staking.stake(1, TOKEN, 0, sender=alice)
    staking.withdraw(1, sender=alice)
    with ape.reverts("staking: not position owner"):
        staking.withdraw(1, sender=alice)
