"""PersonaTreasury: unit tests for every external function and revert path, plus a
property test of conservation (contract balance of each asset >= sum of persona accounts)."""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st
from persona_helpers import ETH, ZERO


@pytest.fixture(scope="module")
def token(other_token):
    return other_token


@pytest.fixture(scope="module")
def funded(token, alice, fund, treasury):
    """alice holds 10^24 of `token` and has approved the treasury."""
    fund(token, alice, 10**24)
    token.approve(treasury, 2**256 - 1, sender=alice)
    return alice


def test_constructor(project, owner, alice, registry):
    tre = project.PersonaTreasury.deploy(alice, registry, sender=owner)
    assert tre.owner() == alice
    assert tre.registry() == registry.address


def test_constructor_rejects_zero_owner(project, owner, registry):
    with ape.reverts("treasury: zero owner"):
        project.PersonaTreasury.deploy(ZERO, registry, sender=owner)


def test_constructor_rejects_zero_registry(project, owner):
    with ape.reverts("treasury: zero registry"):
        project.PersonaTreasury.deploy(owner, ZERO, sender=owner)


# --------------------------------------------------------------- deposits


def test_deposit_token(treasury, token, funded, pid):
    """The account and the asset total grow by the amount; the tokens are pulled."""
    tx = treasury.deposit(pid, token, 1_000, sender=funded)
    assert treasury.balance_of(pid, token) == 1_000
    assert treasury.total_of(token) == 1_000
    assert token.balanceOf(treasury) == 1_000
    assert tx.events.filter(treasury.Deposited) == [
        treasury.Deposited(persona_id=pid, asset=token, sender=funded, amount=1_000)
    ]


def test_deposit_accounts_are_per_persona(treasury, token, funded, make_persona, pid):
    other, _ = make_persona(name="Echo", symbol="ECHO")
    treasury.deposit(pid, token, 3, sender=funded)
    treasury.deposit(other, token, 5, sender=funded)
    assert treasury.balance_of(pid, token) == 3
    assert treasury.balance_of(other, token) == 5
    assert treasury.total_of(token) == 8


def test_deposit_unknown_persona(treasury, token, funded, pid):
    with ape.reverts("treasury: unknown persona"):
        treasury.deposit(pid + 1, token, 1, sender=funded)


def test_deposit_zero_amount(treasury, token, funded, pid):
    with ape.reverts("treasury: zero amount"):
        treasury.deposit(pid, token, 0, sender=funded)


def test_deposit_eth_via_token_path(treasury, funded, pid):
    with ape.reverts("treasury: use deposit_eth for ETH"):
        treasury.deposit(pid, ETH, 1, sender=funded)


def test_deposit_without_allowance(treasury, token, bob, fund, pid):
    fund(token, bob, 10)
    with ape.reverts("erc20: insufficient allowance"):
        treasury.deposit(pid, token, 10, sender=bob)


def test_deposit_fee_on_transfer_token(treasury, token, funded, pid):
    """An account must never be credited more than the contract received."""
    token.set_transfer_fee_bps(100, sender=funded)
    with ape.reverts("treasury: token delivered a different amount"):
        treasury.deposit(pid, token, 10_000, sender=funded)


def test_deposit_eth(treasury, alice, pid):
    tx = treasury.deposit_eth(pid, value=7, sender=alice)
    assert treasury.balance_of(pid, ETH) == 7
    assert treasury.total_of(ETH) == 7
    assert treasury.balance == 7
    assert tx.events == [treasury.Deposited(persona_id=pid, asset=ETH, sender=alice, amount=7)]


def test_deposit_eth_zero(treasury, alice, pid):
    with ape.reverts("treasury: zero amount"):
        treasury.deposit_eth(pid, value=0, sender=alice)


def test_deposit_eth_unknown_persona(treasury, alice, pid):
    with ape.reverts("treasury: unknown persona"):
        treasury.deposit_eth(pid + 1, value=1, sender=alice)


def test_plain_eth_transfer_rejected(treasury, alice):
    """No fallback: ETH can only enter through deposit_eth (and is then accounted)."""
    with ape.reverts():
        alice.transfer(treasury, 1)


# --------------------------------------------------------------- spend


def test_spend_token(treasury, token, funded, owner, bob, pid):
    treasury.deposit(pid, token, 100, sender=funded)
    tx = treasury.spend(pid, token, bob, 40, sender=owner)
    assert treasury.balance_of(pid, token) == 60
    assert treasury.total_of(token) == 60
    assert token.balanceOf(bob) == 40
    assert tx.events.filter(treasury.Spent) == [treasury.Spent(persona_id=pid, asset=token, to=bob, amount=40)]


def test_spend_eth(treasury, owner, alice, bob, pid):
    treasury.deposit_eth(pid, value=100, sender=alice)
    before = bob.balance
    treasury.spend(pid, ETH, bob, 100, sender=owner)
    assert bob.balance - before == 100
    assert treasury.balance_of(pid, ETH) == 0
    assert treasury.balance == 0


