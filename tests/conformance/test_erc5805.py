"""ERC-5805 (Voting with delegation) conformance of FMC.

FMC is the only contract in scope that claims ERC-5805 (PersonaShare has no votes). Covered:
"Specification" (the delegation mechanism), "Methods" (getVotes, getPastVotes, delegates,
delegate, delegateBySig with its EIP-712 Delegation message and its "if and only if"
conditions, nonces; "Compliant contracts SHOULD implement ERC-6372", see test_erc6372.py),
"Events" (DelegateChanged, DelegateVotesChanged, read from the raw logs so that the indexed
layout of the declarations is checked) and every "Expected properties" item.

Not applicable, and why:
- "If the contract does not implement ERC-6372, it MUST operate according to a block number
  clock": FMC implements ERC-6372 (a timestamp clock).
- "getPastVotes(0,x) SHOULD always return 0 (for all values of x)" is read together with
  "Calling this function with a timepoint that is greater or equal to the current clock SHOULD
  revert", as the "Expected properties" restate it: 0 for every t < clock (tested), a revert
  from the clock on (tested).
- DelegateVotesChanged "MUST be emitted when ... an asset transfer from or to an account that
  is delegated to delegate": the event reports that "delegate available voting power changes",
  so it is tested on transfers that change a delegate's votes; a zero-value transfer, or one
  between two holders with the same delegate, changes no delegate's votes and logs none.
"""

import ape
import pytest
from ape import chain
from conformance_helpers import (
    DAY,
    MAX_UINT256,
    ZERO,
    abi_signatures,
    address,
    decode_data,
    delegate,
    delegation_message,
    in_one_block,
    mine_to,
    now,
    private_key,
    raw_logs,
    set_next,
    sign,
    topic_address,
)

DELEGATE_CHANGED = "DelegateChanged(address,address,address)"
DELEGATE_VOTES_CHANGED = "DelegateVotesChanged(address,uint256,uint256)"


def fmc_domain(fmc, **override):
    domain = {"name": "FameEngine", "version": "1", "chainId": chain.chain_id, "verifyingContract": address(fmc)}
    domain.update(override)
    return domain


def sign_delegation(fmc, signer, delegatee, nonce=None, expiry=None, **override):
    """(nonce, expiry, v, r, s) of `signer`'s Delegation to `delegatee` in FMC's domain."""
    nonce = fmc.nonces(signer) if nonce is None else nonce
    expiry = now() + DAY if expiry is None else expiry
    v, r, s = sign(private_key(signer), delegation_message(fmc_domain(fmc, **override), delegatee, nonce, expiry))
    return nonce, expiry, v, r, s


def delegate_changed(receipt, fmc):
    out = []
    for log in raw_logs(receipt, fmc, DELEGATE_CHANGED):
        assert len(log["topics"]) == 4 and log["data"] == b"", "three indexed addresses"
        out.append(tuple(topic_address(t) for t in log["topics"][1:]))
    return out


def votes_changed(receipt, fmc):
    out = []
    for log in raw_logs(receipt, fmc, DELEGATE_VOTES_CHANGED):
        assert len(log["topics"]) == 2, "delegate indexed, previousBalance and newBalance not"
        out.append((topic_address(log["topics"][1]), *decode_data(["uint256", "uint256"], log["data"])))
    return out


@pytest.fixture
def holders(fmc, alice, bob, carol):
    """bob and carol get 300 and 100 FMC-wei from alice; returns the three balances. Nobody has
    delegated yet."""
    fmc.transfer(bob, 300, sender=alice)
    fmc.transfer(carol, 100, sender=alice)
    return fmc.balanceOf(alice), 300, 100


# --------------------------------------------------------------------------- the interface


def test_erc5805_functions_MUST_be_implemented(fmc):
    """getVotes, getPastVotes, delegates, delegate, delegateBySig, nonces: "This function MUST be
    implemented", each with the declared inputs, outputs and mutability."""
    functions = abi_signatures(fmc, "function")
    expected = {
        "getVotes(address)": (["uint256"], "view"),
        "getPastVotes(address,uint256)": (["uint256"], "view"),
        "delegates(address)": (["address"], "view"),
        "nonces(address)": (["uint256"], "view"),
        "delegate(address)": ([], "nonpayable"),
        "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)": ([], "nonpayable"),
    }
    for signature, (outputs, mutability) in expected.items():
        assert signature in functions, signature
        assert [o.type for o in functions[signature].outputs] == outputs, signature
        assert functions[signature].stateMutability == mutability, signature


