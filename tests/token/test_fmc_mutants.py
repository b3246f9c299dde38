"""FMC: burns of the smallest amounts and what they do to votes and history (each test says the
behaviour it checks; test_fmc_unit.py has the rest)."""

from ape import chain


def _delegate(token, delegator, delegatee):
    # ape's instances have a `delegate` property of their own that hides the ABI method
    return token.invoke_transaction("delegate", delegatee, sender=delegator)


def test_burning_one_token_takes_one_vote_and_one_from_the_supply_history(fmc, alice, C):
    """A burn of a single token lowers the holder's delegate's votes and the total-supply
    checkpoint by exactly one."""
    _delegate(fmc, alice, alice)
    receipt = fmc.burn(1, sender=alice)
    assert fmc.getVotes(alice) == C.INITIAL_SUPPLY - 1
    assert [(log.previousVotes, log.newVotes) for log in receipt.events.filter(fmc.DelegateVotesChanged)] == [
        (C.INITIAL_SUPPLY, C.INITIAL_SUPPLY - 1)
    ]
    chain.mine(timestamp=chain.blocks.head.timestamp + 1)
    assert fmc.getPastTotalSupply(receipt.timestamp) == C.INITIAL_SUPPLY - 1


def test_a_zero_burn_writes_no_vote_history(fmc, alice, C):
    """A burn of nothing moves no votes: no DelegateVotesChanged and no new checkpoint."""
    _delegate(fmc, alice, alice)
    before = fmc.numCheckpoints(alice)
    receipt = fmc.burn(0, sender=alice)
    assert list(receipt.events.filter(fmc.DelegateVotesChanged)) == []
    assert fmc.numCheckpoints(alice) == before
    assert fmc.getVotes(alice) == C.INITIAL_SUPPLY
