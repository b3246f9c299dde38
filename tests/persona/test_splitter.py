"""RevenueSplitter: unit tests for every external function and every revert path.

Setup used throughout (unless a test says otherwise): persona `pid` with shares
alice 300, bob 100 (supply 400), fee 5% (500 bps) to `fee_sink`.
A payment of 1000 therefore yields fee 50, net 950: alice 712.5, bob 237.5.
"""

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st

from persona_helpers import ACC_SCALE, BPS, ETH, INITIAL_FEE_BPS, MAX_ASSETS, MAX_FEE_BPS, ZERO

MAX_REVENUE = (2**256 - 1) // ACC_SCALE


@pytest.fixture
def holders(share, launchpad, alice, bob):
    """alice 300 shares, bob 100."""
    share.mint(alice, 300, sender=launchpad)
    share.mint(bob, 100, sender=launchpad)
    return share


@pytest.fixture(scope="module")
def fmc_payer(fmc, fund, payer, splitter):
    """`payer` holds 10^24 FMC and has approved the splitter."""
    fund(fmc, payer, 10**24)
    fmc.approve(splitter, 2**256 - 1, sender=payer)
    return payer


@pytest.fixture
def otk(other_token, splitter, owner, payer):
    """The second token, allowed by the owner; `payer` holds and approved plenty."""
    splitter.set_asset_allowed(other_token, True, sender=owner)
    other_token.mint(payer, 2 * MAX_REVENUE, sender=payer)
    other_token.approve(splitter, 2**256 - 1, sender=payer)
    return other_token


def eth_claim(splitter, pid, account):
    """Claims ETH for `account` and returns what arrived net of gas."""
    before = account.balance
    tx = splitter.claim(pid, ETH, sender=account)
    return account.balance - before + tx.total_fees_paid


# --------------------------------------------------------------- constructor


def test_constructor(splitter, owner, registry, fmc, fee_sink):
    assert splitter.owner() == owner
    assert splitter.registry() == registry.address
    assert splitter.fee_bps() == INITIAL_FEE_BPS
    assert splitter.fee_recipient() == fee_sink
    assert splitter.assets() == [ETH, fmc.address]
    assert splitter.asset_list(0) == ETH
    assert splitter.is_allowed(ETH) and splitter.is_allowed(fmc)
    assert splitter.ACC_SCALE() == ACC_SCALE
    assert splitter.MAX_FEE_BPS() == MAX_FEE_BPS
    assert splitter.MAX_ASSETS() == MAX_ASSETS
    assert splitter.MAX_REVENUE() == MAX_REVENUE


@pytest.mark.parametrize(
    "index,reason",
    [
        (0, "revenue: zero owner"),
        (1, "revenue: zero registry"),
        (2, "revenue: zero FMC"),
        (3, "revenue: zero fee recipient"),
    ],
)
def test_constructor_rejects_zero_addresses(project, owner, registry, fmc, fee_sink, index, reason):
    args = [owner, registry, fmc, fee_sink, 0]
    args[index] = ZERO
    with ape.reverts(reason):
        project.RevenueSplitter.deploy(*args, sender=owner)


def test_constructor_fee_bound(project, owner, registry, fmc, fee_sink):
    project.RevenueSplitter.deploy(owner, registry, fmc, fee_sink, MAX_FEE_BPS, sender=owner)
    with ape.reverts("revenue: fee above maximum"):
        project.RevenueSplitter.deploy(owner, registry, fmc, fee_sink, MAX_FEE_BPS + 1, sender=owner)


# --------------------------------------------------------------- pay_eth


def test_pay_eth_splits_fee_and_accrues(splitter, holders, pid, payer, alice, bob):
    """fee = amount * fee_bps // 10000; the rest moves the accumulator by net * 1e36 // supply."""
    tx = splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.fees_accrued(ETH) == 50
    assert splitter.acc_per_share(pid, ETH) == 950 * ACC_SCALE // 400
    assert splitter.revenue_of(pid, ETH) == 1000
    assert splitter.persona_assets(pid) == [ETH]
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, bob) == 237
    assert splitter.balance == 1000
    assert tx.events == [
        splitter.RevenuePaid(persona_id=pid, asset=ETH, payer=payer, amount=1000, fee=50),
        splitter.RevenueDistributed(
            persona_id=pid, asset=ETH, amount=950, share_supply=400, acc_per_share=950 * ACC_SCALE // 400
        ),
    ]


