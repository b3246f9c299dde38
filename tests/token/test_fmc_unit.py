"""Unit tests of the FMC governance token (contracts/token/FMC.vy).

One section per area: deployment, ERC-20, EIP-2612 permit and the EIP-712
domain, cap / mint / burn, minter role, two-step ownership, delegation and
vote checkpoints (ERC-5805), the clock (ERC-6372) and delegation by signature.
Every external function, every revert string and every event of the contract
is exercised here; the stateful test (test_fmc_stateful.py) then checks the
accounting invariants over random sequences of these operations.

Conventions: `fmc` is deployed by `deployer` with cap `C.CAP` and
`C.INITIAL_SUPPLY` minted to `alice`, and `minter` is its only minter (see
conftest.py). Each test starts from that state (ape's chain isolation).
"""

import json
import subprocess
import sys
from pathlib import Path

import ape
import pytest
from ape import chain, project
from eth_utils import keccak, to_checksum_address

# --------------------------------------------------------------------------- helpers


def head_timestamp():
    """Timestamp of the latest block: what `clock()` returns in an `eth_call`."""
    return chain.blocks.head.timestamp


def advance(seconds):
    """Mines one block `seconds` after the latest one, so earlier timepoints become past."""
    chain.mine(timestamp=head_timestamp() + seconds)


def events(receipt, event_type):
    """The decoded logs of `event_type` in `receipt`, in emission order."""
    return list(receipt.events.filter(event_type))


def args(log):
    """The arguments of a decoded log as a plain dict (addresses as checksummed strings)."""
    return {key: (str(value) if hasattr(value, "address") else value) for key, value in log.event_arguments.items()}


def delegate(token, delegator, delegatee):
    """Sends `token.delegate(delegatee)` from `delegator`.

    ape's contract instances have a `delegate` property of their own (EIP-7702 /
    proxy delegates) that hides the ABI method of that name, so the ERC-5805
    `delegate` is invoked by name.
    """
    return token.invoke_transaction("delegate", delegatee, sender=delegator)


def web3_contract(token):
    """A web3.py handle on `token` (used to send several transactions in one block)."""
    abi = [entry.model_dump(by_alias=True, mode="json") for entry in token.contract_type.abi]
    return chain.provider.web3.eth.contract(address=str(token.address), abi=abi)


def in_one_block(*transactions):
    """Sends `(function, sender)` pairs with automine off and mines them in a single block.

    Returns the web3 receipts; every transaction must succeed.
    """
    web3 = chain.provider.web3
    chain.provider.make_request("evm_setAutomine", [False])
    try:
        hashes = [
            web3.eth.send_transaction(
                {
                    "from": str(sender.address),
                    "to": function.address,
                    "data": function._encode_transaction_data(),
                    "gas": 1_000_000,
                }
            )
            for function, sender in transactions
        ]
        chain.provider.make_request("evm_mine", [])
    finally:
        chain.provider.make_request("evm_setAutomine", [True])
    receipts = [web3.eth.get_transaction_receipt(h) for h in hashes]
    assert all(r.status == 1 for r in receipts)
    assert len({r.blockNumber for r in receipts}) == 1
    return receipts


# =========================================================================== deployment


def test_deployment_sets_metadata_cap_and_initial_balance(fmc, alice, C):
    """name/symbol/decimals, the cap and the initial mint match the constructor arguments."""
    assert fmc.name() == "FameEngine"
    assert fmc.symbol() == "FMC"
    assert fmc.decimals() == 18
    assert fmc.cap() == C.CAP
    assert fmc.totalSupply() == C.INITIAL_SUPPLY
    assert fmc.balanceOf(alice) == C.INITIAL_SUPPLY


def test_deployment_makes_deployer_owner_but_not_minter(fmc, deployer):
    """The deployer owns FMC, nobody is pending owner, and the deployer is not a minter."""
    assert fmc.owner() == deployer
    assert fmc.pending_owner() == ape.utils.ZERO_ADDRESS
    assert fmc.is_minter(deployer) is False


def test_deployment_events_log_minter_revocation_and_initial_mint(deployer, alice, C):
    """The constructor logs ownership, the minter role granted then revoked, and the initial mint."""
    token = deployer.deploy(project.FMC, C.CAP, alice, C.INITIAL_SUPPLY)
    receipt = chain.get_receipt(token.txn_hash)
    assert [args(e) for e in events(receipt, token.OwnershipTransferred)] == [
        {"previous_owner": ape.utils.ZERO_ADDRESS, "new_owner": deployer.address}
    ]
    assert [args(e) for e in events(receipt, token.RoleMinterChanged)] == [
        {"minter": deployer.address, "status": True},
        {"minter": deployer.address, "status": False},
    ]
    assert [args(e) for e in events(receipt, token.Transfer)] == [
        {"sender": ape.utils.ZERO_ADDRESS, "receiver": alice.address, "value": C.INITIAL_SUPPLY}
    ]
    # The initial holder has not delegated: no votes are created.
    assert events(receipt, token.DelegateVotesChanged) == []
    assert events(receipt, token.DelegateChanged) == []


def test_deployment_checkpoints_initial_total_supply(deployer, alice, C):
    """The initial supply is the first total-supply checkpoint; the holder has no votes yet."""
    token = deployer.deploy(project.FMC, C.CAP, alice, C.INITIAL_SUPPLY)
    deployed_at = chain.get_receipt(token.txn_hash).timestamp
    advance(1)
    assert token.getPastTotalSupply(deployed_at) == C.INITIAL_SUPPLY
    assert token.getPastTotalSupply(deployed_at - 1) == 0
    assert token.getVotes(alice) == 0
    assert token.numCheckpoints(alice) == 0


def test_deployment_with_zero_initial_supply_mints_nothing(deployer, C):
    """With initial_supply 0 nothing is minted and the holder argument may be the zero address."""
    token = deployer.deploy(project.FMC, C.CAP, ape.utils.ZERO_ADDRESS, 0)
    receipt = chain.get_receipt(token.txn_hash)
    assert events(receipt, token.Transfer) == []
    assert token.totalSupply() == 0
    advance(1)
    assert token.getPastTotalSupply(receipt.timestamp) == 0