def test_erc5805_events_are_declared_as_specified(fmc):
    """Events: DelegateChanged(address indexed delegator, address indexed fromDelegate, address
    indexed toDelegate) and DelegateVotesChanged(address indexed delegate, uint256 previousBalance,
    uint256 newBalance)."""
    events = abi_signatures(fmc, "event")
    assert [i.indexed for i in events[DELEGATE_CHANGED].inputs] == [True, True, True]
    assert [i.indexed for i in events[DELEGATE_VOTES_CHANGED].inputs] == [True, False, False]


def test_erc5805_compliant_contracts_SHOULD_implement_ERC6372(fmc):
    """ "Compliant contracts SHOULD implement ERC-6372 (Contract clock) to announce the clock that is
    used for vote tracking." (its clauses: test_erc6372.py)."""
    functions = abi_signatures(fmc, "function")
    assert "clock()" in functions and "CLOCK_MODE()" in functions
    assert fmc.clock() == chain.blocks.head.timestamp


# --------------------------------------------------------------------------- the mechanism


def test_erc5805_assets_cannot_express_voting_power_unless_delegated(fmc, holders, alice):
    """Specification: "Assets held by the user cannot express their voting power unless they are
    delegated." -- a holder that never delegated has no votes, not even its own."""
    assert fmc.balanceOf(alice) > 0 and fmc.delegates(alice) == ZERO
    assert fmc.getVotes(alice) == 0


def test_erc5805_delegation_adds_balance_to_delegatee_and_moves_on_change(fmc, holders, alice, bob, carol):
    """Specification: "When a "delegator" delegates its tokens voting power to a "delegatee", its
    balance is added to the voting power of the delegatee. If the delegator changes its
    delegation, the voting power is subtracted from the old delegatee's voting power and added to
    the new delegate's voting power."."""
    a, b, c = holders
    delegate(fmc, bob, carol)
    assert fmc.getVotes(carol) == b
    delegate(fmc, carol, carol)
    assert fmc.getVotes(carol) == b + c
    delegate(fmc, bob, alice)
    assert fmc.getVotes(carol) == c and fmc.getVotes(alice) == b


def test_erc5805_transfers_should_move_voting_power_between_delegates(fmc, holders, alice, bob, carol):
    """Specification: "Whenever tokens are transferred from one account to another, the associated
    voting power should be deducted from the sender's delegate and added to the receiver's
    delegate."."""
    a, b, c = holders
    delegate(fmc, bob, carol)
    delegate(fmc, carol, alice)
    fmc.transfer(carol, 50, sender=bob)
    assert fmc.getVotes(carol) == b - 50 and fmc.getVotes(alice) == c + 50


def test_erc5805_tokens_delegated_to_zero_should_not_be_tracked(fmc, holders, alice, bob):
    """Specification: "Tokens that are delegated to address(0) should not be tracked." and delegates:
    "if the delegate is address(0) then the voting power SHOULD NOT be checkpointed" -- transfers
    between undelegated holders write no checkpoint and log no DelegateVotesChanged."""
    receipt = fmc.transfer(bob, 5, sender=alice)
    assert votes_changed(receipt, fmc) == []
    delegate(fmc, bob, bob)
    receipt = delegate(fmc, bob, ZERO)  # withdraws bob's votes
    assert votes_changed(receipt, fmc) == [(address(bob), 305, 0)]
    receipt = fmc.transfer(alice, 5, sender=bob)
    assert votes_changed(receipt, fmc) == []
    assert fmc.getVotes(ZERO) == 0 and fmc.numCheckpoints(ZERO) == 0


# --------------------------------------------------------------------------- getVotes