def test_pay_eth_zero(splitter, holders, pid, payer):
    with ape.reverts("revenue: zero amount"):
        splitter.pay_eth(pid, value=0, sender=payer)


def test_pay_eth_unknown_persona(splitter, registry, payer):
    with ape.reverts("revenue: unknown persona"):
        splitter.pay_eth(registry.persona_count() + 1, value=1, sender=payer)


def test_pay_retired_persona_still_accrues(splitter, registry, holders, owner, pid, payer, alice):
    """Retirement stops nothing here: holders of a retired persona still get its revenue."""
    registry.set_status(pid, 2, sender=owner)
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.claimable(pid, ETH, alice) == 712


def test_plain_eth_transfer_rejected(splitter, payer):
    """No fallback: ETH enters only through pay_eth (and is then accounted)."""
    with ape.reverts():
        payer.transfer(splitter, 1)


# --------------------------------------------------------------- pay (ERC-20)


def test_pay_token(splitter, holders, fmc, fmc_payer, pid, alice, bob):
    tx = splitter.pay(pid, fmc, 1000, sender=fmc_payer)
    assert fmc.balanceOf(splitter) == 1000
    assert splitter.fees_accrued(fmc) == 50
    assert splitter.claimable(pid, fmc, alice) == 712
    assert splitter.claimable(pid, fmc, bob) == 237
    assert splitter.persona_assets(pid) == [fmc.address]
    assert tx.events.filter(splitter.RevenuePaid) == [
        splitter.RevenuePaid(persona_id=pid, asset=fmc, payer=fmc_payer, amount=1000, fee=50)
    ]


def test_pay_token_eth_path(splitter, holders, pid, payer):
    with ape.reverts("revenue: use pay_eth for ETH"):
        splitter.pay(pid, ETH, 1, sender=payer)


def test_pay_token_zero(splitter, holders, fmc, fmc_payer, pid):
    with ape.reverts("revenue: zero amount"):
        splitter.pay(pid, fmc, 0, sender=fmc_payer)


def test_pay_token_not_allowed(splitter, holders, other_token, pid, payer):
    with ape.reverts("revenue: asset not allowed"):
        splitter.pay(pid, other_token, 1, sender=payer)


def test_pay_token_unknown_persona(splitter, registry, fmc, fmc_payer):
    with ape.reverts("revenue: unknown persona"):
        splitter.pay(registry.persona_count() + 1, fmc, 1, sender=fmc_payer)


def test_pay_token_without_allowance(splitter, holders, otk, pid, bob):
    otk.mint(bob, 10, sender=bob)
    with ape.reverts("erc20: insufficient allowance"):
        splitter.pay(pid, otk, 10, sender=bob)


def test_pay_fee_on_transfer_token(splitter, holders, otk, pid, payer):
    """Holders must never be credited more than the contract received."""
    otk.set_transfer_fee_bps(1, sender=payer)
    with ape.reverts("revenue: token delivered a different amount"):
        splitter.pay(pid, otk, 10**6, sender=payer)


def test_revenue_limit(splitter, holders, otk, pid, payer, alice):
    """A (persona, asset) accepts at most MAX_REVENUE in total, which keeps every
    balance * accumulator product (hook, claims) below 2^256."""
    splitter.pay(pid, otk, MAX_REVENUE, sender=payer)
    with ape.reverts("revenue: revenue limit reached"):
        splitter.pay(pid, otk, 1, sender=payer)
    # the hook and claims still work at the limit
    holders.transfer(alice, 1, sender=alice)
    assert splitter.claim(pid, otk, sender=alice).events.filter(splitter.Claimed)[0].amount > 0


# --------------------------------------------------------------- zero supply: held, then distributed


def test_zero_supply_payment_is_held(splitter, share, pid, payer):
    """With no shares, the fee is still charged and the net amount is held, not lost."""
    tx = splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.undistributed(pid, ETH) == 950
    assert splitter.acc_per_share(pid, ETH) == 0
    assert splitter.fees_accrued(ETH) == 50
    assert tx.events.filter(splitter.RevenueHeld) == [
        splitter.RevenueHeld(persona_id=pid, asset=ETH, amount=950, total_held=950)
    ]