def test_deployment_accepts_cap_of_max_uint208_and_supply_equal_to_cap(deployer, alice, C):
    """The largest accepted cap is max(uint208), and the whole cap may be minted up front."""
    token = deployer.deploy(project.FMC, C.MAX_UINT208, alice, C.MAX_UINT208)
    assert token.cap() == C.MAX_UINT208
    assert token.balanceOf(alice) == C.MAX_UINT208
    delegate(token, alice, alice)
    assert token.getVotes(alice) == C.MAX_UINT208


def test_deployment_rejects_cap_above_uint208(deployer, alice, C):
    """A cap that does not fit a uint208 vote checkpoint is refused."""
    with ape.reverts("fmc: cap exceeds uint208"):
        deployer.deploy(project.FMC, C.MAX_UINT208 + 1, alice, 0)


def test_deployment_rejects_initial_supply_above_cap(deployer, alice, C):
    """The initial supply may not exceed the cap."""
    with ape.reverts("fmc: initial supply exceeds cap"):
        deployer.deploy(project.FMC, C.CAP, alice, C.CAP + 1)


def test_deployment_rejects_zero_initial_holder_when_minting(deployer, C):
    """A non-zero initial supply cannot be minted to the zero address."""
    with ape.reverts("erc20: mint to the zero address"):
        deployer.deploy(project.FMC, C.CAP, ape.utils.ZERO_ADDRESS, 1)


def test_abi_leaves_out_module_functions_that_would_bypass_fmc(fmc):
    """snekmate's burn_from (no vote update), one-step ownership moves and renounce_ownership are not exposed."""
    names = {entry.name for entry in fmc.contract_type.abi if entry.type == "function"}
    assert "burn_from" not in names
    assert "renounce_ownership" not in names
    assert {"transfer_ownership", "accept_ownership", "pending_owner", "owner"} <= names


# =========================================================================== ERC-20


def test_transfer_moves_balance_and_logs_transfer(fmc, alice, bob):
    """transfer moves the amount, returns True and logs Transfer."""
    assert fmc.transfer.call(bob, 10, sender=alice) is True
    receipt = fmc.transfer(bob, 10, sender=alice)
    assert fmc.balanceOf(bob) == 10
    assert [args(e) for e in events(receipt, fmc.Transfer)] == [
        {"sender": alice.address, "receiver": bob.address, "value": 10}
    ]


def test_transfer_of_whole_balance_and_of_zero(fmc, alice, bob, C):
    """A holder can send exactly its whole balance; a zero transfer succeeds and changes nothing."""
    fmc.transfer(bob, 0, sender=alice)
    assert fmc.balanceOf(alice) == C.INITIAL_SUPPLY
    fmc.transfer(bob, C.INITIAL_SUPPLY, sender=alice)
    assert fmc.balanceOf(alice) == 0
    assert fmc.balanceOf(bob) == C.INITIAL_SUPPLY


def test_transfer_to_self_keeps_balance(fmc, alice, C):
    """A transfer to oneself leaves the balance unchanged."""
    fmc.transfer(alice, 5, sender=alice)
    assert fmc.balanceOf(alice) == C.INITIAL_SUPPLY


def test_transfer_reverts_beyond_balance(fmc, alice, bob, C):
    """Sending one token more than the balance reverts."""
    with ape.reverts("erc20: transfer amount exceeds balance"):
        fmc.transfer(alice, 1, sender=bob)
    with ape.reverts("erc20: transfer amount exceeds balance"):
        fmc.transfer(bob, C.INITIAL_SUPPLY + 1, sender=alice)


def test_transfer_reverts_to_zero_address(fmc, alice):
    """Tokens cannot be sent to the zero address (burn is the way to destroy them)."""
    with ape.reverts("erc20: transfer to the zero address"):
        fmc.transfer(ape.utils.ZERO_ADDRESS, 1, sender=alice)


def test_approve_sets_allowance_and_logs_approval(fmc, alice, bob):
    """approve overwrites the allowance, returns True and logs Approval."""
    assert fmc.approve.call(bob, 7, sender=alice) is True
    fmc.approve(bob, 7, sender=alice)
    receipt = fmc.approve(bob, 3, sender=alice)
    assert fmc.allowance(alice, bob) == 3
    assert [args(e) for e in events(receipt, fmc.Approval)] == [
        {"owner": alice.address, "spender": bob.address, "value": 3}
    ]


def test_approve_reverts_for_zero_spender(fmc, alice):
    """The zero address cannot be approved."""
    with ape.reverts("erc20: approve to the zero address"):
        fmc.approve(ape.utils.ZERO_ADDRESS, 1, sender=alice)


def test_transfer_from_spends_allowance(fmc, alice, bob, carol):
    """transferFrom moves tokens, returns True, lowers the allowance and logs Transfer and Approval."""
    fmc.approve(bob, 100, sender=alice)
    assert fmc.transferFrom.call(alice, carol, 40, sender=bob) is True
    receipt = fmc.transferFrom(alice, carol, 40, sender=bob)
    assert fmc.balanceOf(carol) == 40
    assert fmc.allowance(alice, bob) == 60
    assert [args(e) for e in events(receipt, fmc.Transfer)] == [
        {"sender": alice.address, "receiver": carol.address, "value": 40}
    ]
    assert [args(e) for e in events(receipt, fmc.Approval)] == [
        {"owner": alice.address, "spender": bob.address, "value": 60}
    ]


def test_transfer_from_keeps_infinite_allowance(fmc, alice, bob, carol, C):
    """An allowance of max(uint256) is not decreased and no Approval is logged."""
    fmc.approve(bob, C.MAX_UINT256, sender=alice)
    receipt = fmc.transferFrom(alice, carol, 40, sender=bob)
    assert fmc.allowance(alice, bob) == C.MAX_UINT256
    assert events(receipt, fmc.Approval) == []


