"""ERC-721 (Non-Fungible Token Standard) and ERC-165 (Standard Interface Detection) conformance
of the attendance badges of PersonaEvents.

PersonaEvents declares `implements: IERC165, IERC721`, answers supportsInterface for ERC-165
(0x01ffc9a7), ERC-721 (0x80ac58cd), ERC-721 Metadata (0x5b5e139f) and ERC-5192 (0xb45a3c0e;
its clauses: test_erc5192.py), and does not claim ERC-721 Enumerable (0x780e9d63). Covered:
"Specification" (every function of the ERC721 interface and its throw conditions, the three
events as declared), "Caveats" (the mutability guarantees), the metadata extension, the
"NFT Identifiers" and "Transfer Mechanism" parts of "Rationale" that carry requirements, and
ERC-165's "How a Contract will Publish the Interfaces it Implements" (the ids are computed here
from the function signatures, as ERC-165 defines them, and supportsInterface is held to
30,000 gas by an eth_call with that much execution gas, as ERC-165's detection procedure
does with STATICCALL).

The badges are soulbound: every transfer and approval function always throws. ERC-721 allows
this -- "The transfer and accept functions' documentation only specify conditions when the
transaction MUST throw. Your implementation MAY also throw in other situations", with the
example "Read only NFT registry -- always throw from safeTransferFrom, transferFrom, approve and
setApprovalForAll" -- so, within that design, these clauses have nothing left to test:
- setApprovalForAll "Emits the ApprovalForAll event. The contract MUST allow multiple operators
  per owner.": no operator can be set in a read-only registry (isApprovedForAll is always false,
  tested);
- safeTransferFrom's onERC721Received check, and "A wallet/broker/auction application MUST
  implement the wallet interface if it will accept safe transfers" (PersonaEvents receives no
  NFTs);
- the Approval and ApprovalForAll events (no approval ever succeeds) and "At the time of any
  transfer, the approved address for that NFT (if any) is reset to none" (getApproved is always
  the zero address, tested);
- the enumeration extension (OPTIONAL, not claimed: supportsInterface answers false, tested).
"ERC721 Metadata JSON Schema" describes the document a URI may point to, off chain.
"""

import re

import ape
import pytest
from ape import chain
from conformance_helpers import (
    ERC165_FUNCTIONS,
    ERC721_ENUMERABLE_FUNCTIONS,
    ERC721_FUNCTIONS,
    ERC721_METADATA_FUNCTIONS,
    ERC5192_FUNCTIONS,
    ZERO,
    abi_signatures,
    address,
    interface_id,
    mint_badges,
    raw_logs,
    selector,
    topic_address,
)
from eth_abi import decode as abi_decode

TRANSFER = "Transfer(address,address,uint256)"
APPROVAL = "Approval(address,address,uint256)"
APPROVAL_FOR_ALL = "ApprovalForAll(address,address,bool)"
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

#: RFC 3986: scheme ":" hier-part, every character unreserved, reserved or a %-escape.
RFC3986_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


@pytest.fixture(scope="module")
def badges(events, operator, alice, bob, voucher_key):
    """alice's badge (token 1) and bob's (token 2) for one event: (event_id, receipts)."""
    return mint_badges(events, operator, (alice, bob), voucher_key, cid=CID)


def supports(contract, interface: bytes, execution_gas=None) -> bool:
    """supportsInterface(interface) by a raw eth_call; with `execution_gas`, the call gets exactly
    that much gas beyond the transaction's intrinsic cost (ERC-165's STATICCALL budget)."""
    w3 = chain.provider.web3
    data = selector("supportsInterface(bytes4)") + interface + bytes(28)
    call = {"to": address(contract), "data": data}
    if execution_gas is not None:
        zeros = data.count(0)
        standard = 21_000 + 4 * zeros + 16 * (len(data) - zeros)
        floor = 21_000 + 10 * (zeros + 4 * (len(data) - zeros))  # EIP-7623 (prague)
        call["gas"] = max(standard + execution_gas, floor)
    out = w3.eth.call(call)
    return abi_decode(["bool"], out)[0]


# --------------------------------------------------------------------------- ERC-165


def test_erc165_interface_ids_are_the_xor_of_the_function_selectors():
    """ERC-165 "How Interfaces are Identified": the identifier is the XOR of all function selectors
    in the interface; they match the ids the standards publish."""
    assert interface_id(*ERC165_FUNCTIONS) == bytes.fromhex("01ffc9a7")
    assert interface_id(*ERC721_FUNCTIONS) == bytes.fromhex("80ac58cd")
    assert interface_id(*ERC721_METADATA_FUNCTIONS) == bytes.fromhex("5b5e139f")
    assert interface_id(*ERC721_ENUMERABLE_FUNCTIONS) == bytes.fromhex("780e9d63")
    assert interface_id(*ERC5192_FUNCTIONS) == bytes.fromhex("b45a3c0e")


