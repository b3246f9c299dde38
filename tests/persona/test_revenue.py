"""Revenue: unit tests for every external function and revert path of RevenueConfig (the
DAO's settings) and of PersonaShare's revenue side (ETH by plain transfer, `pay`, `claim`,
`claim_token`, `withdraw_fees`, `sync` and the views), including held revenue below
MIN_DISTRIBUTION_SUPPLY, fee changes, transfers/mints/burns with revenue accrued, the
MAX_ASSETS and MAX_REVENUE bounds, and the dust bound on a small example.
"""

from fractions import Fraction

import ape
import pytest
from persona_helpers import ACC_SCALE, BPS, ETH, INITIAL_FEE_BPS, MAX_ASSETS, MAX_FEE_BPS, MAX_REVENUE, MIN_SUPPLY, ZERO

E18 = 10**18


def net(gross, fee_bps=INITIAL_FEE_BPS):
    return gross - gross * fee_bps // BPS


@pytest.fixture
def nova(make_persona):
    """A fresh persona (max supply 1e24) with no shares."""
    return make_persona()[1]


@pytest.fixture
def held(nova, launchpad, alice, bob):
    """alice 3 shares, bob 1 share (4e18 supply)."""
    nova.mint(alice, 3 * E18, sender=launchpad)
    nova.mint(bob, E18, sender=launchpad)
    return nova


@pytest.fixture
def funded(fmc, fund, payer):
    fund(fmc, payer, 10**27)
    return payer


def pay_eth(share, payer, amount):
    return payer.transfer(share, amount)


# =============================================================== RevenueConfig


def test_config_constructor(revenue_config, owner, fmc, fee_sink):
    assert revenue_config.owner() == owner.address
    assert revenue_config.fee_bps() == INITIAL_FEE_BPS
    assert revenue_config.fee_recipient() == fee_sink.address
    assert revenue_config.assets() == [ETH, fmc.address]
    assert revenue_config.is_allowed(ETH) and revenue_config.is_allowed(fmc)
    assert revenue_config.MAX_FEE_BPS() == MAX_FEE_BPS
    assert revenue_config.MAX_ASSETS() == MAX_ASSETS


@pytest.mark.parametrize(
    "index,value,reason",
    [
        (0, ZERO, "revenue: zero owner"),
        (1, ZERO, "revenue: zero FMC"),
        (2, ZERO, "revenue: zero fee recipient"),
        (3, MAX_FEE_BPS + 1, "revenue: fee above maximum"),
    ],
)
def test_config_constructor_checks(project, owner, fmc, fee_sink, index, value, reason):
    args = [owner, fmc, fee_sink, 0]
    args[index] = value
    with ape.reverts(reason):
        project.RevenueConfig.deploy(*args, sender=owner)


def test_set_fee_bps(revenue_config, owner, alice):
    with ape.reverts("ownable: caller is not the owner"):
        revenue_config.set_fee_bps(1, sender=alice)
    with ape.reverts("revenue: fee above maximum"):
        revenue_config.set_fee_bps(MAX_FEE_BPS + 1, sender=owner)
    tx = revenue_config.set_fee_bps(MAX_FEE_BPS, sender=owner)
    [log] = tx.events.filter(revenue_config.FeeChanged)
    assert (log.previous_fee_bps, log.new_fee_bps) == (INITIAL_FEE_BPS, MAX_FEE_BPS)
    assert revenue_config.fee_bps() == MAX_FEE_BPS


def test_set_fee_recipient(revenue_config, owner, alice, fee_sink):
    with ape.reverts("ownable: caller is not the owner"):
        revenue_config.set_fee_recipient(alice, sender=alice)
    with ape.reverts("revenue: zero fee recipient"):
        revenue_config.set_fee_recipient(ZERO, sender=owner)
    tx = revenue_config.set_fee_recipient(alice, sender=owner)
    [log] = tx.events.filter(revenue_config.FeeRecipientChanged)
    assert (log.previous_recipient, log.new_recipient) == (fee_sink.address, alice.address)
    assert revenue_config.fee_recipient() == alice.address