def test_transfer_from_reverts_beyond_allowance(fmc, alice, bob, carol):
    """Spending one token more than the allowance reverts, also with no allowance at all."""
    with ape.reverts("erc20: insufficient allowance"):
        fmc.transferFrom(alice, carol, 1, sender=bob)
    fmc.approve(bob, 10, sender=alice)
    with ape.reverts("erc20: insufficient allowance"):
        fmc.transferFrom(alice, carol, 11, sender=bob)


def test_transfer_from_reverts_beyond_balance(fmc, alice, bob, carol, C):
    """An allowance larger than the owner's balance does not let the spender overdraw."""
    fmc.approve(bob, C.MAX_UINT256, sender=alice)
    with ape.reverts("erc20: transfer amount exceeds balance"):
        fmc.transferFrom(alice, carol, C.INITIAL_SUPPLY + 1, sender=bob)


def test_transfer_from_zero_address_reverts(fmc, bob, carol):
    """Nobody can move tokens out of the zero address, even for a zero amount."""
    with ape.reverts("erc20: approve from the zero address"):
        fmc.transferFrom(ape.utils.ZERO_ADDRESS, carol, 0, sender=bob)
    with ape.reverts("erc20: insufficient allowance"):
        fmc.transferFrom(ape.utils.ZERO_ADDRESS, carol, 1, sender=bob)


def test_transfer_from_reverts_to_zero_address(fmc, alice, bob):
    """transferFrom to the zero address reverts like transfer does."""
    fmc.approve(bob, 10, sender=alice)
    with ape.reverts("erc20: transfer to the zero address"):
        fmc.transferFrom(alice, ape.utils.ZERO_ADDRESS, 1, sender=bob)


# =========================================================================== EIP-2612 / EIP-5267


def test_domain_separator_matches_eip712_domain(fmc, domain_separator):
    """DOMAIN_SEPARATOR is the EIP-712 hash of ("FameEngine", "1", chain id, FMC's address)."""
    assert fmc.DOMAIN_SEPARATOR() == domain_separator(fmc)


def test_eip712_domain_describes_the_domain(fmc):
    """eip712Domain (EIP-5267) lists name, version, chainId and verifyingContract (fields 0x0f)."""
    fields, name, version, chain_id, verifying_contract, salt, extensions = fmc.eip712Domain()
    assert fields == b"\x0f"
    assert (name, version) == ("FameEngine", "1")
    assert chain_id == chain.chain_id
    assert verifying_contract == fmc.address
    assert salt == bytes(32)
    assert list(extensions) == []


def test_permit_sets_allowance_and_consumes_nonce(fmc, alice, bob, sign_permit):
    """A valid permit sets the allowance, logs Approval and increments the owner's nonce."""
    deadline = head_timestamp() + 3600
    v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline)
    receipt = fmc.permit(alice, bob, 500, deadline, v, r, s, sender=bob)
    assert fmc.allowance(alice, bob) == 500
    assert fmc.nonces(alice) == 1
    assert [args(e) for e in events(receipt, fmc.Approval)] == [
        {"owner": alice.address, "spender": bob.address, "value": 500}
    ]
    # The allowance is usable.
    fmc.transferFrom(alice, bob, 500, sender=bob)
    assert fmc.balanceOf(bob) == 500


def test_permit_accepts_deadline_equal_to_block_timestamp(fmc, alice, bob, sign_permit):
    """A permit is still valid in the block whose timestamp equals its deadline."""
    deadline = head_timestamp() + 100
    v, r, s = sign_permit(fmc, alice, bob, 1, 0, deadline)
    chain.pending_timestamp = deadline
    receipt = fmc.permit(alice, bob, 1, deadline, v, r, s, sender=bob)
    assert receipt.timestamp == deadline
    assert fmc.allowance(alice, bob) == 1


def test_permit_reverts_after_deadline(fmc, alice, bob, sign_permit):
    """A permit whose deadline has passed is rejected and the nonce is not consumed."""
    deadline = head_timestamp() + 100
    v, r, s = sign_permit(fmc, alice, bob, 1, 0, deadline)
    chain.pending_timestamp = deadline + 1
    with ape.reverts("erc20: expired deadline"):
        fmc.permit(alice, bob, 1, deadline, v, r, s, sender=bob)
    assert fmc.nonces(alice) == 0


def test_permit_cannot_be_replayed(fmc, alice, bob, sign_permit):
    """Submitting the same permit twice fails: the nonce it signed has been used."""
    deadline = head_timestamp() + 3600
    v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline)
    fmc.permit(alice, bob, 500, deadline, v, r, s, sender=bob)
    fmc.approve(bob, 0, sender=alice)
    with ape.reverts("erc20: invalid signature"):
        fmc.permit(alice, bob, 500, deadline, v, r, s, sender=bob)
    assert fmc.allowance(alice, bob) == 0


def test_permit_reverts_for_wrong_signer_or_altered_value(fmc, alice, bob, sign_permit):
    """A permit signed by someone other than the owner, or submitted with other terms, is rejected."""
    deadline = head_timestamp() + 3600
    v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline, signer=bob)
    with ape.reverts("erc20: invalid signature"):
        fmc.permit(alice, bob, 500, deadline, v, r, s, sender=bob)
    v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline)
    with ape.reverts("erc20: invalid signature"):
        fmc.permit(alice, bob, 501, deadline, v, r, s, sender=bob)


def test_permit_reverts_for_other_domain(fmc, alice, bob, sign_permit):
    """A permit signed for another EIP-712 domain (version "2", another chain) is rejected."""
    deadline = head_timestamp() + 3600
    for domain in ({"version": "2"}, {"chain_id": chain.chain_id + 1}, {"name": "FMC"}):
        v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline, **domain)
        with ape.reverts("erc20: invalid signature"):
            fmc.permit(alice, bob, 500, deadline, v, r, s, sender=bob)


def test_permit_reverts_for_zero_spender(fmc, alice, bob, sign_permit):
    """A correctly signed permit for the zero address as spender is refused like approve."""
    deadline = head_timestamp() + 3600
    v, r, s = sign_permit(fmc, alice, ape.utils.ZERO_ADDRESS, 1, 0, deadline)
    with ape.reverts("erc20: approve to the zero address"):
        fmc.permit(alice, ape.utils.ZERO_ADDRESS, 1, deadline, v, r, s, sender=bob)