def test_erc721_compliant_contract_must_implement_the_ERC721_and_ERC165_interfaces(events):
    """ERC-721: "Every ERC-721 compliant contract must implement the ERC721 and ERC165 interfaces"
    -- every function of both is present, and supportsInterface answers true for both ids."""
    functions = abi_signatures(events, "function")
    for signature in ERC721_FUNCTIONS + ERC165_FUNCTIONS:
        assert signature in functions, signature
    assert events.supportsInterface(interface_id(*ERC721_FUNCTIONS))
    assert events.supportsInterface(interface_id(*ERC165_FUNCTIONS))


def test_erc165_supportsInterface_returns_true_for_0x01ffc9a7(events):
    """ERC-165: supportsInterface returns "true when interfaceID is 0x01ffc9a7 (EIP165 interface)"."""
    assert supports(events, bytes.fromhex("01ffc9a7")) is True


def test_erc165_supportsInterface_returns_false_for_0xffffffff(events):
    """ERC-165: "false when interfaceID is 0xffffffff" (the second step of ERC-165 detection)."""
    assert supports(events, bytes.fromhex("ffffffff")) is False


def test_erc165_supportsInterface_true_for_implemented_false_for_any_other(events):
    """ERC-165: "true for any other interfaceID this contract implements; false for any other
    interfaceID" -- the four ids it implements (each backed by the functions in its ABI), and
    false for Enumerable (not implemented), the zero id and near misses."""
    functions = abi_signatures(events, "function")
    implemented = (ERC165_FUNCTIONS, ERC721_FUNCTIONS, ERC721_METADATA_FUNCTIONS, ERC5192_FUNCTIONS)
    for signatures in implemented:
        assert set(signatures) <= set(functions)
        assert supports(events, interface_id(*signatures)) is True
    assert not set(ERC721_ENUMERABLE_FUNCTIONS) <= set(functions)
    others = [interface_id(*ERC721_ENUMERABLE_FUNCTIONS), bytes(4), bytes.fromhex("80ac58cc")]
    others.append(selector("onERC721Received(address,address,uint256,bytes)"))
    for other in others:
        assert supports(events, other) is False


def test_erc165_supportsInterface_MUST_use_at_most_30000_gas(events):
    """ERC-165: "This function must return a bool and use at most 30,000 gas." (ERC-721: "uses less
    than 30,000 gas") -- answered with 29,999 gas of execution, for a supported and an unsupported
    id."""
    for interface, expected in (("80ac58cd", True), ("b45a3c0e", True), ("ffffffff", False), ("12345678", False)):
        assert supports(events, bytes.fromhex(interface), execution_gas=29_999) is expected


# --------------------------------------------------------------------------- the ERC721 interface


def test_erc721_mutability_MUST_meet_the_guarantee_of_the_interface(events):
    """Caveats: "Your implementation MUST meet the mutability guarantee in this interface and you MAY
    meet a stronger guarantee." (weak to strong: payable, nonpayable, view, pure)."""
    strength = {"payable": 0, "nonpayable": 1, "view": 2, "pure": 3}
    required = {
        "balanceOf(address)": "view",
        "ownerOf(uint256)": "view",
        "safeTransferFrom(address,address,uint256,bytes)": "payable",
        "safeTransferFrom(address,address,uint256)": "payable",
        "transferFrom(address,address,uint256)": "payable",
        "approve(address,uint256)": "payable",
        "setApprovalForAll(address,bool)": "nonpayable",
        "getApproved(uint256)": "view",
        "isApprovedForAll(address,address)": "view",
        "supportsInterface(bytes4)": "view",
        "name()": "view",
        "symbol()": "view",
        "tokenURI(uint256)": "view",
    }
    functions = abi_signatures(events, "function")
    for signature, guarantee in required.items():
        assert strength[functions[signature].stateMutability] >= strength[guarantee], signature