def test_held_revenue_goes_out_with_next_payment(splitter, share, launchpad, pid, payer, alice):
    splitter.pay_eth(pid, value=1000, sender=payer)
    share.mint(alice, 10, sender=launchpad)
    splitter.pay_eth(pid, value=100, sender=payer)
    assert splitter.undistributed(pid, ETH) == 0
    assert splitter.claimable(pid, ETH, alice) == 950 + 95


def test_distribute_held(splitter, share, launchpad, pid, payer, alice, bob):
    splitter.pay_eth(pid, value=1000, sender=payer)
    share.mint(alice, 10, sender=launchpad)
    tx = splitter.distribute_held(pid, ETH, sender=bob)
    assert splitter.undistributed(pid, ETH) == 0
    assert splitter.claimable(pid, ETH, alice) == 950
    assert tx.events == [
        splitter.RevenueDistributed(
            persona_id=pid, asset=ETH, amount=950, share_supply=10, acc_per_share=950 * ACC_SCALE // 10
        )
    ]


def test_distribute_held_reverts(splitter, share, registry, launchpad, pid, payer, alice):
    with ape.reverts("revenue: unknown persona"):
        splitter.distribute_held(registry.persona_count() + 1, ETH, sender=alice)
    with ape.reverts("revenue: nothing held"):
        splitter.distribute_held(pid, ETH, sender=alice)
    splitter.pay_eth(pid, value=1000, sender=payer)
    with ape.reverts("revenue: no shares"):
        splitter.distribute_held(pid, ETH, sender=alice)


def test_all_shares_burnt_then_revenue_held(splitter, holders, pid, payer, alice, bob):
    """Burning every share returns the persona to the held regime; burners keep what accrued."""
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.burn(300, sender=alice)
    holders.burn(100, sender=bob)
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.undistributed(pid, ETH) == 950
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, bob) == 237


# --------------------------------------------------------------- the hook


def test_hook_before_any_revenue_is_a_no_op(splitter, share, launchpad, pid, alice):
    """Before the persona received anything the hook has nothing to credit and logs nothing."""
    tx = share.mint(alice, 1, sender=launchpad)
    assert tx.events.filter(splitter.SharesCheckpointed) == []


def test_hook_only_from_share_token(splitter, holders, pid, alice, bob):
    with ape.reverts("revenue: caller is not the persona's share token"):
        splitter.on_share_transfer(pid, alice, bob, sender=alice)


def test_hook_unknown_persona(splitter, registry, alice, bob):
    with ape.reverts("revenue: caller is not the persona's share token"):
        splitter.on_share_transfer(registry.persona_count() + 1, alice, bob, sender=alice)


def test_hook_other_persona_share_rejected(accounts, splitter, make_persona, holders, pid, alice, bob):
    """Persona 2's share token (impersonated on anvil) cannot checkpoint persona 1;
    the genuine share token of persona 1 can."""
    _, other_share = make_persona(name="Echo", symbol="ECHO")
    impostor = accounts[other_share.address]
    impostor.balance = 10**18
    with ape.reverts("revenue: caller is not the persona's share token"):
        splitter.on_share_transfer(pid, alice, bob, sender=impostor)
    genuine = accounts[holders.address]
    genuine.balance = 10**18
    splitter.on_share_transfer(pid, alice, bob, sender=genuine)


def test_transfer_keeps_past_revenue_with_sender(splitter, holders, pid, payer, alice, carol):
    """Revenue accrued before a transfer stays with the old holder; the receiver earns from then on."""
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.transfer(carol, 300, sender=alice)
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, carol) == 0
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, carol) == 712


def test_transfer_from_keeps_past_revenue_with_owner(splitter, holders, pid, payer, alice, bob, carol):
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.approve(carol, 300, sender=alice)
    holders.transferFrom(alice, carol, 300, sender=carol)
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, carol) == 0


def test_mint_does_not_dilute_past_revenue(splitter, holders, launchpad, pid, payer, alice, carol):
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.mint(carol, 400, sender=launchpad)
    assert splitter.claimable(pid, ETH, carol) == 0
    assert splitter.claimable(pid, ETH, alice) == 712
    splitter.pay_eth(pid, value=1000, sender=payer)  # supply 800 now
    assert splitter.claimable(pid, ETH, carol) == 475
    assert splitter.claimable(pid, ETH, alice) == 712 + 356  # 712.5 + 356.25 -> 1068