def test_permit_reverts_for_malleable_signature(fmc, alice, bob, sign_permit):
    """The high-s twin of a valid signature is refused (no signature malleability)."""
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    deadline = head_timestamp() + 3600
    v, r, s = sign_permit(fmc, alice, bob, 500, 0, deadline)
    high_s = (n - int.from_bytes(s, "big")).to_bytes(32, "big")
    with ape.reverts("ecdsa: invalid signature `s` value"):
        fmc.permit(alice, bob, 500, deadline, 55 - v, r, high_s, sender=bob)


def test_permit_reverts_for_unrecoverable_signature(fmc, alice, bob):
    """A signature from which no address can be recovered is refused."""
    deadline = head_timestamp() + 3600
    with ape.reverts("ecdsa: invalid signature"):
        fmc.permit(alice, bob, 500, deadline, 0, bytes(32), bytes(32), sender=bob)


# =========================================================================== cap, mint, burn


def test_cap_is_fixed(fmc, C):
    """cap() returns the constructor's cap."""
    assert fmc.cap() == C.CAP


def test_mint_by_minter_credits_and_checkpoints_supply(fmc, minter, bob, C):
    """A minter's mint credits the receiver, logs Transfer and checkpoints the new total supply."""
    advance(1)
    receipt = fmc.mint(bob, 1_000, sender=minter)
    assert fmc.balanceOf(bob) == 1_000
    assert fmc.totalSupply() == C.INITIAL_SUPPLY + 1_000
    assert [args(e) for e in events(receipt, fmc.Transfer)] == [
        {"sender": ape.utils.ZERO_ADDRESS, "receiver": bob.address, "value": 1_000}
    ]
    advance(1)
    assert fmc.getPastTotalSupply(receipt.timestamp) == C.INITIAL_SUPPLY + 1_000
    assert fmc.getPastTotalSupply(receipt.timestamp - 1) == C.INITIAL_SUPPLY


def test_mint_up_to_cap_then_one_more_reverts(fmc, minter, bob, C):
    """The supply can reach the cap exactly; a single token more is refused."""
    fmc.mint(bob, C.CAP - C.INITIAL_SUPPLY, sender=minter)
    assert fmc.totalSupply() == C.CAP
    with ape.reverts("fmc: cap exceeded"):
        fmc.mint(bob, 1, sender=minter)


def test_mint_of_huge_amount_reverts_with_cap_message(fmc, minter, bob, C):
    """An amount that would overflow uint256 still reports the cap, not an arithmetic panic."""
    with ape.reverts("fmc: cap exceeded"):
        fmc.mint(bob, C.MAX_UINT256, sender=minter)
    with ape.reverts("fmc: cap exceeded"):
        fmc.mint(bob, C.CAP - C.INITIAL_SUPPLY + 1, sender=minter)


def test_mint_reverts_for_non_minters_including_owner(fmc, deployer, alice):
    """Only minters mint: the owner (deployer) and holders are refused."""
    for caller in (deployer, alice):
        with ape.reverts("fmc: caller is not a minter"):
            fmc.mint(alice, 1, sender=caller)


def test_mint_reverts_to_zero_address(fmc, minter):
    """Tokens cannot be minted to the zero address."""
    with ape.reverts("erc20: mint to the zero address"):
        fmc.mint(ape.utils.ZERO_ADDRESS, 1, sender=minter)


def test_mint_of_zero_changes_no_history(fmc, minter, bob, C):
    """A zero mint logs a zero Transfer but writes no checkpoint and moves no votes."""
    delegate(fmc, bob, bob)
    receipt = fmc.mint(bob, 0, sender=minter)
    assert [args(e) for e in events(receipt, fmc.Transfer)] == [
        {"sender": ape.utils.ZERO_ADDRESS, "receiver": bob.address, "value": 0}
    ]
    assert events(receipt, fmc.DelegateVotesChanged) == []
    assert fmc.numCheckpoints(bob) == 0
    assert fmc.totalSupply() == C.INITIAL_SUPPLY


def test_mint_gives_votes_to_receivers_delegate(fmc, minter, bob, carol):
    """Minted tokens count at once for the receiver's delegate."""
    delegate(fmc, bob, carol)
    receipt = fmc.mint(bob, 300, sender=minter)
    assert fmc.getVotes(carol) == 300
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": carol.address, "previousVotes": 0, "newVotes": 300}
    ]


def test_burn_destroys_tokens_votes_and_checkpoints_supply(fmc, alice, C):
    """burn lowers balance, supply and the holder's delegate's votes; logs Transfer to zero."""
    delegate(fmc, alice, alice)
    receipt = fmc.burn(1_000, sender=alice)
    assert fmc.balanceOf(alice) == C.INITIAL_SUPPLY - 1_000
    assert fmc.totalSupply() == C.INITIAL_SUPPLY - 1_000
    assert fmc.getVotes(alice) == C.INITIAL_SUPPLY - 1_000
    assert [args(e) for e in events(receipt, fmc.Transfer)] == [
        {"sender": alice.address, "receiver": ape.utils.ZERO_ADDRESS, "value": 1_000}
    ]
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": alice.address, "previousVotes": C.INITIAL_SUPPLY, "newVotes": C.INITIAL_SUPPLY - 1_000}
    ]
    advance(1)
    assert fmc.getPastTotalSupply(receipt.timestamp) == C.INITIAL_SUPPLY - 1_000


def test_burn_of_whole_balance_and_of_zero(fmc, alice, C):
    """A holder can burn exactly its balance; a zero burn changes nothing."""
    fmc.burn(0, sender=alice)
    assert fmc.totalSupply() == C.INITIAL_SUPPLY
    fmc.burn(C.INITIAL_SUPPLY, sender=alice)
    assert fmc.totalSupply() == 0
    assert fmc.balanceOf(alice) == 0


def test_burn_reverts_beyond_balance(fmc, alice, bob, C):
    """Burning more than one's balance reverts."""
    with ape.reverts("erc20: burn amount exceeds balance"):
        fmc.burn(1, sender=bob)
    with ape.reverts("erc20: burn amount exceeds balance"):
        fmc.burn(C.INITIAL_SUPPLY + 1, sender=alice)