def test_erc5805_getVotes_returns_the_current_voting_weight(fmc, holders, alice, bob, carol):
    """getVotes: "This function returns the current voting weight of an account. This corresponds to
    all the voting power delegated to it at the moment this function is called." and Expected
    properties: "For all accounts a != 0, getVotes(a) SHOULD be the sum of the "balances" of all the
    accounts that delegate to a."."""
    a, b, c = holders
    for holder in (alice, bob, carol):
        delegate(fmc, holder, bob)
    assert fmc.getVotes(bob) == a + b + c == fmc.totalSupply()
    delegate(fmc, carol, carol)
    assert fmc.getVotes(bob) == fmc.balanceOf(alice) + fmc.balanceOf(bob)
    assert fmc.getVotes(carol) == fmc.balanceOf(carol) and fmc.getVotes(alice) == 0


def test_erc5805_getVotes_of_zero_SHOULD_always_return_0(fmc, holders, alice, bob, launchpad):
    """getVotes: "As tokens delegated to address(0) should not be counted/snapshotted, getVotes(0)
    SHOULD always return 0." -- also once holders delegated to address(0) explicitly, and with a
    total-supply history written by mints and burns."""
    delegate(fmc, alice, ZERO)
    delegate(fmc, bob, bob)
    delegate(fmc, bob, ZERO)
    fmc.mint(alice, 10, sender=launchpad)
    fmc.burn(10, sender=alice)
    assert fmc.getVotes(ZERO) == 0


# --------------------------------------------------------------------------- getPastVotes


def test_erc5805_getPastVotes_timepoint_MUST_match_the_operating_mode(fmc, holders, alice, bob):
    """getPastVotes: "The timepoint parameter MUST match the operating mode of the contract." -- the
    mode is timestamp (CLOCK_MODE), and a delegation mined at timestamp T is seen from T on,
    whatever the block number."""
    assert fmc.CLOCK_MODE() == "mode=timestamp"
    t = now() + 1_000
    set_next(t)
    receipt = delegate(fmc, bob, bob)
    mine_to(t + 10)
    assert receipt.block_number < t
    assert fmc.getPastVotes(bob, t - 1) == 0
    assert fmc.getPastVotes(bob, t) == fmc.getPastVotes(bob, t + 9) == 300


def test_erc5805_getPastVotes_with_timepoint_at_or_after_clock_SHOULD_revert(fmc, holders, bob):
    """getPastVotes: "Calling this function with a timepoint that is greater or equal to the current
    clock SHOULD revert."."""
    delegate(fmc, bob, bob)
    clock = fmc.clock()
    for timepoint in (clock, clock + 1, 2**48, MAX_UINT256):
        with ape.reverts():
            fmc.getPastVotes(bob, timepoint)


def test_erc5805_getPastVotes_with_timepoint_before_clock_SHOULD_NOT_revert(fmc, holders, bob):
    """getPastVotes: "Calling this function with a timepoint strictly smaller than the current clock
    SHOULD NOT revert." (from 0 to clock - 1, before and after any checkpoint)."""
    delegate(fmc, bob, bob)
    mine_to(now() + 5)
    clock = fmc.clock()
    for timepoint in (0, 1, clock - 6, clock - 5, clock - 1):
        assert fmc.getPastVotes(bob, timepoint) in (0, 300)
    assert fmc.getPastVotes(bob, clock - 1) == 300


def test_erc5805_getPastVotes_MUST_be_constant_once_timepoint_is_past(fmc, holders, alice, bob, carol, launchpad):
    """getPastVotes: "For any integer that is strictly smaller than the current clock, the value
    returned by getPastVotes SHOULD be constant" and Expected properties: "For all accounts a,
    getPastVotes(a, t) MUST be constant after t < clock is reached." -- values read at past
    timepoints do not change through later delegations, transfers, mints and burns."""
    delegate(fmc, bob, bob)
    delegate(fmc, carol, bob)
    mine_to(now() + 10)
    past = list(range(now() - 12, now()))
    seen = {t: (fmc.getPastVotes(bob, t), fmc.getPastVotes(carol, t)) for t in past}
    delegate(fmc, carol, carol)
    fmc.transfer(bob, 1_000, sender=alice)
    fmc.mint(bob, 7, sender=launchpad)
    fmc.burn(3, sender=bob)
    delegate(fmc, bob, carol)
    mine_to(now() + 100)
    assert {t: (fmc.getPastVotes(bob, t), fmc.getPastVotes(carol, t)) for t in past} == seen


