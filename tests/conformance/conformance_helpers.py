"""Constants and helpers shared by the conformance tests (a uniquely named module, so that it
never clashes with another area's helpers when the whole suite runs).

Everything a test compares against is computed here from the standards' own definitions
(event signatures, interface ids, EIP-712 hashing through eth_account), never read back
from the contract under test.
"""

from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from gov_helpers import in_one_block, mine_to, now, private_key, set_next  # noqa: F401 (re-exported)

from fame import eip712

E18 = 10**18
CAP = 1_000_000_000 * E18
FMC_SUPPLY = 400_000_000 * E18
SHARE_SUPPLY = 1_000 * E18
ZERO = "0x0000000000000000000000000000000000000000"
MAX_UINT256 = 2**256 - 1
DAY = 86_400

#: EIP-712's domain fields, in the order EIP-5267's `fields` bit map indexes them.
DOMAIN_FIELDS = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
)


@dataclass(frozen=True)
class TokenCase:
    """One ERC-20 of the project with what its standards' tests need to know about it."""

    label: str
    contract: Any
    eip712_name: str
    name: str
    symbol: str
    minter: Any
    supply: int  # held by alice after deployment

    def mint(self, to, amount):
        """Creates `amount` new tokens for `to` (the token's own minting path)."""
        return self.contract.mint(to, amount, sender=self.minter)


def address(account) -> str:
    return to_checksum_address(str(getattr(account, "address", account)))


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def interface_id(*signatures: str) -> bytes:
    """ERC-165: the XOR of the selectors of the interface's functions."""
    out = 0
    for sig in signatures:
        out ^= int.from_bytes(selector(sig), "big")
    return out.to_bytes(4, "big")


def topic(signature: str) -> bytes:
    """topic 0 of an event with this canonical signature."""
    return keccak(text=signature)


def raw_logs(receipt, contract, signature: str) -> list[dict]:
    """The undecoded logs `contract` emitted in `receipt` whose topic 0 is the event `signature`."""
    out = []
    for log in receipt.logs:
        topics = [bytes(t) for t in log["topics"]]
        if address(log["address"]) == address(contract) and topics and topics[0] == topic(signature):
            data = log["data"]
            data = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
            out.append({"topics": topics, "data": data})
    return out


def topic_address(value: bytes) -> str:
    assert value[:12] == bytes(12), "an address topic is left-padded with zeros"
    return to_checksum_address(value[12:])


def decode_data(types: list[str], data: bytes) -> tuple:
    return tuple(abi_decode(types, data))


def abi_signatures(contract, kind: str) -> dict[str, Any]:
    """Canonical signature -> ABI entry of every function (or event) of `contract`."""
    out = {}
    for entry in contract.contract_type.abi:
        if entry.type == kind:
            out[f"{entry.name}({','.join(i.canonical_type for i in entry.inputs)})"] = entry
    return out


# --------------------------------------------------------------------------- EIP-712 / EIP-5267


def domain_from_eip5267(result) -> dict[str, Any]:
    """The EIP-712 domain an `eip712Domain()` answer describes (EIP-5267's reference
    `buildBasicDomain`: a field is kept iff its bit is set in `fields`)."""
    fields, name, version, chain_id, verifying_contract, salt, extensions = result
    assert list(extensions) == [], "no EIP-712 extension is implemented here"
    values = {
        "name": name,
        "version": version,
        "chainId": int(chain_id),
        "verifyingContract": address(verifying_contract),
        "salt": bytes(salt),
    }
    bits = int.from_bytes(bytes(fields), "big")
    return {key: values[key] for i, (key, _) in enumerate(DOMAIN_FIELDS) if bits & (1 << i)}


def domain_type(domain: dict[str, Any]) -> list[dict[str, str]]:
    """The EIP712Domain struct type of `domain` (its present fields, in EIP-712's order)."""
    return [{"name": key, "type": kind} for key, kind in DOMAIN_FIELDS if key in domain]


def separator_of(domain: dict[str, Any]) -> bytes:
    """hashStruct(eip712Domain) of `domain`, by eth_account's EIP-712 implementation."""
    message = {
        "types": {"EIP712Domain": domain_type(domain), "Empty": []},
        "primaryType": "Empty",
        "domain": domain,
        "message": {},
    }
    return bytes(encode_typed_data(full_message=message).header)


def common_separator(name: str, version: str, chain_id: int, contract) -> bytes:
    """The "common choice" of DOMAIN_SEPARATOR written out in EIP-2612 and ERC-5805."""
    type_hash = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    return keccak(
        type_hash
        + keccak(text=name)
        + keccak(text=version)
        + int(chain_id).to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(address(contract)[2:])
    )


