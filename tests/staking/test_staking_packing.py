"""PersonaStaking's packed storage: every field shares a word with others (lock options, the
owner's list in 64-bit lanes, the totals, the stream, the pool words), and these tests check that
each comes back as it went in and that changing one never disturbs its neighbours."""

import ape

from .helpers import DAY, TOKEN, travel


def test_lock_option_word_round_trips_at_its_bounds(staking, deployer, alice):
    """A lock option is one word: duration, multiplier and enabled each come back as set, at the
    schedule's bounds, and an option that does not exist (any index past the count) is refused
    with the range reason, not as a disabled one."""
    staking.set_lock_option(5, 4 * 365 * DAY, 50_000, False, sender=deployer)
    assert tuple(staking.lock_option(5)) == (4 * 365 * DAY, 50_000, False)
    assert staking.multiplier(5) == 50_000
    with ape.reverts("staking: lock option disabled"):
        staking.stake(1, TOKEN, 5, sender=alice)
    for index in (6, 7, 2**255):
        with ape.reverts("staking: lock index out of range"):
            staking.stake(1, TOKEN, index, sender=alice)
    staking.set_lock_option(5, 4 * 365 * DAY, 50_000, True, sender=deployer)
    tx = staking.stake(1, 3 * TOKEN + 1, 5, sender=alice)
    pos = staking.position(1)
    assert (pos.lock_index, pos.multiplier_bps, pos.weight) == (5, 50_000, 15 * TOKEN + 5)
    assert pos.unlock_at == tx.timestamp + 4 * 365 * DAY
    staking.set_lock_option(0, 0, 10_000, False, sender=deployer)  # the lower bounds, disabled
    assert tuple(staking.lock_option(0)) == (0, 10_000, False)
    assert staking.lock_option_count() == 6


def test_owner_list_lanes_across_words(staking, alice, bob):
    """An owner's list packs four ids to a word (the count in the first lane): with nine
    positions it spans three words, and after every withdrawal in any order each index still
    names an open position of the owner, each open position is listed once, the count is right
    and another owner's list is untouched."""
    opened = []
    for i in range(9):
        opened.append(staking.stake(1 + i % 3, TOKEN + i, 0, sender=alice).return_value)
        if i == 4:
            bob_id = staking.stake(2, TOKEN, 0, sender=bob).return_value

    def listed(account):
        return [staking.position_of_owner_by_index(account, i) for i in range(staking.position_count_of(account))]

    assert listed(alice) == opened
    open_ids = set(opened)
    # the middle, the last, the first, then the rest from the top of the list down
    for position_id in (opened[4], opened[8], opened[0], opened[3], opened[7], opened[5], opened[1]):
        staking.withdraw(position_id, sender=alice)
        open_ids.discard(position_id)
        ids = listed(alice)
        assert sorted(ids) == sorted(open_ids)
        assert listed(bob) == [bob_id]
        with ape.reverts("staking: index out of range"):
            staking.position_of_owner_by_index(alice, len(ids))
    for position_id in sorted(open_ids):
        staking.withdraw(position_id, sender=alice)
    assert staking.position_count_of(alice) == 0
    # the emptied list fills again from its first lane
    again = staking.stake(3, TOKEN, 0, sender=alice).return_value
    assert listed(alice) == [again]


def test_totals_word_counts_ids_stake_and_weight(staking, alice, bob):
    """next_position_id, total_staked and total_weight share a word: each follows its own
    changes, and epoch_info reports the same figures."""
    assert (staking.next_position_id(), staking.total_staked(), staking.total_weight()) == (1, 0, 0)
    staking.stake(1, 7 * TOKEN, 4, sender=alice)  # 3.0x
    staking.stake(2, 5 * TOKEN + 3, 1, sender=bob)  # 1.25x of 5e18 + 3 rounds down
    weight = 21 * TOKEN + (5 * TOKEN + 3) * 12_500 // 10_000
    assert (staking.next_position_id(), staking.total_staked(), staking.total_weight()) == (
        3,
        12 * TOKEN + 3,
        weight,
    )
    staking.stake(3, TOKEN, 0, sender=bob)
    staking.withdraw(3, sender=bob)
    assert (staking.next_position_id(), staking.total_staked(), staking.total_weight()) == (
        4,
        12 * TOKEN + 3,
        weight,
    )
    info = staking.epoch_info()
    assert (info.total_staked, info.total_weight) == (12 * TOKEN + 3, weight)


def test_stream_and_performance_words(chain, staking, deployer, oracle, alice):
    """The stream word (rate, end, last update) and the performance word (total, carry) come
    back field by field: a large rate next to the times, the total next to its carry, and every
    settlement moves only the last update."""
    staking.set_performance([1, 2, 3], [10**18, 10**18, 1], sender=oracle)
    assert staking.total_performance() == 2 * 10**18 + 1
    amount = 5 * 10**6 * TOKEN
    tx = staking.fund(amount, DAY, sender=deployer)
    rate, finish = amount // DAY, tx.timestamp + DAY
    assert (staking.reward_rate(), staking.period_finish(), staking.last_update()) == (rate, finish, tx.timestamp)
    travel(chain, 3_600)
    tx = staking.stake(1, TOKEN, 0, sender=alice)
    assert (staking.reward_rate(), staking.period_finish(), staking.last_update()) == (rate, finish, tx.timestamp)
    assert staking.total_performance() == 2 * 10**18 + 1
    info = staking.epoch_info()
    assert (info.reward_rate, info.period_finish, info.last_update) == (rate, finish, tx.timestamp)
    assert info.total_performance == 2 * 10**18 + 1
    assert staking.persona_reward_rate(1) == rate * 10**18 // (2 * 10**18 + 1)


def test_pool_words_keep_each_field(chain, staking, deployer, oracle, alice, bob):
    """A pool's performance, weight and carry share one word, its stake and position count
    another: a stake changes only stake, weight and count; a score change only the score; the
    carry stays below the weight."""
    staking.fund(10**6 * TOKEN, 30 * DAY, sender=deployer)
    staking.set_performance([1, 2], [10**18, 3], sender=oracle)
    staking.stake(1, 3 * TOKEN + 1, 2, sender=alice)  # 1.5x
    travel(chain, DAY)
    staking.stake(1, 7, 4, sender=bob)  # 21 wei of weight
    pool = staking.persona_stake(1)
    weight = (3 * TOKEN + 1) * 15_000 // 10_000 + 21
    assert (pool.staked, pool.weight, pool.performance, pool.positions) == (3 * TOKEN + 8, weight, 10**18, 2)
    assert pool.reward_per_weight > 0 and pool.weight_carry < pool.weight
    staking.set_performance([1], [10**18 - 1], sender=oracle)
    after = staking.persona_stake(1)
    assert (after.staked, after.weight, after.performance, after.positions) == (3 * TOKEN + 8, weight, 10**18 - 1, 2)
    assert after.weight_carry < after.weight
    other = staking.persona_stake(2)
    assert (other.staked, other.weight, other.performance, other.positions) == (0, 0, 3, 0)
