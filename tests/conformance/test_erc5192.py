"""ERC-5192 (Minimal Soulbound NFTs) conformance of the attendance badges of PersonaEvents.

Covered, section "Specification": the `locked` function (and its @dev "SBTs assigned to zero
address are considered invalid, and queries about them do throw"), "all EIP-721 functions of
the contract that transfer the token from one account to another must throw" for a locked
token, the `Locked` event ("If a token is minted and the status is locked, this event should
be emitted", with the declared layout `event Locked(uint256 tokenId)`), and the ERC-165
answer for 0xb45a3c0e.

Not applicable: the `Unlocked` event ("Emitted when the locking status is changed to
unlocked"; "If a token is minted and the status is unlocked, this event should be emitted"):
a badge is minted locked and never unlocks, so the event never has an occasion (the contract
does not declare it; events are not part of an ERC-165 interface id).
"""

import ape
import pytest
from conformance_helpers import ERC5192_FUNCTIONS, ZERO, abi_signatures, address, interface_id, mint_badges, raw_logs

LOCKED = "Locked(uint256)"


@pytest.fixture(scope="module")
def badges(events, operator, alice, bob, voucher_key):
    """alice's badge (token 1) and bob's (token 2) for one event: (event_id, receipts)."""
    return mint_badges(events, operator, (alice, bob), voucher_key)


def test_erc5192_supportsInterface_0xb45a3c0e_must_return_true(events):
    """ "upon calling EIP-721's function supportsInterface(bytes4 interfaceID) external view returns
    (bool) with interfaceID=0xb45a3c0e, a contract implementing this EIP must return true." (the id
    is the selector of locked(uint256))."""
    assert interface_id(*ERC5192_FUNCTIONS) == bytes.fromhex("b45a3c0e")
    assert events.supportsInterface(bytes.fromhex("b45a3c0e")) is True


def test_erc5192_locked_is_declared_as_specified(events):
    """ "function locked(uint256 tokenId) external view returns (bool)"."""
    entry = abi_signatures(events, "function")["locked(uint256)"]
    assert entry.stateMutability == "view" and [o.type for o in entry.outputs] == ["bool"]


def test_erc5192_locked_returns_the_locking_status(events, badges):
    """locked: "Returns the locking status of an Soulbound Token" -- every badge is bound to its
    fan: true."""
    assert events.locked(1) is True and events.locked(2) is True


def test_erc5192_locked_queries_about_invalid_SBTs_MUST_throw(events, badges):
    """locked @dev: "SBTs assigned to zero address are considered invalid, and queries about them do
    throw." (ids never minted)."""
    for token_id in (0, 3, 2**256 - 1):
        with ape.reverts():
            events.locked(token_id)


def test_erc5192_locked_token_transfer_functions_MUST_throw(events, badges, alice, bob, carol):
    """ "A token with a uint256 tokenId may be bound to a receiving account with function locked(...)
    returning true. In this case, all EIP-721 functions of the contract that transfer the token from
    one account to another must throw." -- transferFrom and both safeTransferFrom, called by the
    owner itself, to another fan or to a fresh account, with or without value."""
    assert events.locked(1)
    for to in (bob, carol):
        with ape.reverts():
            events.transferFrom(alice, to, 1, sender=alice)
        with ape.reverts():
            events.transferFrom(alice, to, 1, sender=alice, value=1)
        with ape.reverts():
            events.safeTransferFrom(alice, to, 1, sender=alice)
        with ape.reverts():
            events.safeTransferFrom(alice, to, 1, b"\x00" * 4, sender=alice)
    assert events.ownerOf(1) == address(alice) and events.balanceOf(alice) == 1
    assert events.balanceOf(bob) == 1 and events.balanceOf(carol) == 0


def test_erc5192_Locked_should_be_emitted_when_a_token_is_minted_locked(events, badges):
    """Locked: "Emitted when the locking status is changed to locked. @dev If a token is minted and
    the status is locked, this event should be emitted." -- one Locked(tokenId) per minted badge,
    tokenId not indexed (as declared: event Locked(uint256 tokenId))."""
    declared = abi_signatures(events, "event")
    assert [i.indexed for i in declared[LOCKED].inputs] == [False]
    _, receipts = badges
    for receipt, token_id in zip(receipts, (1, 2), strict=True):
        logs = raw_logs(receipt, events, LOCKED)
        assert len(logs) == 1 and len(logs[0]["topics"]) == 1
        assert int.from_bytes(logs[0]["data"], "big") == token_id and len(logs[0]["data"]) == 32


def test_erc5192_locked_status_never_changes_so_Unlocked_never_applies(events, badges, alice, bob):
    """Unlocked: "Emitted when the locking status is changed to unlocked." -- no function unlocks a
    badge: the contract declares no Unlocked event, and a badge stays locked after every attempt
    to move or approve it."""
    assert "Unlocked(uint256)" not in abi_signatures(events, "event")
    for attempt in (
        lambda: events.approve(bob, 1, sender=alice),
        lambda: events.setApprovalForAll(bob, True, sender=alice),
        lambda: events.transferFrom(alice, bob, 1, sender=alice),
    ):
        with ape.reverts():
            attempt()
    assert events.locked(1) is True and events.ownerOf(1) == address(alice) != ZERO