def test_set_asset_allowed(project, revenue_config, owner, alice, fmc, other_token, deployer):
    with ape.reverts("ownable: caller is not the owner"):
        revenue_config.set_asset_allowed(other_token, True, sender=alice)
    with ape.reverts("revenue: ETH is always allowed"):
        revenue_config.set_asset_allowed(ETH, False, sender=owner)
    with ape.reverts("revenue: status unchanged"):
        revenue_config.set_asset_allowed(fmc, True, sender=owner)
    tx = revenue_config.set_asset_allowed(other_token, True, sender=owner)
    [log] = tx.events.filter(revenue_config.AssetAllowed)
    assert (log.asset, log.allowed) == (other_token.address, True)
    revenue_config.set_asset_allowed(other_token, False, sender=owner)
    assert not revenue_config.is_allowed(other_token)
    revenue_config.set_asset_allowed(other_token, True, sender=owner)  # listed once only
    assert revenue_config.assets() == [ETH, fmc.address, other_token.address]
    for i in range(MAX_ASSETS - 3):
        token = project.MockERC20.deploy(f"T{i}", "T", sender=deployer)
        revenue_config.set_asset_allowed(token, True, sender=owner)
    extra = project.MockERC20.deploy("Extra", "X", sender=deployer)
    with ape.reverts("revenue: asset limit reached"):
        revenue_config.set_asset_allowed(extra, True, sender=owner)
    assert len(revenue_config.assets()) == MAX_ASSETS


def test_config_two_step_ownership(revenue_config, owner, alice):
    revenue_config.transfer_ownership(alice, sender=owner)
    assert revenue_config.pending_owner() == alice.address
    revenue_config.accept_ownership(sender=alice)
    assert revenue_config.owner() == alice.address
    revenue_config.renounce_ownership(sender=alice)
    assert revenue_config.owner() == ZERO


# =============================================================== ETH in: a plain transfer


def test_eth_payment_writes_nothing(chain, held, payer):
    """A plain ETH transfer only logs EthPaid; the accounting follows from the balance."""
    tx = pay_eth(held, payer, 10**6)
    [log] = tx.events.filter(held.EthPaid)
    assert (log.payer, log.amount) == (payer.address, 10**6)
    assert held.pending_revenue(ETH) == 10**6
    assert tx.gas_used < 22_500  # 21,000 + the log: no storage is written


def test_eth_payment_is_split(held, payer, alice, bob):
    pay_eth(held, payer, 4 * 10**6)
    assert held.claimable(alice) == 3 * net(10**6)
    assert held.claimable(bob) == net(10**6)
    assert held.fees_owed(ETH) == 4 * 10**6 * INITIAL_FEE_BPS // BPS
    assert held.acc_per_share(ETH) == net(4 * 10**6) * ACC_SCALE // (4 * E18)


def test_unknown_calldata_counts_as_payment(held, payer, alice):
    """A call matching no function lands in __default__ (with or without value)."""
    payer.transfer(held, 400, data=b"\x12\x34\x56\x78")
    assert held.pending_revenue(ETH) == 400


# =============================================================== ERC-20 in: pay


def test_pay(held, fmc, funded, alice, bob):
    fmc.approve(held, 4 * 10**6, sender=funded)
    tx = held.pay(fmc, 4 * 10**6, sender=funded)
    [log] = tx.events.filter(held.RevenuePaid)
    assert (log.asset, log.payer, log.amount) == (fmc.address, funded.address, 4 * 10**6)
    assert fmc.balanceOf(held) == 4 * 10**6
    assert held.token_revenue(fmc) == 4 * 10**6
    assert held.pending_revenue(fmc) == 4 * 10**6
    assert held.revenue_tokens() == [fmc.address]
    assert held.claimable_token(fmc, alice) == 3 * net(10**6)
    assert held.claimable_token(fmc, bob) == net(10**6)


def test_pay_reverts(held, fmc, other_token, funded, fund, deployer, revenue_config, owner):
    with ape.reverts("revenue: send ETH to this address"):
        held.pay(ETH, 1, sender=funded)
    with ape.reverts("revenue: zero amount"):
        held.pay(fmc, 0, sender=funded)
    with ape.reverts("revenue: asset not allowed"):
        held.pay(other_token, 1, sender=funded)
    with ape.reverts():  # no allowance: FMC refuses the transferFrom
        held.pay(fmc, 1, sender=funded)
    revenue_config.set_asset_allowed(other_token, True, sender=owner)
    fund(other_token, funded, 10**6)
    other_token.approve(held, 2**256 - 1, sender=funded)
    other_token.set_transfer_fee_bps(100, sender=deployer)
    with ape.reverts("revenue: token delivered a different amount"):
        held.pay(other_token, 10**6, sender=funded)