def test_spend_only_owner(treasury, alice, pid):
    treasury.deposit_eth(pid, value=1, sender=alice)
    with ape.reverts("ownable: caller is not the owner"):
        treasury.spend(pid, ETH, alice, 1, sender=alice)


def test_spend_zero_receiver(treasury, owner, alice, pid):
    treasury.deposit_eth(pid, value=1, sender=alice)
    with ape.reverts("treasury: zero receiver"):
        treasury.spend(pid, ETH, ZERO, 1, sender=owner)


def test_spend_zero_amount(treasury, owner, alice, pid):
    with ape.reverts("treasury: zero amount"):
        treasury.spend(pid, ETH, alice, 0, sender=owner)


def test_spend_cannot_touch_another_persona(treasury, owner, alice, make_persona, pid):
    """Each account is spent on its own: persona 2's ETH does not cover persona 1."""
    other, _ = make_persona(name="Echo", symbol="ECHO")
    treasury.deposit_eth(pid, value=1, sender=alice)
    treasury.deposit_eth(other, value=100, sender=alice)
    with ape.reverts("treasury: amount exceeds persona balance"):
        treasury.spend(pid, ETH, alice, 2, sender=owner)


def test_spend_eth_receiver_rejects(project, treasury, owner, alice, pid):
    holder = project.MockHolder.deploy(sender=alice)
    holder.set_behaviour(True, ZERO, b"", sender=alice)
    treasury.deposit_eth(pid, value=1, sender=alice)
    with ape.reverts("treasury: ETH transfer failed"):
        treasury.spend(pid, ETH, holder, 1, sender=owner)


# --------------------------------------------------------------- surplus


def test_recover_surplus(treasury, token, funded, owner, bob, pid):
    """Only what exceeds the sum of accounts leaves; accounts are untouched."""
    treasury.deposit(pid, token, 100, sender=funded)
    token.transfer(treasury, 30, sender=funded)
    tx = treasury.recover_surplus(token, bob, sender=owner)
    assert token.balanceOf(bob) == 30
    assert token.balanceOf(treasury) == 100
    assert treasury.balance_of(pid, token) == 100
    assert tx.events.filter(treasury.SurplusRecovered) == [treasury.SurplusRecovered(asset=token, to=bob, amount=30)]


def test_recover_surplus_none(treasury, token, funded, owner, bob, pid):
    treasury.deposit(pid, token, 100, sender=funded)
    with ape.reverts("treasury: no surplus"):
        treasury.recover_surplus(token, bob, sender=owner)
    with ape.reverts("treasury: no surplus"):
        treasury.recover_surplus(ETH, bob, sender=owner)


def test_recover_surplus_only_owner(treasury, token, bob):
    with ape.reverts("ownable: caller is not the owner"):
        treasury.recover_surplus(token, bob, sender=bob)


def test_recover_surplus_zero_receiver(treasury, token, owner):
    with ape.reverts("treasury: zero receiver"):
        treasury.recover_surplus(token, ZERO, sender=owner)


def test_two_step_ownership(treasury, owner, alice):
    treasury.transfer_ownership(alice, sender=owner)
    assert treasury.pending_owner() == alice
    treasury.accept_ownership(sender=alice)
    assert treasury.owner() == alice


# --------------------------------------------------------------- conservation (property)

OPS = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "deposit_eth", "spend_token", "spend_eth", "gift"]),
        st.integers(0, 1),  # which persona
        st.integers(1, 10**6),
    ),
    min_size=1,
    max_size=8,
)


@given(ops=OPS)
def test_conservation(chain, treasury, token, funded, owner, bob, alice, make_persona, pid, ops):
    """After any sequence of deposits, spends and direct gifts: for each asset,
    sum of accounts == total_of <= contract balance, and accounts equal the model."""
    snap = chain.snapshot()
    try:
        ids = [pid, make_persona(name="Echo", symbol="ECHO")[0]]
        model = {(p, a): 0 for p in ids for a in (ETH, token.address)}
        for op, which, amount in ops:
            p = ids[which]
            if op == "deposit":
                treasury.deposit(p, token, amount, sender=funded)
                model[(p, token.address)] += amount
            elif op == "deposit_eth":
                treasury.deposit_eth(p, value=amount, sender=alice)
                model[(p, ETH)] += amount
            elif op == "gift":
                token.transfer(treasury, amount, sender=funded)
            else:
                asset = token.address if op == "spend_token" else ETH
                amount = min(amount, model[(p, asset)])
                if amount == 0:
                    continue
                treasury.spend(p, asset, bob, amount, sender=owner)
                model[(p, asset)] -= amount
        for asset, held in ((ETH, treasury.balance), (token.address, token.balanceOf(treasury))):
            accounts = [treasury.balance_of(p, asset) for p in ids]
            assert accounts == [model[(p, asset)] for p in ids]
            assert sum(accounts) == treasury.total_of(asset) <= held
    finally:
        chain.restore(snap)
