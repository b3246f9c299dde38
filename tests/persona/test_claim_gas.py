"""Gas of claim (and of pay and of a share transfer) does not depend on the holder count.

Method: a persona is launched through MockShareFactory (create_from_blueprint, the
factory is the minter). alice holds 100 shares next to 9 other holders (10 holders).
We measure a claim, a payment and a transfer with 10 holders, then mint 100 shares
to each of OTHER_HOLDERS more holders (honestly: distinct addresses with real
balances, each mint settling the persona's revenue, MINT_BATCH per transaction),
and measure the same operations again.

OTHER_HOLDERS is 1,000 under the default hypothesis profile (about ten seconds) and
10,000 under the `deep` profile (`make test-deep`; about a minute on anvil). The
claim is the same whatever the count, because the equality below is exact: a
dependence on the holder count would show up at 1,000 as surely as at 10,000.

For the comparison to be exact, both measurements touch storage in the same way
(cold/warm, zero/non-zero): a warm-up round runs first each time (the mints settle the
persona, which zeroes what a payment then writes), payment amounts are chosen so that
alice's share is a whole number of wei with no rounding in the accumulator, and each
measured transfer goes to a fresh address. The gas used must then be IDENTICAL:
nothing on these paths loops over, or reads anything sized by, the holders.
"""

import os

import pytest

OTHER_HOLDERS = 10_000 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else 1_000
MINT_BATCH = 250
SHARES_EACH = 100 * 10**18  # 100 whole shares (revenue is distributed from one share of supply up)


@pytest.fixture
def launched(project, registry, revenue_config, factory, owner, alice, fmc, fund, payer):
    registry.set_registrar(factory, sender=owner)
    expected = registry.persona_count() + 1
    tx = factory.launch(registry, "Gas Shares", "GAS", "cid", revenue_config, 10**30, sender=alice)
    share = project.PersonaShare.at(tx.events.filter(factory.ShareCreated)[0].share)
    assert registry.share_token_of(expected) == share.address
    fund(fmc, payer, 10**25)
    fmc.approve(share, 2**256 - 1, sender=payer)
    return expected, share


def execution_gas(tx):
    """Gas used minus the intrinsic cost (21000 + 4 per zero / 16 per non-zero calldata
    byte): the calldata of pay(..., amount) differs with the amount, execution must not."""
    data = bytes(tx.transaction.data)
    zeros = data.count(0)
    return tx.gas_used - 21_000 - 4 * zeros - 16 * (len(data) - zeros)


def measure(fmc, share, payer, alice, bob, amount, fresh):
    """Execution gas of: an ETH payment (a plain transfer), alice's ETH claim, an FMC payment,
    alice's FMC claim, and a share transfer from bob to a fresh address (corrections of both
    holders in both assets)."""
    return {
        "pay_eth": execution_gas(payer.transfer(share, amount)),
        "claim_eth": execution_gas(share.claim(sender=alice)),
        "pay_fmc": execution_gas(share.pay(fmc, amount, sender=payer)),
        "claim_fmc": execution_gas(share.claim_token(fmc, sender=alice)),
        "transfer": execution_gas(share.transfer(fresh, 1, sender=bob)),
    }


def test_gas_independent_of_holder_count(factory, fmc, launched, payer, alice, bob):
    """pay / claim / transfer execution gas with 10 holders == with 10 + OTHER_HOLDERS (exactly)."""
    _, share = launched
    factory.mint(share, alice, SHARES_EACH, sender=alice)
    factory.mint(share, bob, SHARES_EACH, sender=alice)
    factory.mint_many(share, 0x1000, 8, SHARES_EACH, sender=alice)
    supply = 10 * SHARES_EACH
    assert share.totalSupply() == supply

    # 10 holders of 100 shares, fee 5%: 10^18 leaves 9.5e17, alice's tenth is 9.5e16 wei
    # exactly. The warm-up round writes the storage that is fresh only the first time.
    measure(fmc, share, payer, alice, bob, 10**18, "0x" + "aa" * 20)
    small = measure(fmc, share, payer, alice, bob, 10**18, "0x" + "bb" * 20)

    first = 0x100000
    for start in range(0, OTHER_HOLDERS, MINT_BATCH):
        count = min(MINT_BATCH, OTHER_HOLDERS - start)
        factory.mint_many(share, first + start, count, SHARES_EACH, sender=alice)
    supply += OTHER_HOLDERS * SHARES_EACH
    holders = 10 + OTHER_HOLDERS
    assert share.totalSupply() == supply == holders * SHARES_EACH
    assert share.balanceOf(f"0x{first + OTHER_HOLDERS - 1:040x}") == SHARES_EACH

    # 20 * holders * 10^15 leaves 19 * holders * 10^15 after the 5% fee, and alice's
    # 1 / holders of it is 1.9e16 wei exactly.
    amount = 20 * holders * 10**15
    measure(fmc, share, payer, alice, bob, amount, "0x" + "cc" * 20)
    big = measure(fmc, share, payer, alice, bob, amount, "0x" + "dd" * 20)

    print(f"\ngas with 10 holders:     {small}")
    print(f"gas with {OTHER_HOLDERS + 10:,} holders: {big}")
    assert big == small