def test_erc5805_getPastVotes_SHOULD_be_the_sum_delegated_when_clock_overtook_t(fmc, holders, alice, bob, carol):
    """Expected properties: "For all accounts a != 0 and all timestamp t < clock, getPastVotes(a, t)
    SHOULD be the sum of the "balances" of all the accounts that delegated to a when clock overtook
    t." -- several transactions in the block of timestamp t: the value at t is the one after the
    last of them."""
    a, b, c = holders
    t = now() + 50
    set_next(t)
    statuses = in_one_block(
        (fmc, "delegate", (bob,), bob),  # bob: 300
        (fmc, "delegate", (bob,), carol),  # bob: 400
        (fmc, "transfer", (alice, 100), carol),  # carol's 100 leaves: bob 300
        (fmc, "delegate", (bob,), alice),  # alice's a + 100 joins: bob a + 400
    )
    assert statuses == [1, 1, 1, 1]
    assert chain.blocks.head.timestamp == t
    mine_to(t + 1)
    assert fmc.getPastVotes(bob, t) == a + 100 + 300
    assert fmc.getPastVotes(bob, t - 1) == 0


def test_erc5805_getPastVotes_of_zero_SHOULD_return_0_for_every_past_timepoint(fmc, holders, alice, bob, launchpad):
    """getPastVotes: "getPastVotes(0,x) SHOULD always return 0" and Expected properties: "For all
    timepoints t < clock, getVotes(address(0)) and getPastVotes(address(0), t) SHOULD return 0." --
    although the token keeps a total-supply history."""
    delegate(fmc, alice, ZERO)
    fmc.mint(bob, 10, sender=launchpad)
    mine_to(now() + 3)
    fmc.burn(4, sender=bob)
    mine_to(now() + 3)
    clock = fmc.clock()
    assert fmc.getPastTotalSupply(clock - 1) > 0
    for timepoint in (0, clock - 4, clock - 3, clock - 1):
        assert fmc.getPastVotes(ZERO, timepoint) == 0


# --------------------------------------------------------------------------- delegates, delegate


def test_erc5805_delegates_returns_the_address_the_voting_power_is_delegated_to(fmc, holders, alice, bob, carol):
    """delegates: "This function returns the address to which the voting power of an account is
    currently delegated." (address(0) before any delegation)."""
    assert fmc.delegates(alice) == ZERO
    delegate(fmc, alice, bob)
    assert fmc.delegates(alice) == address(bob)
    delegate(fmc, alice, carol)
    assert fmc.delegates(alice) == address(carol) and fmc.delegates(bob) == ZERO


def test_erc5805_delegate_changes_the_callers_delegate_updating_the_vote_delegation(fmc, holders, alice, bob, carol):
    """delegate: "This function changes the caller's delegate, updating the vote delegation in the
    meantime." (only the caller's: the delegatee's own delegation is untouched)."""
    a, _, _ = holders
    delegate(fmc, alice, bob)
    assert fmc.delegates(alice) == address(bob) and fmc.delegates(bob) == ZERO
    assert fmc.getVotes(bob) == a
    delegate(fmc, alice, carol)
    assert (fmc.getVotes(bob), fmc.getVotes(carol)) == (0, a)


def test_erc5805_changing_delegate_from_b_to_c_MUST_not_increase_b_nor_decrease_c(
    fmc, holders, alice, bob, carol, stranger
):
    """Expected properties: "For all accounts a, the action of changing the delegate from b to c MUST
    not increase the current voting power of b (getVotes(b)) and MUST not decrease the current
    voting power of c (getVotes(c))." -- with and without a balance, to a delegate and back."""
    delegate(fmc, bob, bob)
    delegate(fmc, carol, carol)
    moves = [
        (alice, bob, carol),
        (alice, carol, bob),
        (carol, carol, bob),  # a delegate that delegates its own balance away
        (bob, bob, ZERO),
        (bob, ZERO, carol),
        (stranger, bob, carol),  # a holder of nothing
    ]
    for holder, b, c in moves:
        delegate(fmc, holder, b)
        before_b, before_c = fmc.getVotes(b), fmc.getVotes(c)
        delegate(fmc, holder, c)
        assert fmc.getVotes(b) <= before_b and fmc.getVotes(c) >= before_c


# --------------------------------------------------------------------------- delegateBySig, nonces