def test_pay_revenue_limit(held, other_token, fund, funded, revenue_config, owner):
    revenue_config.set_asset_allowed(other_token, True, sender=owner)
    fund(other_token, funded, MAX_REVENUE + 1)
    other_token.approve(held, 2**256 - 1, sender=funded)
    held.pay(other_token, MAX_REVENUE - 1, sender=funded)
    with ape.reverts("revenue: revenue limit reached"):
        held.pay(other_token, 2, sender=funded)
    held.pay(other_token, 1, sender=funded)
    assert held.token_revenue(other_token) == MAX_REVENUE == held.MAX_REVENUE()


def test_disallowed_token_stays_claimable(held, fmc, funded, revenue_config, owner, alice):
    fmc.approve(held, 4 * 10**6, sender=funded)
    held.pay(fmc, 4 * 10**6, sender=funded)
    revenue_config.set_asset_allowed(fmc, False, sender=owner)
    with ape.reverts("revenue: asset not allowed"):
        held.pay(fmc, 1, sender=funded)
    assert held.claim_token(fmc, sender=alice).return_value == 3 * net(10**6)


def test_max_assets_bound_transfers(project, held, revenue_config, owner, deployer, fund, funded, alice, bob):
    """A persona can be paid in at most MAX_ASSETS - 1 tokens besides ETH (RevenueConfig
    lists at most MAX_ASSETS assets ever), so a transfer does bounded work."""
    tokens = []
    for i in range(MAX_ASSETS - 2):
        token = project.MockERC20.deploy(f"T{i}", "T", sender=deployer)
        revenue_config.set_asset_allowed(token, True, sender=owner)
        tokens.append(token)
    for token in tokens:
        fund(token, funded, 4)
        token.approve(held, 4, sender=funded)
        held.pay(token, 4, sender=funded)
    assert len(held.revenue_tokens()) == MAX_ASSETS - 2
    held.transfer(bob, E18, sender=alice)
    for token in tokens:
        assert held.claimable_token(token, alice) + held.claimable_token(token, bob) <= 4


# =============================================================== claim / claim_token


def test_claim_eth(held, payer, alice):
    pay_eth(held, payer, 4 * 10**6)
    before = alice.balance
    tx = held.claim(sender=alice)
    [log] = tx.events.filter(held.EthClaimed)
    assert (log.holder, log.amount) == (alice.address, 3 * net(10**6))
    assert tx.return_value == 3 * net(10**6)
    assert alice.balance == before + 3 * net(10**6) - tx.gas_used * tx.gas_price
    assert held.claimed(ETH, alice) == 3 * net(10**6)
    assert held.claimable(alice) == 0
    assert held.pending_revenue(ETH) == 4 * 10**6  # a claim settles nothing


def test_claim_nothing(held, alice, carol, payer):
    with ape.reverts("revenue: nothing to claim"):
        held.claim(sender=alice)
    pay_eth(held, payer, 10**6)
    with ape.reverts("revenue: nothing to claim"):
        held.claim(sender=carol)  # not a holder


def test_claim_eth_to_a_contract_that_rejects(project, held, deployer, launchpad, payer, alice):
    wallet = project.MockHolder.deploy(sender=deployer)
    held.transfer(wallet, E18, sender=alice)
    pay_eth(held, payer, 4 * 10**6)
    wallet.set_behaviour(True, ZERO, b"", sender=deployer)
    with ape.reverts("revenue: ETH transfer failed"):
        wallet.execute(held, held.claim.encode_input(), sender=deployer)
    wallet.set_behaviour(False, ZERO, b"", sender=deployer)
    wallet.execute(held, held.claim.encode_input(), sender=deployer)
    assert held.claimed(ETH, wallet) == net(10**6)


def test_claim_cannot_reenter(project, held, deployer, payer, alice):
    """A holder contract re-entering claim() from its receive hook is stopped by the lock."""
    wallet = project.MockHolder.deploy(sender=deployer)
    held.transfer(wallet, E18, sender=alice)
    pay_eth(held, payer, 4 * 10**6)
    wallet.set_behaviour(False, held, held.claim.encode_input(), sender=deployer)
    with ape.reverts():
        wallet.execute(held, held.claim.encode_input(), sender=deployer)


def test_claim_token(held, fmc, funded, alice):
    fmc.approve(held, 4 * 10**6, sender=funded)
    held.pay(fmc, 4 * 10**6, sender=funded)
    tx = held.claim_token(fmc, sender=alice)
    [log] = tx.events.filter(held.Claimed)
    assert (log.asset, log.holder, log.amount) == (fmc.address, alice.address, 3 * net(10**6))
    assert fmc.balanceOf(alice) == 3 * net(10**6)
    assert held.claimed(fmc, alice) == 3 * net(10**6)
    with ape.reverts("revenue: nothing to claim"):
        held.claim_token(fmc, sender=alice)