def test_burn_frees_room_under_the_cap(fmc, alice, minter, C):
    """The cap bounds the current supply: burnt tokens can be minted again."""
    fmc.mint(alice, C.CAP - C.INITIAL_SUPPLY, sender=minter)
    fmc.burn(10, sender=alice)
    fmc.mint(alice, 10, sender=minter)
    assert fmc.totalSupply() == C.CAP


# =========================================================================== minter role


def test_set_minter_grants_and_revokes(fmc, deployer, bob):
    """The owner grants and revokes the minter role; each change logs RoleMinterChanged."""
    receipt = fmc.set_minter(bob, True, sender=deployer)
    assert fmc.is_minter(bob) is True
    assert [args(e) for e in events(receipt, fmc.RoleMinterChanged)] == [{"minter": bob.address, "status": True}]
    fmc.mint(bob, 1, sender=bob)
    receipt = fmc.set_minter(bob, False, sender=deployer)
    assert fmc.is_minter(bob) is False
    assert [args(e) for e in events(receipt, fmc.RoleMinterChanged)] == [{"minter": bob.address, "status": False}]
    with ape.reverts("fmc: caller is not a minter"):
        fmc.mint(bob, 1, sender=bob)


def test_set_minter_reverts_for_non_owner(fmc, minter, alice):
    """Only the owner manages minters (a minter cannot appoint others)."""
    for caller in (minter, alice):
        with ape.reverts("ownable: caller is not the owner"):
            fmc.set_minter(alice, True, sender=caller)


def test_set_minter_reverts_for_zero_address_and_owner(fmc, deployer):
    """The zero address and the owner itself cannot be made minters."""
    with ape.reverts("erc20: minter is the zero address"):
        fmc.set_minter(ape.utils.ZERO_ADDRESS, True, sender=deployer)
    with ape.reverts("erc20: minter is owner address"):
        fmc.set_minter(deployer, True, sender=deployer)


# =========================================================================== two-step ownership


def test_transfer_ownership_only_nominates(fmc, deployer, bob):
    """transfer_ownership records a pending owner and logs OwnershipTransferStarted; the owner is unchanged."""
    receipt = fmc.transfer_ownership(bob, sender=deployer)
    assert fmc.owner() == deployer
    assert fmc.pending_owner() == bob
    assert [args(e) for e in events(receipt, fmc.OwnershipTransferStarted)] == [
        {"previous_owner": deployer.address, "new_owner": bob.address}
    ]


def test_accept_ownership_completes_transfer(fmc, deployer, bob, carol):
    """The nominee accepts: it becomes owner (OwnershipTransferred), the pending slot clears, powers move."""
    fmc.transfer_ownership(bob, sender=deployer)
    receipt = fmc.accept_ownership(sender=bob)
    assert fmc.owner() == bob
    assert fmc.pending_owner() == ape.utils.ZERO_ADDRESS
    assert [args(e) for e in events(receipt, fmc.OwnershipTransferred)] == [
        {"previous_owner": deployer.address, "new_owner": bob.address}
    ]
    # Minter management follows the owner; the minter role itself does not.
    assert fmc.is_minter(bob) is False
    fmc.set_minter(carol, True, sender=bob)
    with ape.reverts("ownable: caller is not the owner"):
        fmc.set_minter(carol, False, sender=deployer)


def test_accept_ownership_reverts_for_others(fmc, deployer, bob, carol):
    """Nobody but the pending owner can accept, not even the current owner."""
    fmc.transfer_ownership(bob, sender=deployer)
    for caller in (carol, deployer):
        with ape.reverts("ownable_2step: caller is not the new owner"):
            fmc.accept_ownership(sender=caller)


def test_transfer_ownership_reverts_for_non_owner(fmc, bob):
    """Only the owner can nominate a new owner."""
    with ape.reverts("ownable: caller is not the owner"):
        fmc.transfer_ownership(bob, sender=bob)


def test_transfer_ownership_to_zero_cancels_nomination(fmc, deployer, bob):
    """Nominating the zero address cancels a pending transfer."""
    fmc.transfer_ownership(bob, sender=deployer)
    fmc.transfer_ownership(ape.utils.ZERO_ADDRESS, sender=deployer)
    assert fmc.pending_owner() == ape.utils.ZERO_ADDRESS
    with ape.reverts("ownable_2step: caller is not the new owner"):
        fmc.accept_ownership(sender=bob)


# =========================================================================== delegation and votes


def test_holders_have_no_votes_until_they_delegate(fmc, alice):
    """A balance alone carries no votes; self-delegation activates them and logs both events."""
    assert fmc.getVotes(alice) == 0
    assert fmc.delegates(alice) == ape.utils.ZERO_ADDRESS
    receipt = delegate(fmc, alice, alice)
    assert fmc.delegates(alice) == alice
    assert fmc.getVotes(alice) == fmc.balanceOf(alice)
    assert [args(e) for e in events(receipt, fmc.DelegateChanged)] == [
        {"delegator": alice.address, "fromDelegate": ape.utils.ZERO_ADDRESS, "toDelegate": alice.address}
    ]
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": alice.address, "previousVotes": 0, "newVotes": fmc.balanceOf(alice)}
    ]


def test_redelegation_moves_votes_between_delegates(fmc, alice, bob, carol, C):
    """Changing delegate takes the votes from the old one and gives them to the new one."""
    delegate(fmc, alice, bob)
    receipt = delegate(fmc, alice, carol)
    assert (fmc.getVotes(bob), fmc.getVotes(carol), fmc.getVotes(alice)) == (0, C.INITIAL_SUPPLY, 0)
    assert [args(e) for e in events(receipt, fmc.DelegateChanged)] == [
        {"delegator": alice.address, "fromDelegate": bob.address, "toDelegate": carol.address}
    ]
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": bob.address, "previousVotes": C.INITIAL_SUPPLY, "newVotes": 0},
        {"delegate": carol.address, "previousVotes": 0, "newVotes": C.INITIAL_SUPPLY},
    ]


