"""EIP-712 typed data that FameEngine accounts sign off chain.

EIP-2612 permits let a holder approve FMC (or a persona's share token) with a signature
instead of a transaction: the launchpad's `contribute_with_permit` and the content market's
`request_with_permit` take one. Every FameEngine token uses the EIP-712 domain
(name, version "1", chain id, token address).
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
DELEGATION_TYPE = [
    {"name": "delegatee", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
]
PERMIT_TYPE = [
    {"name": "owner", "type": "address"},
    {"name": "spender", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


def _address(account: Any) -> str:
    return to_checksum_address(str(getattr(account, "address", account)))


def domain(name: str, chain_id: int, verifying_contract: Any, version: str = "1") -> dict[str, Any]:
    """The EIP-712 domain of a FameEngine token."""
    return {
        "name": name,
        "version": version,
        "chainId": int(chain_id),
        "verifyingContract": _address(verifying_contract),
    }


def permit_typed_data(
    *,
    name: str,
    chain_id: int,
    token: Any,
    owner: Any,
    spender: Any,
    value: int,
    nonce: int,
    deadline: int,
    version: str = "1",
) -> dict[str, Any]:
    """The full EIP-712 message of an EIP-2612 permit (what a wallet's eth_signTypedData_v4 signs)."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Permit": PERMIT_TYPE},
        "primaryType": "Permit",
        "domain": domain(name, chain_id, token, version),
        "message": {
            "owner": _address(owner),
            "spender": _address(spender),
            "value": int(value),
            "nonce": int(nonce),
            "deadline": int(deadline),
        },
    }


def delegation_typed_data(
    *, name: str, chain_id: int, token: Any, delegatee: Any, nonce: int, expiry: int, version: str = "1"
) -> dict[str, Any]:
    """The full EIP-712 message of an ERC-5805 `delegateBySig` (FMC votes delegated by signature)."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Delegation": DELEGATION_TYPE},
        "primaryType": "Delegation",
        "domain": domain(name, chain_id, token, version),
        "message": {"delegatee": _address(delegatee), "nonce": int(nonce), "expiry": int(expiry)},
    }


BALLOT_TYPE = [
    {"name": "proposalId", "type": "uint256"},
    {"name": "support", "type": "uint8"},
    {"name": "voter", "type": "address"},
    {"name": "nonce", "type": "uint256"},
]


def ballot_typed_data(
    *,
    chain_id: int,
    governor: Any,
    proposal_id: int,
    support: int,
    voter: Any,
    nonce: int,
    name: str = "FameEngine Governor",
    version: str = "1",
) -> dict[str, Any]:
    """The full EIP-712 message of a vote cast by signature (`FameGovernor.castVoteBySig`)."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Ballot": BALLOT_TYPE},
        "primaryType": "Ballot",
        "domain": domain(name, chain_id, governor, version),
        "message": {
            "proposalId": int(proposal_id),
            "support": int(support),
            "voter": _address(voter),
            "nonce": int(nonce),
        },
    }


def sign_typed(private_key: Any, message: dict[str, Any]) -> tuple[int, bytes, bytes]:
    """(v, r, s) of `private_key`'s signature of a full EIP-712 message."""
    signed = Account.sign_typed_data(private_key, full_message=message)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


def sign_permit(private_key: Any, **fields: Any) -> tuple[int, bytes, bytes]:
    """(v, r, s) of a permit: `fields` are those of `permit_typed_data`."""
    return sign_typed(private_key, permit_typed_data(**fields))


ATTENDANCE_TYPE = [
    {"name": "eventId", "type": "uint256"},
    {"name": "attendee", "type": "address"},
    {"name": "attended", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
#: The EIP-712 domain name of PersonaEvents' attendance vouchers (docs/live.md).
EVENTS_DOMAIN_NAME = "FameEngine PersonaEvents"


def attendance_typed_data(
    chain_id: int, events: Any, event_id: int, attendee: Any, attended: int, deadline: int
) -> dict[str, Any]:
    """The live server's voucher that `attendee` stayed `attended` seconds in event `event_id`'s
    room, usable with PersonaEvents.claim_badge until `deadline`."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Attendance": ATTENDANCE_TYPE},
        "primaryType": "Attendance",
        "domain": domain(EVENTS_DOMAIN_NAME, chain_id, events),
        "message": {
            "eventId": int(event_id),
            "attendee": _address(attendee),
            "attended": int(attended),
            "deadline": int(deadline),
        },
    }
