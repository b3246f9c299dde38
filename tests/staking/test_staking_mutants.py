"""PersonaStaking: behaviours the mutation campaign found unchecked (each test says the behaviour
it checks; test_staking_unit.py has the rest)."""

from .helpers import DAY, TOKEN, travel


def test_a_pool_counts_every_open_position(staking, alice, bob):
    """persona_stake(p).positions is the number of open positions on p: three stakes make 3,
    closing one makes 2, whatever the pool's other fields hold."""
    for staker, amount in ((alice, 3 * TOKEN), (bob, 5 * TOKEN), (alice, 7 * TOKEN)):
        staking.stake(1, amount, 0, sender=staker)
    pool = staking.persona_stake(1)
    assert (pool.staked, pool.positions) == (15 * TOKEN, 3)
    staking.withdraw(2, sender=bob)  # lock option 0: unlocked at once
    pool = staking.persona_stake(1)
    assert (pool.staked, pool.positions) == (10 * TOKEN, 2)


def test_a_same_score_update_still_settles_the_pool_with_its_carry(chain, staking, deployer, oracle, alice):
    """An update that leaves a persona's score as it was still settles its pool, and stores the
    whole settlement: the pool's numerator is conserved, reward_per_weight * weight + carry
    grows by exactly score * (global accumulator - what the pool had been paid), the carry stays
    below the weight, and the pool is paid up to the global accumulator."""
    staking.fund(10**6 * TOKEN, 30 * DAY, sender=deployer)
    staking.set_performance([1], [10**18], sender=oracle)
    staking.stake(1, 3 * TOKEN + 1, 2, sender=alice)  # a weight of 4.5 FMC + 1 wei: divisions leave carries
    for seconds in (DAY + 7, 3 * DAY + 1, 11):
        travel(chain, seconds)
        before = staking.persona_stake(1)
        staking.set_performance([1], [10**18], sender=oracle)  # the same score
        after = staking.persona_stake(1)
        acc = staking.reward_per_performance()
        earned = before.performance * (acc - before.reward_per_performance_paid)
        assert earned > 0 and after.reward_per_performance_paid == acc
        numerator = before.reward_per_weight * before.weight + before.weight_carry + earned
        assert after.reward_per_weight * after.weight + after.weight_carry == numerator
        assert after.weight_carry < after.weight


def test_a_withdrawn_position_leaves_an_all_zero_record(chain, staking, deployer, oracle, alice):
    """position(id) of a closed position is all zero, its reward fields too (the settlement
    snapshot and the unpaid rewards are cleared with the rest), and pending is 0."""
    staking.fund(10**6 * TOKEN, 30 * DAY, sender=deployer)
    staking.set_performance([1], [10**18], sender=oracle)
    position_id = staking.stake(1, 5 * TOKEN, 0, sender=alice).return_value
    travel(chain, 2 * DAY)
    staking.claim(position_id, sender=alice)  # the record's snapshot is now the pool's, nonzero
    travel(chain, DAY)
    assert staking.position(position_id).reward_per_weight_paid > 0 and staking.pending(position_id) > 0
    staking.withdraw(position_id, sender=alice)
    assert all(value in (0, "0x0000000000000000000000000000000000000000") for value in staking.position(position_id))
    assert staking.pending(position_id) == 0