def test_delegating_to_zero_address_withdraws_votes(fmc, alice, C):
    """Delegating to the zero address removes the holder's votes from its old delegate."""
    delegate(fmc, alice, alice)
    receipt = delegate(fmc, alice, ape.utils.ZERO_ADDRESS)
    assert fmc.getVotes(alice) == 0
    assert fmc.delegates(alice) == ape.utils.ZERO_ADDRESS
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": alice.address, "previousVotes": C.INITIAL_SUPPLY, "newVotes": 0}
    ]


def test_delegating_again_to_same_delegate_moves_nothing(fmc, alice):
    """Re-delegating to the current delegate logs DelegateChanged only and writes no checkpoint."""
    delegate(fmc, alice, alice)
    receipt = delegate(fmc, alice, alice)
    assert [args(e) for e in events(receipt, fmc.DelegateChanged)] == [
        {"delegator": alice.address, "fromDelegate": alice.address, "toDelegate": alice.address}
    ]
    assert events(receipt, fmc.DelegateVotesChanged) == []
    assert fmc.numCheckpoints(alice) == 1


def test_delegating_with_zero_balance_only_records_the_choice(fmc, bob, carol):
    """A holder without tokens can delegate; no votes move until it receives tokens."""
    receipt = delegate(fmc, bob, carol)
    assert fmc.delegates(bob) == carol
    assert events(receipt, fmc.DelegateVotesChanged) == []
    assert fmc.numCheckpoints(carol) == 0


def test_transfers_move_votes_between_delegates(fmc, alice, bob, carol, dave, C):
    """A transfer moves votes from the sender's delegate to the receiver's delegate."""
    delegate(fmc, alice, carol)
    delegate(fmc, bob, dave)
    receipt = fmc.transfer(bob, 100, sender=alice)
    assert fmc.getVotes(carol) == C.INITIAL_SUPPLY - 100
    assert fmc.getVotes(dave) == 100
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": carol.address, "previousVotes": C.INITIAL_SUPPLY, "newVotes": C.INITIAL_SUPPLY - 100},
        {"delegate": dave.address, "previousVotes": 0, "newVotes": 100},
    ]


def test_transfers_with_undelegated_side_touch_one_delegate(fmc, alice, bob, carol, C):
    """Tokens leaving for (or arriving from) an undelegated holder change one delegate only."""
    delegate(fmc, alice, alice)
    receipt = fmc.transfer(bob, 100, sender=alice)
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": alice.address, "previousVotes": C.INITIAL_SUPPLY, "newVotes": C.INITIAL_SUPPLY - 100}
    ]
    delegate(fmc, carol, carol)
    fmc.transfer(carol, 40, sender=bob)  # bob has not delegated
    assert fmc.getVotes(carol) == 40
    assert fmc.getVotes(alice) == C.INITIAL_SUPPLY - 100


def test_transfer_between_holders_with_same_delegate_moves_no_votes(fmc, alice, bob, carol, C):
    """When sender and receiver share a delegate no vote event or checkpoint is written."""
    delegate(fmc, alice, carol)
    delegate(fmc, bob, carol)
    checkpoints_before = fmc.numCheckpoints(carol)
    receipt = fmc.transfer(bob, 100, sender=alice)
    assert events(receipt, fmc.DelegateVotesChanged) == []
    assert fmc.numCheckpoints(carol) == checkpoints_before
    assert fmc.getVotes(carol) == C.INITIAL_SUPPLY


def test_zero_transfer_moves_no_votes(fmc, alice, bob):
    """A zero-amount transfer between delegated holders writes no checkpoint."""
    delegate(fmc, alice, alice)
    delegate(fmc, bob, bob)
    receipt = fmc.transfer(bob, 0, sender=alice)
    assert events(receipt, fmc.DelegateVotesChanged) == []
    assert fmc.numCheckpoints(bob) == 0


def test_transfer_from_moves_votes(fmc, alice, bob, carol):
    """transferFrom moves the votes of the owner's delegate like transfer does."""
    delegate(fmc, alice, alice)
    delegate(fmc, carol, carol)
    fmc.approve(bob, 50, sender=alice)
    fmc.transferFrom(alice, carol, 50, sender=bob)
    assert fmc.getVotes(carol) == 50


def test_checkpoints_record_timepoint_and_votes(fmc, alice, bob):
    """checkpoints(account, i) returns (timepoint, votes) of each change, numCheckpoints counts them."""
    first = delegate(fmc, alice, alice)
    advance(10)
    second = fmc.transfer(bob, 25, sender=alice)
    balance = fmc.balanceOf(alice)
    assert fmc.numCheckpoints(alice) == 2
    checkpoint0 = fmc.checkpoints(alice, 0)
    checkpoint1 = fmc.checkpoints(alice, 1)
    assert (checkpoint0.timepoint, checkpoint0.votes) == (first.timestamp, balance + 25)
    assert (checkpoint1.timepoint, checkpoint1.votes) == (second.timestamp, balance)


def test_checkpoints_reverts_out_of_range(fmc, alice):
    """Reading a checkpoint past the last one reverts (also for the zero address)."""
    with ape.reverts("fmc: checkpoint out of range"):
        fmc.checkpoints(alice, 0)
    delegate(fmc, alice, alice)
    fmc.checkpoints(alice, 0)
    with ape.reverts("fmc: checkpoint out of range"):
        fmc.checkpoints(alice, 1)
    with ape.reverts("fmc: checkpoint out of range"):
        fmc.checkpoints(ape.utils.ZERO_ADDRESS, 0)


def test_changes_in_one_block_share_one_checkpoint(fmc, alice, bob, carol):
    """Several vote changes at the same timepoint update a single checkpoint in place."""
    delegate(fmc, bob, bob)
    token = web3_contract(fmc)
    receipts = in_one_block(
        (token.functions.transfer(str(bob.address), 10), alice),
        (token.functions.transfer(str(bob.address), 20), alice),
        (token.functions.transfer(str(carol.address), 5), bob),
    )
    assert fmc.numCheckpoints(bob) == 1
    checkpoint = fmc.checkpoints(bob, 0)
    block_time = chain.blocks[receipts[0].blockNumber].timestamp
    assert (checkpoint.timepoint, checkpoint.votes) == (block_time, 25)


