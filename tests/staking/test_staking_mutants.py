"""PersonaStaking: the pool's count of open positions beyond one (each test says the behaviour
it checks; test_staking_unit.py has the rest)."""

from .helpers import TOKEN


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
