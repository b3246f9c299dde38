"""Constants and helpers shared by the PersonaEvents tests (a uniquely named module, so that it
never clashes with another area's helpers when the whole suite runs).

Vouchers are signed here with eth_account's EIP-712 implementation (`sign_typed_data`), which is
independent of the contract's hashing: a test passes only if both agree on the typed data.
"""

from eth_account import Account
from eth_utils import keccak

from fame.eip712 import DOMAIN_TYPE, domain

E18 = 10**18
PRICE = 10 * E18
HOUR = 3_600
DAY = 86_400
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
OTHER_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
ZERO = "0x0000000000000000000000000000000000000000"

# The contract's bounds (PersonaEvents.MAX_*), restated from docs/live.md.
MAX_CAPACITY = 100_000
MAX_DURATION = 30 * DAY
MAX_LEAD_TIME = 365 * DAY
MAX_PRICE = 1_000_000_000 * E18
MAX_CID = 100

EIP712_NAME = "FameEngine PersonaEvents"
ATTENDANCE_TYPE = [
    {"name": "eventId", "type": "uint256"},
    {"name": "attendee", "type": "address"},
    {"name": "attended", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

# Revert reasons.
NOT_OPERATOR = "events: caller is not the persona's operator"
NOT_OWNER = "ownable: caller is not the owner"
BAD_VOUCHER = "events: voucher not signed by the voucher signer"
SOULBOUND = "badge: soulbound"
UNKNOWN_TOKEN = "badge: unknown token"


def attendance_typed_data(chain_id: int, contract, event_id: int, attendee, attended: int, deadline: int) -> dict:
    """The full EIP-712 message of an attendance voucher, as a wallet's eth_signTypedData_v4 takes it."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Attendance": ATTENDANCE_TYPE},
        "primaryType": "Attendance",
        "domain": domain(EIP712_NAME, chain_id, contract),
        "message": {
            "eventId": int(event_id),
            "attendee": str(getattr(attendee, "address", attendee)),
            "attended": int(attended),
            "deadline": int(deadline),
        },
    }


def sign_voucher(key, chain_id: int, contract, event_id: int, attendee, attended: int, deadline: int) -> bytes:
    """The 65-byte r || s || v signature of a voucher by `key` (a private key or a LocalAccount)."""
    message = attendance_typed_data(chain_id, contract, event_id, attendee, attended, deadline)
    return bytes(Account.sign_typed_data(getattr(key, "key", key), full_message=message).signature)


def selector(signature: str) -> int:
    return int.from_bytes(keccak(text=signature)[:4], "big")


def interface_id(*signatures: str) -> int:
    """ERC-165: the XOR of the selectors of an interface's functions."""
    out = 0
    for sig in signatures:
        out ^= selector(sig)
    return out


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
ERC5192_FUNCTIONS = ("locked(uint256)",)
