"""PersonaTreasury: the smallest amounts its deposits accept (each test says the behaviour it
checks; test_treasury.py has the rest)."""

from persona_helpers import ETH


def test_deposit_eth_of_one_wei_is_credited(treasury, alice, pid):
    """Any positive value is a deposit, 1 wei included: it is credited to the persona."""
    treasury.deposit_eth(pid, value=1, sender=alice)
    assert treasury.balance_of(pid, ETH) == 1
    assert treasury.total_of(ETH) == 1


def test_deposit_of_one_token_unit_is_credited(treasury, other_token, alice, fund, pid):
    """The same for a token: 1 unit is a deposit."""
    fund(other_token, alice, 1)
    other_token.approve(treasury, 1, sender=alice)
    treasury.deposit(pid, other_token, 1, sender=alice)
    assert treasury.balance_of(pid, other_token) == 1
    assert other_token.balanceOf(treasury) == 1