def test_claim_token_reverts(held, other_token, alice):
    with ape.reverts("revenue: use claim for ETH"):
        held.claim_token(ETH, sender=alice)
    with ape.reverts("revenue: nothing to claim"):
        held.claim_token(other_token, sender=alice)


# =============================================================== transfers, mints, burns


def test_accrued_revenue_stays_with_the_sender(held, payer, alice, bob, carol):
    pay_eth(held, payer, 4 * 10**6)
    held.transfer(carol, 3 * E18, sender=alice)
    assert held.claimable(alice) == 3 * net(10**6)
    assert held.claimable(carol) == 0
    pay_eth(held, payer, 4 * 10**6)
    assert held.claimable(alice) == 3 * net(10**6)
    assert held.claimable(carol) == 3 * net(10**6)
    assert held.claimable(bob) == 2 * net(10**6)


def test_transfer_from_moves_accruals_like_transfer(held, payer, alice, bob, carol):
    pay_eth(held, payer, 4 * 10**6)
    held.approve(carol, E18, sender=alice)
    held.transferFrom(alice, carol, E18, sender=carol)
    pay_eth(held, payer, 4 * 10**6)
    assert held.claimable(alice) == 3 * net(10**6) + 2 * net(10**6)
    assert held.claimable(carol) == net(10**6)


def test_mint_settles_and_new_shares_earn_from_now(held, launchpad, payer, alice, carol):
    pay_eth(held, payer, 4 * 10**6)
    tx = held.mint(carol, 4 * E18, sender=launchpad)
    [log] = tx.events.filter(held.RevenueSettled)
    assert (log.asset, log.amount, log.fee, log.share_supply) == (
        ETH,
        4 * 10**6,
        4 * 10**6 * INITIAL_FEE_BPS // BPS,
        4 * E18,
    )
    assert held.pending_revenue(ETH) == 0
    assert held.claimable(carol) == 0
    pay_eth(held, payer, 8 * 10**6)
    assert held.claimable(carol) == 4 * net(10**6)
    assert held.claimable(alice) == 3 * net(10**6) + 3 * net(10**6)


def test_burn_keeps_accrued_revenue(held, payer, alice, bob):
    pay_eth(held, payer, 4 * 10**6)
    held.burn(3 * E18, sender=alice)
    assert held.totalSupply() == E18
    assert held.claimable(alice) == 3 * net(10**6)
    pay_eth(held, payer, 10**6)
    assert held.claimable(alice) == 3 * net(10**6)
    assert held.claimable(bob) == net(10**6) + net(10**6)


def test_burn_from_keeps_accrued_revenue(held, payer, alice, carol):
    pay_eth(held, payer, 4 * 10**6)
    held.approve(carol, E18, sender=alice)
    held.burn_from(alice, E18, sender=carol)
    assert held.claimable(alice) == 3 * net(10**6)


def test_revenue_is_held_below_one_share(nova, launchpad, payer, fmc, funded, alice, bob):
    """Below MIN_DISTRIBUTION_SUPPLY nothing is distributed; the first supply that reaches it
    receives everything held (ETH and tokens)."""
    pay_eth(nova, payer, 10**6)
    fmc.approve(nova, 10**6, sender=funded)
    nova.pay(fmc, 10**6, sender=funded)
    nova.mint(alice, MIN_SUPPLY - 1, sender=launchpad)
    pay_eth(nova, payer, 10**6)
    assert nova.claimable(alice) == 0 and nova.claimable_token(fmc, alice) == 0
    assert nova.acc_per_share(ETH) == 0
    assert nova.fees_owed(ETH) == 0  # not settled while held
    with ape.reverts("revenue: no fees"):
        nova.withdraw_fees(ETH, sender=bob)
    nova.mint(bob, MIN_SUPPLY + 1, sender=launchpad)  # supply 2e18: held revenue goes to both
    assert nova.claimable(alice) == net(2 * 10**6) // 2 - 1  # (1e18 - 1) / 2e18 of it, floored
    assert nova.claimable(bob) == net(2 * 10**6) // 2
    assert nova.claimable_token(fmc, bob) == net(10**6) // 2


def test_revenue_is_held_after_everything_is_burnt(held, launchpad, payer, alice, bob, carol):
    pay_eth(held, payer, 4 * 10**6)
    held.burn(3 * E18, sender=alice)
    held.burn(E18, sender=bob)
    pay_eth(held, payer, 10**6)
    assert held.claimable(alice) == 3 * net(10**6) and held.claimable(bob) == net(10**6)
    held.mint(carol, E18, sender=launchpad)
    assert held.claimable(carol) == net(10**6)