def test_erc721_events_are_declared_as_specified(events):
    """Transfer(address indexed _from, address indexed _to, uint256 indexed _tokenId): all three
    indexed (an ERC-20 style Transfer would put the id in the data and be a different log).
    Approval(address indexed, address indexed, uint256 indexed) and ApprovalForAll(address indexed,
    address indexed, bool), never emitted here, must have that layout if declared at all."""
    declared = abi_signatures(events, "event")
    assert [i.indexed for i in declared[TRANSFER].inputs] == [True, True, True]
    layouts = {APPROVAL: [True, True, True], APPROVAL_FOR_ALL: [True, True, False]}
    for signature, layout in layouts.items():
        if signature in declared:
            assert [i.indexed for i in declared[signature].inputs] == layout, signature


def test_erc721_balanceOf_counts_all_NFTs_assigned_to_an_owner(
    events, badges, alice, bob, carol, operator, voucher_key
):
    """balanceOf: "Count all NFTs assigned to an owner ... The number of NFTs owned by _owner,
    possibly zero"."""
    assert (events.balanceOf(alice), events.balanceOf(bob), events.balanceOf(carol)) == (1, 1, 0)
    mint_badges(events, operator, (alice,), voucher_key)
    assert events.balanceOf(alice) == 2


def test_erc721_balanceOf_throws_for_queries_about_the_zero_address(events, badges):
    """balanceOf: "NFTs assigned to the zero address are considered invalid, and this function throws
    for queries about the zero address."."""
    with ape.reverts():
        events.balanceOf(ZERO)


def test_erc721_ownerOf_returns_the_owner_of_the_NFT(events, badges, alice, bob):
    """ownerOf: "Find the owner of an NFT ... The address of the owner of the NFT"."""
    assert events.ownerOf(1) == address(alice) and events.ownerOf(2) == address(bob)


def test_erc721_ownerOf_queries_about_invalid_NFTs_do_throw(events, badges):
    """ownerOf: "NFTs assigned to zero address are considered invalid, and queries about them do
    throw." (ids never minted: 0, the next one, the largest)."""
    for token_id in (0, 3, 2**256 - 1):
        with ape.reverts():
            events.ownerOf(token_id)


def test_erc721_transfer_functions_throw_unless_sender_is_owner_operator_or_approved(events, badges, alice, bob):
    """safeTransferFrom / transferFrom: "Throws unless msg.sender is the current owner, an
    authorized operator, or the approved address for this NFT." -- a stranger to the token is
    refused by all three."""
    with ape.reverts():
        events.transferFrom(alice, bob, 1, sender=bob)
    with ape.reverts():
        events.safeTransferFrom(alice, bob, 1, sender=bob)
    with ape.reverts():
        events.safeTransferFrom(alice, bob, 1, b"\x01", sender=bob)
    assert events.ownerOf(1) == address(alice)


def test_erc721_transfer_functions_throw_if_from_is_not_the_owner_to_is_zero_or_token_invalid(
    events, badges, alice, bob
):
    """transferFrom / safeTransferFrom: "Throws if _from is not the current owner. Throws if _to is
    the zero address. Throws if _tokenId is not a valid NFT."."""
    for sender, origin, to, token_id in ((alice, bob, alice, 1), (alice, alice, ZERO, 1), (alice, alice, bob, 99)):
        with ape.reverts():
            events.transferFrom(origin, to, token_id, sender=sender)
        with ape.reverts():
            events.safeTransferFrom(origin, to, token_id, sender=sender)
        with ape.reverts():
            events.safeTransferFrom(origin, to, token_id, b"", sender=sender)


def test_erc721_read_only_registry_MAY_always_throw_from_transfers_and_approvals(events, badges, alice, bob):
    """Rationale, Transfer Mechanism: "Your implementation MAY also throw in other situations ...
    Read only NFT registry -- always throw from safeTransferFrom, transferFrom, approve and
    setApprovalForAll" -- the badges' design, even for the owner acting on its own badge."""
    with ape.reverts():
        events.transferFrom(alice, bob, 1, sender=alice)
    with ape.reverts():
        events.safeTransferFrom(alice, bob, 1, sender=alice)
    with ape.reverts():
        events.safeTransferFrom(alice, bob, 1, b"data", sender=alice)
    with ape.reverts():
        events.approve(bob, 1, sender=alice)
    with ape.reverts():
        events.setApprovalForAll(bob, True, sender=alice)
    assert events.ownerOf(1) == address(alice) and events.balanceOf(alice) == 1


def test_erc721_approve_throws_unless_sender_is_owner_or_operator(events, badges, alice, bob):
    """approve: "Throws unless msg.sender is the current NFT owner, or an authorized operator of the
    current owner."."""
    with ape.reverts():
        events.approve(bob, 1, sender=bob)
    with ape.reverts():
        events.approve(alice, 2, sender=alice)