def test_erc5805_delegateBySig_changes_the_signers_delegate(fmc, holders, alice, bob, stranger):
    """delegateBySig: "A call to delegateBySig(delegatee, nonce, expiry, v, r, s) changes the
    signer's delegate to delegatee, increment the signer's nonce by 1, and emits a corresponding
    DelegateChanged event, and possibly DelegateVotesChanged events for the old and the new
    delegate accounts" -- "The caller of the delegateBySig function can be any address"."""
    a, _, _ = holders
    nonce, expiry, v, r, s = sign_delegation(fmc, alice, bob)
    receipt = fmc.delegateBySig(bob, nonce, expiry, v, r, s, sender=stranger)
    assert fmc.delegates(alice) == address(bob) and fmc.delegates(stranger) == ZERO
    assert fmc.nonces(alice) == nonce + 1
    assert delegate_changed(receipt, fmc) == [(address(alice), ZERO, address(bob))]
    assert votes_changed(receipt, fmc) == [(address(bob), 0, a)]


def test_erc5805_delegateBySig_MUST_increment_the_delegators_nonce(fmc, holders, alice, bob, carol):
    """delegateBySig: "When this function is successfully executed, the delegator's nonce MUST be
    incremented to prevent replay attacks." (a replay then fails)."""
    signed = sign_delegation(fmc, alice, bob)
    fmc.delegateBySig(bob, *signed, sender=carol)
    assert fmc.nonces(alice) == 1
    delegate(fmc, alice, carol)
    with ape.reverts():
        fmc.delegateBySig(bob, *signed, sender=carol)
    assert fmc.delegates(alice) == address(carol) and fmc.nonces(alice) == 1


def test_erc5805_delegateBySig_MUST_accept_expiry_equal_to_the_timestamp(fmc, holders, alice, bob):
    """delegateBySig condition: "The current timestamp is less than or equal to expiry." (equal)."""
    expiry = now() + 100
    signed = sign_delegation(fmc, alice, bob, expiry=expiry)
    set_next(expiry)
    fmc.delegateBySig(bob, *signed, sender=bob)
    assert fmc.delegates(alice) == address(bob)


def test_erc5805_delegateBySig_MUST_revert_if_expiry_passed(fmc, holders, alice, bob):
    """delegateBySig: "If any of these conditions are not met, the delegateBySig call must revert."
    (the timestamp one second after expiry)."""
    expiry = now() + 100
    signed = sign_delegation(fmc, alice, bob, expiry=expiry)
    set_next(expiry + 1)
    with ape.reverts():
        fmc.delegateBySig(bob, *signed, sender=bob)
    assert fmc.delegates(alice) == ZERO and fmc.nonces(alice) == 0


def test_erc5805_delegateBySig_MUST_revert_if_nonce_is_not_the_signers_nonce(fmc, holders, alice, bob):
    """delegateBySig condition: "nonces(signer) (before the state update) is equal to nonce." and
    nonces: "Signed delegations ... are only accepted if the nonce used in the EIP-712 signature
    matches the return of this function." (a future nonce)."""
    signed = sign_delegation(fmc, alice, bob, nonce=fmc.nonces(alice) + 1)
    with ape.reverts():
        fmc.delegateBySig(bob, *signed, sender=bob)
    assert fmc.delegates(alice) == ZERO and fmc.nonces(alice) == 0


def test_erc5805_delegateBySig_MUST_revert_if_signer_is_the_zero_address(fmc, bob):
    """delegateBySig: "require(signer != address(0))" -- malformed signatures (ecrecover failing)
    are refused."""
    expiry = now() + DAY
    for v, r, s in ((27, b"\x00" * 32, b"\x00" * 32), (0, b"\x01" * 32, b"\x01" * 32)):
        with ape.reverts():
            fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=bob)
    assert fmc.delegates(ZERO) == ZERO


def test_erc5805_delegateBySig_signature_follows_EIP712_in_this_domain(fmc, holders, alice, bob):
    """delegateBySig: "This signature should follow the EIP-712 format" with "DOMAIN_SEPARATOR ...
    unique to the contract and chain to prevent replay attacks from other domains" -- a delegation
    signed for another chain or another contract does not move alice's votes."""
    for override in ({"chainId": chain.chain_id + 1}, {"verifyingContract": address(bob)}, {"version": "2"}):
        nonce, expiry, v, r, s = sign_delegation(fmc, alice, bob, **override)
        try:
            fmc.delegateBySig(bob, nonce, expiry, v, r, s, sender=bob)  # recovers some other address
        except ape.exceptions.ContractLogicError:
            pass
        assert fmc.delegates(alice) == ZERO and fmc.nonces(alice) == 0


