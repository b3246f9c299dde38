"""Voting setup for the Reputation tests.

After `voters`: alice holds 10M FMC (weight capped at 1_000), bob 4_900 FMC
(weight 70), carol 3 FMC (weight 1), all self-delegated; the stranger holds
0.5 FMC, delegated (weight 0). The chain is moved to the start of epoch 1,
so every rating snapshot (epoch start - 1) sees these votes.
"""

import pytest

from ..helpers import HOLDER_BALANCE, TOKEN

EPOCH = 7 * 86400


@pytest.fixture(scope="module")
def voters(chain, fmc, reputation, deployer, alice, bob, carol, stranger):
    fmc.transfer(deployer, HOLDER_BALANCE - 4_900 * TOKEN, sender=bob)
    fmc.transfer(deployer, HOLDER_BALANCE - 3 * TOKEN, sender=carol)
    fmc.transfer(stranger, TOKEN // 2, sender=deployer)
    for holder in (alice, bob, carol, stranger):
        # ape contract instances have a `delegate` property of their own: call the ERC-5805 method by name
        fmc.invoke_transaction("delegate", holder, sender=holder)
    chain.pending_timestamp = reputation.GENESIS() + EPOCH
    chain.mine()
    return {"alice": alice, "bob": bob, "carol": carol, "stranger": stranger}