# =============================================================== fees and sync


def test_withdraw_fees_eth(held, payer, fee_sink, bob, alice):
    pay_eth(held, payer, 4 * 10**6)
    before = fee_sink.balance
    tx = held.withdraw_fees(ETH, sender=bob)
    fee = 4 * 10**6 * INITIAL_FEE_BPS // BPS
    assert tx.return_value == fee
    [log] = tx.events.filter(held.FeesWithdrawn)
    assert (log.asset, log.recipient, log.amount) == (ETH, fee_sink.address, fee)
    assert fee_sink.balance == before + fee
    assert held.fees_owed(ETH) == 0
    assert held.claimable(alice) == 3 * net(10**6)  # holders unaffected
    with ape.reverts("revenue: no fees"):
        held.withdraw_fees(ETH, sender=bob)


def test_withdraw_fees_token_to_the_current_recipient(held, fmc, funded, revenue_config, owner, carol, bob):
    fmc.approve(held, 4 * 10**6, sender=funded)
    held.pay(fmc, 4 * 10**6, sender=funded)
    revenue_config.set_fee_recipient(carol, sender=owner)
    held.withdraw_fees(fmc, sender=bob)
    assert fmc.balanceOf(carol) == 4 * 10**6 * INITIAL_FEE_BPS // BPS


def test_withdraw_fees_to_a_recipient_that_rejects(project, held, payer, revenue_config, owner, deployer, bob):
    wallet = project.MockHolder.deploy(sender=deployer)
    wallet.set_behaviour(True, ZERO, b"", sender=deployer)
    revenue_config.set_fee_recipient(wallet, sender=owner)
    pay_eth(held, payer, 4 * 10**6)
    with ape.reverts("revenue: ETH transfer failed"):
        held.withdraw_fees(ETH, sender=bob)


def test_fee_change_applies_from_the_next_settlement(held, payer, revenue_config, owner, alice, bob):
    pay_eth(held, payer, 4 * 10**6)
    revenue_config.set_fee_bps(MAX_FEE_BPS, sender=owner)
    assert held.fee_bps() == INITIAL_FEE_BPS
    assert held.claimable(alice) == 3 * net(10**6)
    tx = held.sync(sender=bob)
    [log] = tx.events.filter(held.FeeUpdated)
    assert log.fee_bps == MAX_FEE_BPS == held.fee_bps()
    assert held.claimable(alice) == 3 * net(10**6)  # settled at the old fee
    pay_eth(held, payer, 4 * 10**6)
    assert held.claimable(alice) == 3 * net(10**6) + 3 * net(10**6, MAX_FEE_BPS)
    assert held.fees_owed(ETH) == 4 * 10**6 * (INITIAL_FEE_BPS + MAX_FEE_BPS) // BPS


def test_sync_without_change_keeps_everything(held, payer, alice):
    pay_eth(held, payer, 4 * 10**6)
    before = (held.claimable(alice), held.acc_per_share(ETH), held.fees_owed(ETH))
    tx = held.sync(sender=alice)
    assert not list(tx.events.filter(held.FeeUpdated))
    assert (held.claimable(alice), held.acc_per_share(ETH), held.fees_owed(ETH)) == before
    assert held.pending_revenue(ETH) == 0


# =============================================================== rounding


def test_dust_stays_bounded(held, launchpad, payer, alice, bob, carol):
    """Odd amounts over an odd supply: every holder is within the stated bound of its exact
    entitlement, and what the holders and the protocol can take never exceeds the balance."""
    held.mint(carol, 7, sender=launchpad)  # supply 4e18 + 7
    supply = 4 * E18 + 7
    total = 0
    for amount in (1, 3, 999_999, 7):
        pay_eth(held, payer, amount)
        total += amount
        held.sync(sender=alice)  # one settlement per payment: the worst case for rounding
    n = net(1) + net(3) + net(999_999) + net(7)
    owed = sum(held.claimable(h) for h in (alice, bob, carol)) + held.fees_owed(ETH)
    assert owed <= held.balance == total
    for h, b in ((alice, 3 * E18), (bob, E18), (carol, 7)):
        exact = Fraction(b * n, supply)
        # four settled intervals and the current one, no share movement since the mint
        assert exact - 1 - Fraction(5 * b, ACC_SCALE) < held.claimable(h) <= exact