def test_erc5805_nonces_returns_the_current_nonce(fmc, holders, alice, bob, carol):
    """nonces: "This function returns the current nonce for a given account." and "This value of
    nonce(delegator) should be incremented whenever a call to delegateBySig is performed on behalf
    of delegator."."""
    for expected, delegatee in enumerate((bob, carol, bob)):
        assert fmc.nonces(alice) == expected
        fmc.delegateBySig(delegatee, *sign_delegation(fmc, alice, delegatee), sender=carol)
    assert fmc.nonces(alice) == 3 and fmc.nonces(bob) == 0


# --------------------------------------------------------------------------- events


def test_erc5805_DelegateChanged_MUST_be_emitted_by_delegate_and_delegateBySig(fmc, holders, alice, bob, carol):
    """DelegateChanged: "delegator changes the delegation of its assets from fromDelegate to
    toDelegate. MUST be emitted when the delegate for an account is modified by delegate(address) or
    delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)."."""
    receipt = delegate(fmc, alice, bob)
    assert delegate_changed(receipt, fmc) == [(address(alice), ZERO, address(bob))]
    receipt = fmc.delegateBySig(carol, *sign_delegation(fmc, alice, carol), sender=bob)
    assert delegate_changed(receipt, fmc) == [(address(alice), address(bob), address(carol))]
    receipt = delegate(fmc, alice, ZERO)
    assert delegate_changed(receipt, fmc) == [(address(alice), address(carol), ZERO)]


def test_erc5805_DelegateVotesChanged_MUST_be_emitted_when_an_account_updates_its_delegation(
    fmc, holders, alice, bob, carol
):
    """DelegateVotesChanged: "This MUST be emitted when: an account (that holds more than 0 assets)
    updates its delegation from or to delegate" -- for the new delegate, and for the old one too,
    with previousBalance and newBalance."""
    _, b, c = holders
    delegate(fmc, carol, carol)
    receipt = delegate(fmc, bob, carol)  # to carol
    assert votes_changed(receipt, fmc) == [(address(carol), c, c + b)]
    receipt = delegate(fmc, bob, alice)  # from carol, to alice
    assert votes_changed(receipt, fmc) == [(address(carol), c + b, c), (address(alice), 0, b)]
    receipt = fmc.delegateBySig(ZERO, *sign_delegation(fmc, bob, ZERO), sender=carol)  # from alice
    assert votes_changed(receipt, fmc) == [(address(alice), b, 0)]


def test_erc5805_DelegateVotesChanged_MUST_be_emitted_on_transfers_from_or_to_a_delegated_account(
    fmc, holders, alice, bob, carol, launchpad
):
    """DelegateVotesChanged: "This MUST be emitted when: ... an asset transfer from or to an account
    that is delegated to delegate." -- transfers, transferFrom, mints and burns."""
    _, b, c = holders
    delegate(fmc, bob, bob)
    delegate(fmc, carol, carol)
    receipt = fmc.transfer(carol, 10, sender=bob)  # from bob's account, to carol's
    assert votes_changed(receipt, fmc) == [(address(bob), b, b - 10), (address(carol), c, c + 10)]
    receipt = fmc.transfer(bob, 5, sender=alice)  # to a delegated account from an undelegated one
    assert votes_changed(receipt, fmc) == [(address(bob), b - 10, b - 5)]
    fmc.approve(alice, 3, sender=carol)
    receipt = fmc.transferFrom(carol, alice, 3, sender=alice)  # from a delegated account
    assert votes_changed(receipt, fmc) == [(address(carol), c + 10, c + 7)]
    receipt = fmc.mint(carol, 4, sender=launchpad)
    assert votes_changed(receipt, fmc) == [(address(carol), c + 7, c + 11)]
    receipt = fmc.burn(2, sender=bob)
    assert votes_changed(receipt, fmc) == [(address(bob), b - 5, b - 7)]
