"""Attendance vouchers: EIP-712 `Attendance(eventId, attendee, attended, deadline)` in the
domain of PersonaEvents (name "FameEngine PersonaEvents", version "1", chain id, its address),
signed with the live server's voucher key; `claim_badge` mints the badge with one.

The key is FAME_LIVE_VOUCHER_KEY; without it the local stack's dev key (anvil mnemonic index
DEV_VOUCHER_INDEX) signs, on the local chain only: anywhere else its private key is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount

from fame.chain import dev_account
from fame.config import DEV_VOUCHER_INDEX, LOCAL_CHAIN_ID, LiveSettings
from fame.eip712 import attendance_typed_data


class NoVoucherKey(Exception):
    """This server has no key it may sign vouchers with on this chain; `str()` says what to set."""


@dataclass(frozen=True)
class Voucher:
    chain_id: int
    contract: str  # PersonaEvents: the EIP-712 verifying contract
    event_id: int
    attendee: str
    attended: int
    deadline: int
    signature: str  # 0x + r || s || v (65 bytes)


def voucher_key(cfg: LiveSettings, chain_id: int) -> LocalAccount:
    """The key that signs vouchers on `chain_id` (NoVoucherKey when there is none)."""
    if cfg.voucher_key is not None:
        try:
            account: LocalAccount = Account.from_key(cfg.voucher_key.get_secret_value())
        except (ValueError, TypeError):
            raise NoVoucherKey("FAME_LIVE_VOUCHER_KEY is not a private key (0x + 64 hex digits)") from None
        return account
    if chain_id != LOCAL_CHAIN_ID:
        raise NoVoucherKey(
            f"no voucher key for chain {chain_id}: "
            "set FAME_LIVE_VOUCHER_KEY to the key of PersonaEvents' voucher signer"
        )
    return dev_account(DEV_VOUCHER_INDEX)


def sign(
    key: LocalAccount, *, chain_id: int, contract: str, event_id: int, attendee: str, attended: int, deadline: int
) -> Voucher:
    message = attendance_typed_data(chain_id, contract, event_id, attendee, attended, deadline)
    signed = key.sign_typed_data(full_message=message)
    attendee = message["message"]["attendee"]
    return Voucher(chain_id, contract, event_id, attendee, attended, deadline, "0x" + bytes(signed.signature).hex())