def test_burn_keeps_past_revenue(splitter, holders, pid, payer, alice, bob):
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.burn(300, sender=alice)
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, ETH, bob) == 237 + 950


def test_self_transfer_changes_nothing(splitter, holders, pid, payer, alice):
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.transfer(alice, 300, sender=alice)
    assert splitter.claimable(pid, ETH, alice) == 712


def test_hook_iterates_every_received_asset(splitter, holders, fmc, fmc_payer, pid, payer, alice, carol):
    """A transfer checkpoints ETH and FMC alike (one SharesCheckpointed event)."""
    splitter.pay_eth(pid, value=1000, sender=payer)
    splitter.pay(pid, fmc, 2000, sender=fmc_payer)
    tx = holders.transfer(carol, 300, sender=alice)
    assert tx.events.filter(splitter.SharesCheckpointed) == [
        splitter.SharesCheckpointed(persona_id=pid, sender=alice, receiver=carol)
    ]
    assert splitter.claimable(pid, ETH, alice) == 712
    assert splitter.claimable(pid, fmc, alice) == 1425
    assert splitter.claimable(pid, ETH, carol) == 0
    assert splitter.claimable(pid, fmc, carol) == 0


# --------------------------------------------------------------- claim


def test_claim_eth(splitter, holders, pid, payer, alice):
    splitter.pay_eth(pid, value=1000, sender=payer)
    before = alice.balance
    tx = splitter.claim(pid, ETH, sender=alice)
    assert alice.balance - before + tx.total_fees_paid == 712
    assert splitter.claimable(pid, ETH, alice) == 0
    assert tx.events == [splitter.Claimed(persona_id=pid, asset=ETH, holder=alice, amount=712)]


def test_claim_token(splitter, holders, fmc, fmc_payer, pid, bob):
    splitter.pay(pid, fmc, 1000, sender=fmc_payer)
    splitter.claim(pid, fmc, sender=bob)
    assert fmc.balanceOf(bob) == 237
    assert splitter.claimable(pid, fmc, bob) == 0


def test_claim_keeps_sub_unit_remainder(splitter, holders, pid, payer, alice):
    """Claims pay whole units and keep the fraction: 712.5 + 712.5 is paid as 712 then 713."""
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert eth_claim(splitter, pid, alice) == 712
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.claimable(pid, ETH, alice) == 713
    assert eth_claim(splitter, pid, alice) == 713


def test_claim_by_former_holder(splitter, holders, pid, payer, alice, carol):
    splitter.pay_eth(pid, value=1000, sender=payer)
    holders.transfer(carol, 300, sender=alice)
    assert eth_claim(splitter, pid, alice) == 712


def test_claim_nothing(splitter, holders, pid, carol, alice):
    with ape.reverts("revenue: nothing to claim"):
        splitter.claim(pid, ETH, sender=carol)
    with ape.reverts("revenue: nothing to claim"):
        splitter.claim(pid, ETH, sender=alice)


def test_claim_twice(splitter, holders, pid, payer, alice):
    splitter.pay_eth(pid, value=1000, sender=payer)
    splitter.claim(pid, ETH, sender=alice)
    with ape.reverts("revenue: nothing to claim"):
        splitter.claim(pid, ETH, sender=alice)


def test_claim_unknown_persona(splitter, registry, alice):
    with ape.reverts("revenue: unknown persona"):
        splitter.claim(registry.persona_count() + 1, ETH, sender=alice)


def test_claim_eth_receiver_rejects(project, splitter, share, launchpad, pid, payer, alice):
    """A contract holder that refuses ETH cannot claim ETH, and its credit is not lost."""
    holder = project.MockHolder.deploy(sender=alice)
    share.mint(holder, 10, sender=launchpad)
    splitter.pay_eth(pid, value=1000, sender=payer)
    holder.set_behaviour(True, ZERO, b"", sender=alice)
    with ape.reverts("revenue: ETH transfer failed"):
        holder.execute(splitter, splitter.claim.encode_input(pid, ETH), sender=alice)
    assert splitter.claimable(pid, ETH, holder) == 950
    holder.set_behaviour(False, ZERO, b"", sender=alice)
    holder.execute(splitter, splitter.claim.encode_input(pid, ETH), sender=alice)
    assert holder.balance == 950