def test_zero_address_has_no_votes_or_checkpoints(fmc, alice, minter):
    """The zero address reports no votes, although FMC keeps its total-supply history under that key."""
    fmc.mint(alice, 5, sender=minter)
    receipt = fmc.burn(3, sender=alice)
    advance(1)
    zero = ape.utils.ZERO_ADDRESS
    assert fmc.getVotes(zero) == 0
    assert fmc.numCheckpoints(zero) == 0
    assert fmc.getPastVotes(zero, receipt.timestamp) == 0
    assert fmc.delegates(zero) == zero


# =========================================================================== clock and past lookups


def test_clock_is_block_timestamp(fmc):
    """clock() is the timestamp of the block it runs in and CLOCK_MODE says so (ERC-6372)."""
    assert fmc.clock() == head_timestamp()
    advance(1000)
    assert fmc.clock() == head_timestamp()
    assert fmc.CLOCK_MODE() == "mode=timestamp"


def test_past_lookups_reject_current_and_future_timepoints(fmc, alice):
    """getPastVotes / getPastTotalSupply only answer for timepoints strictly before clock()."""
    now = fmc.clock()
    for timepoint in (now, now + 1, 2**256 - 1):
        with ape.reverts("fmc: future lookup"):
            fmc.getPastVotes(alice, timepoint)
        with ape.reverts("fmc: future lookup"):
            fmc.getPastTotalSupply(timepoint)
    assert fmc.getPastVotes(alice, now - 1) == 0


def test_past_votes_follow_history_through_many_checkpoints(fmc, alice, bob):
    """getPastVotes returns the votes in force at every timepoint of a long history.

    24 checkpoints 7 seconds apart exercise the latest-checkpoint shortcut, the
    "recent" probe (sqrt of the count from the end) and the binary search on both
    sides of it: at each checkpoint, between two checkpoints, and before the first.
    """
    delegate(fmc, bob, bob)
    history = []  # (timepoint, votes of bob from then on)
    votes, timepoint = 0, head_timestamp()
    for index in range(24):
        chain.pending_timestamp = timepoint + 7
        timepoint = fmc.transfer(bob, index + 1, sender=alice).timestamp
        votes += index + 1
        history.append((timepoint, votes))
    advance(7)
    assert fmc.numCheckpoints(bob) == 24
    assert fmc.getPastVotes(bob, history[0][0] - 1) == 0
    for timepoint, votes in history:
        assert fmc.getPastVotes(bob, timepoint) == votes
        assert fmc.getPastVotes(bob, timepoint + 3) == votes


def test_past_total_supply_follows_mints_and_burns(fmc, alice, minter, C):
    """getPastTotalSupply returns the supply in force at each past timepoint."""
    advance(5)
    minted = fmc.mint(alice, 1_000, sender=minter)
    advance(5)
    burnt = fmc.burn(400, sender=alice)
    advance(5)
    assert fmc.getPastTotalSupply(minted.timestamp - 1) == C.INITIAL_SUPPLY
    assert fmc.getPastTotalSupply(minted.timestamp) == C.INITIAL_SUPPLY + 1_000
    assert fmc.getPastTotalSupply(burnt.timestamp - 1) == C.INITIAL_SUPPLY + 1_000
    assert fmc.getPastTotalSupply(burnt.timestamp) == C.INITIAL_SUPPLY + 600


def test_past_votes_are_frozen_after_the_timepoint(fmc, alice, bob):
    """Votes recorded at a past timepoint do not change when tokens move afterwards."""
    delegate(fmc, alice, alice)
    advance(10)
    snapshot = head_timestamp()
    votes_then = fmc.getVotes(alice)
    advance(10)
    fmc.transfer(bob, votes_then, sender=alice)
    advance(1)
    assert fmc.getVotes(alice) == 0
    assert fmc.getPastVotes(alice, snapshot) == votes_then


# =========================================================================== delegation by signature


def test_delegate_by_sig_delegates_for_signer(fmc, alice, bob, carol, sign_delegation, C):
    """A valid Delegation signature delegates the signer's votes, logs the events and uses the nonce."""
    expiry = head_timestamp() + 3600
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    receipt = fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=carol)
    assert fmc.delegates(alice) == bob
    assert fmc.getVotes(bob) == C.INITIAL_SUPPLY
    assert fmc.nonces(alice) == 1
    assert [args(e) for e in events(receipt, fmc.DelegateChanged)] == [
        {"delegator": alice.address, "fromDelegate": ape.utils.ZERO_ADDRESS, "toDelegate": bob.address}
    ]
    assert [args(e) for e in events(receipt, fmc.DelegateVotesChanged)] == [
        {"delegate": bob.address, "previousVotes": 0, "newVotes": C.INITIAL_SUPPLY}
    ]


def test_delegate_by_sig_accepts_expiry_equal_to_block_timestamp(fmc, alice, bob, sign_delegation):
    """A delegation signature is still valid in the block whose timestamp equals its expiry."""
    expiry = head_timestamp() + 100
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    chain.pending_timestamp = expiry
    receipt = fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=bob)
    assert receipt.timestamp == expiry
    assert fmc.delegates(alice) == bob


def test_delegate_by_sig_reverts_after_expiry(fmc, alice, bob, sign_delegation):
    """An expired delegation signature is rejected."""
    expiry = head_timestamp() + 100
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    chain.pending_timestamp = expiry + 1
    with ape.reverts("fmc: signature expired"):
        fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=bob)
    assert fmc.nonces(alice) == 0


def test_delegate_by_sig_cannot_be_replayed(fmc, alice, bob, carol, sign_delegation):
    """A delegation signature works once: replaying it (even after a re-delegation) fails."""
    expiry = head_timestamp() + 3600
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=carol)
    delegate(fmc, alice, carol)
    with ape.reverts("fmc: invalid nonce"):
        fmc.delegateBySig(bob, 0, expiry, v, r, s, sender=carol)
    assert fmc.delegates(alice) == carol