def sign(key, message: dict) -> tuple[int, bytes, bytes]:
    return eip712.sign_typed(key, message)


def permit_message(domain: dict, owner, spender, value: int, nonce: int, deadline: int) -> dict:
    return {
        "types": {"EIP712Domain": domain_type(domain), "Permit": eip712.PERMIT_TYPE},
        "primaryType": "Permit",
        "domain": domain,
        "message": {
            "owner": address(owner),
            "spender": address(spender),
            "value": int(value),
            "nonce": int(nonce),
            "deadline": int(deadline),
        },
    }


def delegation_message(domain: dict, delegatee, nonce: int, expiry: int) -> dict:
    return {
        "types": {"EIP712Domain": domain_type(domain), "Delegation": eip712.DELEGATION_TYPE},
        "primaryType": "Delegation",
        "domain": domain,
        "message": {"delegatee": address(delegatee), "nonce": int(nonce), "expiry": int(expiry)},
    }


def voucher_signature(key, domain: dict, event_id: int, attendee, attended: int, deadline: int) -> bytes:
    """65-byte r || s || v of an attendance voucher in `domain`."""
    message = {
        "types": {"EIP712Domain": domain_type(domain), "Attendance": eip712.ATTENDANCE_TYPE},
        "primaryType": "Attendance",
        "domain": domain,
        "message": {
            "eventId": int(event_id),
            "attendee": address(attendee),
            "attended": int(attended),
            "deadline": int(deadline),
        },
    }
    return bytes(Account.sign_typed_data(getattr(key, "key", key), full_message=message).signature)


def sign_permit(case: TokenCase, owner, spender, value: int, deadline: int, nonce=None, signer=None, **domain):
    """(v, r, s) of `owner`'s EIP-2612 permit on `case`'s token, in its EIP-712 domain (any field
    overridable by keyword), signed by `signer` (default: `owner`) with `owner`'s current nonce
    unless `nonce` is given."""
    from ape import chain

    fields = {
        "name": case.eip712_name,
        "version": "1",
        "chainId": chain.chain_id,
        "verifyingContract": address(case.contract),
    }
    fields.update(domain)
    nonce = case.contract.nonces(owner) if nonce is None else nonce
    message = permit_message(fields, owner, spender, value, nonce, deadline)
    return sign(private_key(signer or owner), message)


# --------------------------------------------------------------------------- attendance badges

#: ERC-165 interface ids, each with the function signatures it is the XOR of.
ERC165_FUNCTIONS = ("supportsInterface(bytes4)",)
ERC721_FUNCTIONS = (
    "balanceOf(address)",
    "ownerOf(uint256)",
    "safeTransferFrom(address,address,uint256,bytes)",
    "safeTransferFrom(address,address,uint256)",
    "transferFrom(address,address,uint256)",
    "approve(address,uint256)",
    "setApprovalForAll(address,bool)",
    "getApproved(uint256)",
    "isApprovedForAll(address,address)",
)
ERC721_METADATA_FUNCTIONS = ("name()", "symbol()", "tokenURI(uint256)")
ERC721_ENUMERABLE_FUNCTIONS = ("totalSupply()", "tokenByIndex(uint256)", "tokenOfOwnerByIndex(address,uint256)")
ERC5192_FUNCTIONS = ("locked(uint256)",)


def mint_badges(events, operator, fans, voucher_key, cid="bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"):
    """Schedules a free event of persona 1, gives each fan a ticket and claims each fan's badge
    with a voucher of the live server (fame.eip712.attendance_typed_data). Returns the event id
    and the claim receipts, in the fans' order."""
    from ape import chain

    starts_at = now() + 3_600
    receipt = events.schedule(1, starts_at, starts_at + 7_200, 100, 0, 60, cid, sender=operator)
    event_id = receipt.events.filter(events.EventScheduled)[0].event_id
    receipts = []
    for fan in fans:
        events.buy(event_id, sender=fan)
        deadline = now() + DAY
        message = eip712.attendance_typed_data(chain.chain_id, events, event_id, fan, 600, deadline)
        v, r, s = eip712.sign_typed(voucher_key.key, message)
        receipts.append(events.claim_badge(event_id, 600, deadline, r + s + bytes([v]), sender=fan))
    return event_id, receipts


def delegate(token, delegator, delegatee):
    """Sends the ERC-5805 `token.delegate(delegatee)` from `delegator`, invoked by name: ape's
    contract instances have a `delegate` property of their own (EIP-7702 / proxy delegates) that
    hides the ABI method of that name."""
    return token.invoke_transaction("delegate", delegatee, sender=delegator)