@pytest.mark.parametrize("reentry", ["claim", "claim_many", "withdraw_fees", "share_transfer"])
def test_claim_reentrancy_blocked(project, splitter, share, launchpad, pid, payer, alice, reentry):
    """A holder that re-enters while receiving ETH (the splitter, or the share token whose
    hook calls the splitter) makes the whole claim revert; nothing changes. Without the
    lock, claim_many / withdraw_fees / a share transfer would have succeeded."""
    holder = project.MockHolder.deploy(sender=alice)
    share.mint(holder, 10, sender=launchpad)
    splitter.pay_eth(pid, value=1000, sender=payer)
    target, data = {
        "claim": (splitter, splitter.claim.encode_input(pid, ETH)),
        "claim_many": (splitter, splitter.claim_many.encode_input(pid, [ETH])),
        "withdraw_fees": (splitter, splitter.withdraw_fees.encode_input(ETH)),
        "share_transfer": (share, share.transfer.encode_input(alice, 1)),
    }[reentry]
    holder.set_behaviour(False, target, data, sender=alice)
    with ape.reverts("revenue: ETH transfer failed"):
        holder.execute(splitter, splitter.claim.encode_input(pid, ETH), sender=alice)
    assert splitter.claimable(pid, ETH, holder) == 950
    assert splitter.fees_accrued(ETH) == 50
    assert share.balanceOf(holder) == 10
    assert splitter.balance == 1000


# --------------------------------------------------------------- claim_many


def test_claim_many(splitter, holders, fmc, fmc_payer, pid, payer, alice):
    splitter.pay_eth(pid, value=1000, sender=payer)
    splitter.pay(pid, fmc, 2000, sender=fmc_payer)
    before = alice.balance
    tx = splitter.claim_many(pid, [ETH, fmc], sender=alice)
    assert alice.balance - before + tx.total_fees_paid == 712
    assert fmc.balanceOf(alice) == 1425
    assert tx.events.filter(splitter.Claimed) == [
        splitter.Claimed(persona_id=pid, asset=ETH, holder=alice, amount=712),
        splitter.Claimed(persona_id=pid, asset=fmc, holder=alice, amount=1425),
    ]


def test_claim_many_skips_empty_and_duplicates(splitter, holders, fmc, fmc_payer, pid, alice):
    """Nothing to claim in ETH, FMC listed twice: paid once, no revert."""
    splitter.pay(pid, fmc, 2000, sender=fmc_payer)
    splitter.claim_many(pid, [ETH, fmc, fmc], sender=alice)
    assert fmc.balanceOf(alice) == 1425
    splitter.claim_many(pid, [ETH, fmc], sender=alice)  # all zero: still no revert
    assert fmc.balanceOf(alice) == 1425


def test_claim_many_unknown_persona(splitter, registry, alice):
    with ape.reverts("revenue: unknown persona"):
        splitter.claim_many(registry.persona_count() + 1, [ETH], sender=alice)


# --------------------------------------------------------------- fees


def test_withdraw_fees(splitter, holders, fmc, fmc_payer, pid, payer, fee_sink, carol):
    """Anyone may push accrued fees to the fee recipient."""
    splitter.pay_eth(pid, value=1000, sender=payer)
    splitter.pay(pid, fmc, 1000, sender=fmc_payer)
    before = fee_sink.balance
    tx = splitter.withdraw_fees(ETH, sender=carol)
    assert fee_sink.balance - before == 50
    assert splitter.fees_accrued(ETH) == 0
    assert tx.events == [splitter.FeesWithdrawn(asset=ETH, recipient=fee_sink, amount=50)]
    splitter.withdraw_fees(fmc, sender=carol)
    assert fmc.balanceOf(fee_sink) == 50


def test_withdraw_fees_none(splitter, carol):
    with ape.reverts("revenue: no fees"):
        splitter.withdraw_fees(ETH, sender=carol)