def test_erc721_getApproved_returns_zero_if_there_is_none(events, badges):
    """getApproved: "The approved address for this NFT, or the zero address if there is none" (and
    after the mint, the Transfer event's "the approved address for that NFT (if any) is reset to
    none")."""
    assert events.getApproved(1) == ZERO and events.getApproved(2) == ZERO


def test_erc721_getApproved_throws_if_tokenId_is_not_a_valid_NFT(events, badges):
    """getApproved: "Throws if _tokenId is not a valid NFT."."""
    for token_id in (0, 3):
        with ape.reverts():
            events.getApproved(token_id)


def test_erc721_isApprovedForAll_true_only_for_an_approved_operator(events, badges, alice, bob, operator):
    """isApprovedForAll: "True if _operator is an approved operator for _owner, false otherwise" --
    nobody can become one (setApprovalForAll always throws), so false for every pair."""
    with ape.reverts():
        events.setApprovalForAll(bob, True, sender=alice)
    for owner, op in ((alice, bob), (bob, alice), (alice, operator), (alice, alice)):
        assert events.isApprovedForAll(owner, op) is False


def test_erc721_Transfer_emits_when_NFTs_are_created(events, badges, alice, bob):
    """Transfer: "This emits when ownership of any NFT changes by any mechanism. This event emits
    when NFTs are created (from == 0)" -- one log per badge minted, ids indexed."""
    _, receipts = badges
    for receipt, owner, token_id in zip(receipts, (alice, bob), (1, 2), strict=True):
        logs = raw_logs(receipt, events, TRANSFER)
        assert len(logs) == 1 and len(logs[0]["topics"]) == 4 and logs[0]["data"] == b""
        topics = logs[0]["topics"]
        assert (topic_address(topics[1]), topic_address(topics[2])) == (ZERO, address(owner))
        assert int.from_bytes(topics[3], "big") == token_id
        assert raw_logs(receipt, events, APPROVAL) == [] and raw_logs(receipt, events, APPROVAL_FOR_ALL) == []


def test_erc721_NFT_identifier_SHALL_NOT_change_for_the_life_of_the_contract(
    events, badges, alice, bob, carol, operator, voucher_key
):
    """Rationale, NFT Identifiers: "Every NFT is identified by a unique uint256 ID inside the ERC-721
    smart contract. This identifying number SHALL NOT change for the life of the contract." --
    later badges get new ids; the earlier ones keep theirs and their owners."""
    event_id, _ = badges
    _, receipts = mint_badges(events, operator, (carol, alice), voucher_key)
    new_ids = [int.from_bytes(raw_logs(r, events, TRANSFER)[0]["topics"][3], "big") for r in receipts]
    assert len(set(new_ids + [1, 2])) == 4
    assert events.badge_of(event_id, alice) == 1 and events.badge_of(event_id, bob) == 2
    assert events.ownerOf(1) == address(alice) and events.ownerOf(2) == address(bob)


# --------------------------------------------------------------------------- metadata extension


def test_erc721_metadata_name_and_symbol_are_strings(events):
    """ERC721Metadata: "A descriptive name for a collection of NFTs in this contract" and "An
    abbreviated name for NFTs in this contract"."""
    functions = abi_signatures(events, "function")
    assert [o.type for o in functions["name()"].outputs] == ["string"]
    assert [o.type for o in functions["symbol()"].outputs] == ["string"]
    assert events.name() == "FameEngine Attendance" and events.symbol() == "FAME-POA"


def test_erc721_metadata_tokenURI_is_an_RFC3986_URI(events, badges):
    """tokenURI: "A distinct Uniform Resource Identifier (URI) for a given asset ... URIs are defined
    in RFC 3986." -- the badge's event metadata, ipfs://<CID>."""
    for token_id in (1, 2):
        uri = events.tokenURI(token_id)
        assert RFC3986_URI.match(uri), uri
        assert uri == f"ipfs://{CID}"


def test_erc721_metadata_tokenURI_throws_if_tokenId_is_not_a_valid_NFT(events, badges):
    """tokenURI: "Throws if _tokenId is not a valid NFT."."""
    for token_id in (0, 3):
        with ape.reverts():
            events.tokenURI(token_id)


def test_erc721_metadata_implementer_SHALL_also_implement_ERC721(events):
    """Caveats: "A contract that implements ERC721Metadata or ERC721Enumerable SHALL also implement
    ERC721."."""
    assert events.supportsInterface(interface_id(*ERC721_METADATA_FUNCTIONS))
    assert events.supportsInterface(interface_id(*ERC721_FUNCTIONS))