def test_delegate_by_sig_rejects_future_nonce(fmc, alice, bob, sign_delegation):
    """A signature over a nonce other than the signer's current one is rejected."""
    expiry = head_timestamp() + 3600
    v, r, s = sign_delegation(fmc, alice, bob, 1, expiry)
    with ape.reverts("fmc: invalid nonce"):
        fmc.delegateBySig(bob, 1, expiry, v, r, s, sender=bob)


def test_delegate_by_sig_shares_nonce_with_permit(fmc, alice, bob, sign_delegation, sign_permit):
    """permit and delegateBySig consume the same nonce: using one invalidates the other."""
    deadline = head_timestamp() + 3600
    delegation = sign_delegation(fmc, alice, bob, 0, deadline)
    permit = sign_permit(fmc, alice, bob, 1, 0, deadline)
    fmc.permit(alice, bob, 1, deadline, *permit, sender=bob)
    with ape.reverts("fmc: invalid nonce"):
        fmc.delegateBySig(bob, 0, deadline, *delegation, sender=bob)
    # And the other way round, with nonce 1.
    delegation = sign_delegation(fmc, alice, bob, 1, deadline)
    permit = sign_permit(fmc, alice, bob, 2, 1, deadline)
    fmc.delegateBySig(bob, 1, deadline, *delegation, sender=bob)
    with ape.reverts("erc20: invalid signature"):
        fmc.permit(alice, bob, 2, deadline, *permit, sender=bob)
    assert fmc.nonces(alice) == 2


def test_delegate_by_sig_with_tampered_terms_never_delegates_for_signer(fmc, alice, bob, carol, sign_delegation):
    """Submitting a signature with other terms (delegatee or domain) cannot delegate the signer's votes.

    Such a signature recovers to an unrelated address. As in ERC-5805 reference
    implementations it then fails the nonce check, or, if that address's nonce
    happens to match, delegates that (empty) address instead: never the victim.
    """
    expiry = head_timestamp() + 3600
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    receipt = fmc.delegateBySig(carol, 0, expiry, v, r, s, sender=carol)
    assert fmc.delegates(alice) == ape.utils.ZERO_ADDRESS
    assert fmc.nonces(alice) == 0
    (changed,) = events(receipt, fmc.DelegateChanged)
    assert changed.delegator != alice.address
    assert events(receipt, fmc.DelegateVotesChanged) == []
    # A signature for another domain recovers to yet another address, whose nonce 0 does not match 1.
    v, r, s = sign_delegation(fmc, alice, bob, 1, expiry, version="2")
    with ape.reverts("fmc: invalid nonce"):
        fmc.delegateBySig(bob, 1, expiry, v, r, s, sender=carol)


def test_delegate_by_sig_reverts_for_malformed_signatures(fmc, alice, bob, sign_delegation):
    """High-s (malleable) and unrecoverable signatures are refused."""
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    expiry = head_timestamp() + 3600
    v, r, s = sign_delegation(fmc, alice, bob, 0, expiry)
    high_s = (n - int.from_bytes(s, "big")).to_bytes(32, "big")
    with ape.reverts("ecdsa: invalid signature `s` value"):
        fmc.delegateBySig(bob, 0, expiry, 55 - v, r, high_s, sender=bob)
    with ape.reverts("ecdsa: invalid signature"):
        fmc.delegateBySig(bob, 0, expiry, 0, bytes(32), bytes(32), sender=bob)


# =========================================================================== build and storage layout


@pytest.fixture(scope="module")
def cli_build():
    """FMC compiled afresh by the vyper CLI with ape-vyper's settings: (runtime bytecode, storage layout)."""
    vyper = Path(sys.executable).parent / "vyper"
    command = [
        str(vyper),
        "contracts/token/FMC.vy",
        "-f",
        "bytecode_runtime,layout",
        "--evm-version",
        "prague",
        "-p",
        ".",
    ]
    bytecode, layout = subprocess.check_output(command, cwd=project.path, text=True).splitlines()
    return bytecode, json.loads(layout)["storage_layout"]


def test_build_is_fresh():
    """The FMC bytecode under test is the one its current sources compile to.

    ape recompiles a source only when its own text changes, not when a module it
    imports (contracts/token/votes.vy) does; after editing a module, run
    `ape compile --force`. This test fails loudly instead of testing stale code.
    The fresh build goes through ape's compiler with the project's settings (the
    Venom pipeline's output depends on how the sources are handed to it, so the
    plain CLI's differs in a few bytes from any standard-JSON build).
    """
    from ape import compilers

    fresh = {ct.name: ct for ct in compilers.compile([project.path / "contracts/token/FMC.vy"], project=project)}
    assert project.FMC.contract_type.runtime_bytecode.bytecode == fresh["FMC"].runtime_bytecode.bytecode, (
        "stale build: run `ape compile --force`"
    )


def test_checkpoint_occupies_one_packed_storage_slot(fmc, alice, cli_build, C):
    """Each vote checkpoint is one storage word: timepoint in the top 48 bits, votes in the low 208;
    an account's word holds its delegate (low 160 bits) and its checkpoint count (next 32 bits).

    The slots are located from the compiler's storage layout, so the test checks the
    packing the gas budget relies on, not just the decoded views.
    """
    _, layout = cli_build
    history_base = layout["votes"]["_history"]["slot"]
    account_base = layout["votes"]["_account"]["slot"]

    def mapping_slot(slot, key):
        # Vyper places `map[key]` at keccak256(slot ++ key).
        return int.from_bytes(keccak(slot.to_bytes(32, "big") + key.to_bytes(32, "big")), "big")

    def storage_word(slot):
        return int.from_bytes(chain.provider.web3.eth.get_storage_at(str(fmc.address), slot), "big")

    receipt = delegate(fmc, alice, alice)
    alice_key = int(str(alice.address), 16)
    assert (
        storage_word(mapping_slot(mapping_slot(history_base, alice_key), 0))
        == (receipt.timestamp << 208) | C.INITIAL_SUPPLY
    )
    account_word = storage_word(mapping_slot(account_base, alice_key))
    assert account_word == (1 << 160) | alice_key  # one checkpoint, delegate = alice
    assert to_checksum_address(account_word & (2**160 - 1)) == alice.address