def test_withdraw_fees_goes_to_current_recipient(splitter, holders, owner, pid, payer, carol):
    splitter.pay_eth(pid, value=1000, sender=payer)
    splitter.set_fee_recipient(carol, sender=owner)
    before = carol.balance
    splitter.withdraw_fees(ETH, sender=payer)
    assert carol.balance - before == 50


def test_set_fee_bps(splitter, holders, owner, pid, payer, alice):
    tx = splitter.set_fee_bps(MAX_FEE_BPS, sender=owner)
    assert splitter.fee_bps() == MAX_FEE_BPS
    assert tx.events == [splitter.FeeChanged(previous_fee_bps=INITIAL_FEE_BPS, new_fee_bps=MAX_FEE_BPS)]
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.fees_accrued(ETH) == 100
    splitter.set_fee_bps(0, sender=owner)
    splitter.pay_eth(pid, value=1000, sender=payer)
    assert splitter.fees_accrued(ETH) == 100
    assert splitter.claimable(pid, ETH, alice) == 675 + 750


def test_set_fee_bps_bounds(splitter, owner, alice):
    with ape.reverts("revenue: fee above maximum"):
        splitter.set_fee_bps(MAX_FEE_BPS + 1, sender=owner)
    with ape.reverts("ownable: caller is not the owner"):
        splitter.set_fee_bps(0, sender=alice)


def test_fee_rounds_down(splitter, holders, pid, payer):
    """fee = floor(amount * bps / 10000): 19 wei at 5% pays 0 fee."""
    splitter.pay_eth(pid, value=19, sender=payer)
    assert splitter.fees_accrued(ETH) == 0
    splitter.pay_eth(pid, value=20, sender=payer)
    assert splitter.fees_accrued(ETH) == 1


def test_set_fee_recipient(splitter, owner, fee_sink, carol):
    tx = splitter.set_fee_recipient(carol, sender=owner)
    assert splitter.fee_recipient() == carol
    assert tx.events == [splitter.FeeRecipientChanged(previous_recipient=fee_sink, new_recipient=carol)]


def test_set_fee_recipient_reverts(splitter, owner, carol):
    with ape.reverts("revenue: zero fee recipient"):
        splitter.set_fee_recipient(ZERO, sender=owner)
    with ape.reverts("ownable: caller is not the owner"):
        splitter.set_fee_recipient(carol, sender=carol)


# --------------------------------------------------------------- assets


def test_allow_and_disallow_asset(splitter, holders, owner, other_token, pid, payer, alice):
    """Disallowing stops payments, keeps the asset listed and its accruals claimable."""
    tx = splitter.set_asset_allowed(other_token, True, sender=owner)
    assert tx.events == [splitter.AssetAllowed(asset=other_token, allowed=True)]
    assert splitter.assets()[-1] == other_token.address
    other_token.mint(payer, 1000, sender=payer)
    other_token.approve(splitter, 1000, sender=payer)
    splitter.pay(pid, other_token, 1000, sender=payer)

    splitter.set_asset_allowed(other_token, False, sender=owner)
    assert not splitter.is_allowed(other_token)
    assert other_token.address in splitter.assets()
    with ape.reverts("revenue: asset not allowed"):
        splitter.pay(pid, other_token, 1, sender=payer)
    splitter.claim(pid, other_token, sender=alice)
    assert other_token.balanceOf(alice) == 712

    count = len(splitter.assets())
    splitter.set_asset_allowed(other_token, True, sender=owner)
    assert len(splitter.assets()) == count, "re-allowing takes no new slot"


def test_asset_limit(project, splitter, owner, deployer):
    """At most MAX_ASSETS (ETH and FMC included) can ever be listed."""
    for i in range(MAX_ASSETS - 2):
        tok = project.MockERC20.deploy(f"T{i}", f"T{i}", sender=deployer)
        splitter.set_asset_allowed(tok, True, sender=owner)
    assert len(splitter.assets()) == MAX_ASSETS
    extra = project.MockERC20.deploy("X", "X", sender=deployer)
    with ape.reverts("revenue: asset limit reached"):
        splitter.set_asset_allowed(extra, True, sender=owner)
    # disallowing does not free a slot
    splitter.set_asset_allowed(splitter.asset_list(MAX_ASSETS - 1), False, sender=owner)
    with ape.reverts("revenue: asset limit reached"):
        splitter.set_asset_allowed(extra, True, sender=owner)


def test_set_asset_allowed_reverts(splitter, owner, fmc, other_token, alice):
    with ape.reverts("revenue: ETH is always allowed"):
        splitter.set_asset_allowed(ETH, False, sender=owner)
    with ape.reverts("revenue: status unchanged"):
        splitter.set_asset_allowed(fmc, True, sender=owner)
    with ape.reverts("revenue: status unchanged"):
        splitter.set_asset_allowed(other_token, False, sender=owner)
    with ape.reverts("ownable: caller is not the owner"):
        splitter.set_asset_allowed(other_token, True, sender=alice)


# --------------------------------------------------------------- views, ownership


def test_claimable_unknown_persona(splitter, registry, alice):
    assert splitter.claimable(registry.persona_count() + 1, ETH, alice) == 0


def test_persona_assets_in_order_of_first_payment(splitter, holders, fmc, fmc_payer, pid, payer):
    assert splitter.persona_assets(pid) == []
    splitter.pay(pid, fmc, 10, sender=fmc_payer)
    splitter.pay_eth(pid, value=10, sender=payer)
    splitter.pay(pid, fmc, 10, sender=fmc_payer)
    assert splitter.persona_assets(pid) == [fmc.address, ETH]


def test_two_step_ownership(splitter, owner, alice):
    splitter.transfer_ownership(alice, sender=owner)
    with ape.reverts("ownable: caller is not the owner"):
        splitter.set_fee_bps(0, sender=alice)
    splitter.accept_ownership(sender=alice)
    splitter.set_fee_bps(0, sender=alice)
    assert splitter.owner() == alice


# --------------------------------------------------------------- the dust bound


def test_dust_bound_at_max_supply(splitter, make_persona, launchpad, owner, payer, alice, bob):
    """Worst case of the stated bound: supply at the 1e30 limit, a 1-share holder and a
    1-wei distribution. Entitlement E = 1e-30 wei; paid 0; shortfall < 1 + b/1e36 wei."""
    p, tok = make_persona(max_supply=10**30, name="Big", symbol="BIG")
    splitter.set_fee_bps(0, sender=owner)
    tok.mint(alice, 1, sender=launchpad)
    tok.mint(bob, 10**30 - 1, sender=launchpad)
    splitter.pay_eth(p, value=1, sender=payer)
    assert splitter.acc_per_share(p, ETH) == 10**6  # 1 * 1e36 // 1e30, exact
    assert splitter.claimable(p, ETH, alice) == 0
    assert splitter.claimable(p, ETH, bob) == 0  # 0.999... wei: the sub-unit part stays credited
    for _ in range(2):
        splitter.pay_eth(p, value=1, sender=payer)
    assert splitter.claimable(p, ETH, bob) == 2  # 2.999... wei


@given(
    supply_extra=st.integers(0, 10**30 - 1),
    balance=st.integers(1, 10**29),
    amount=st.integers(1, 10**21),  # up to 1000 ETH (the payer holds 10,000)
)
def test_dust_bound_one_payment(chain, splitter, make_persona, launchpad, owner, payer, alice, bob, supply_extra, balance, amount):
    """For any supply S <= 1e30 (the share limit), balance b and payment D (fee 0):
    E - 1 - b/1e36 < claimable <= E where E = b * D / S; and the sum of all holders'
    claimables never exceeds D."""
    snap = chain.snapshot()
    try:
        p, share = make_persona(max_supply=10**30, name="Big", symbol="BIG")
        splitter.set_fee_bps(0, sender=owner)
        share.mint(alice, balance, sender=launchpad)
        other = min(supply_extra, 10**30 - balance)
        if other:
            share.mint(bob, other, sender=launchpad)
        supply = balance + other
        splitter.pay_eth(p, value=amount, sender=payer)
        got = splitter.claimable(p, ETH, alice)
        # integers only: E*S*1e36 vs got*S*1e36
        exact_num = balance * amount * ACC_SCALE  # = E * S * 1e36
        assert got * supply * ACC_SCALE <= exact_num
        assert (got + 1) * supply * ACC_SCALE + balance * supply > exact_num
        assert got + splitter.claimable(p, ETH, bob) <= amount
    finally:
        chain.restore(snap)
