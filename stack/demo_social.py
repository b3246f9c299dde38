"""The demo's audience on `make up`: three of the demo persona's holders (dev accounts 1-3)
sign in to the social service with Sign-In with Ethereum, read the persona's first post, like
it, comment on it and rate the persona — real requests through the service's public API, so
what the oracle puts on chain and what the runtime answers is what these fans did.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from fame.config import DEV_MNEMONIC, LOCAL_CHAIN_ID, social_settings
from fame.errors import FameError

FANS: tuple[tuple[int, str, int], ...] = (
    (1, "Citrus and light, what a lovely little experiment! Tell us more.", 5),
    (2, "This made my morning, thank you Nova.", 5),
    (3, "Curious how you came up with this one?", 4),
)


def dev_account(index: int) -> LocalAccount:
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def siwe_message(address: str, nonce: str, origin: str, chain_id: int) -> str:
    """The ERC-4361 message a wallet shows, built by the siwe library."""
    from siwe import SiweMessage

    host = origin.split("://", 1)[1]
    issued = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return SiweMessage(
        domain=host,
        address=address,
        statement="Sign in to FameEngine",
        uri=origin + "/",
        version="1",
        chain_id=chain_id,
        nonce=nonce,
        issued_at=issued,
    ).prepare_message()


def sign_in(client: httpx.Client, account: LocalAccount, chain_id: int = LOCAL_CHAIN_ID) -> None:
    nonce = client.post("/api/auth/nonce").raise_for_status().json()["nonce"]
    message = siwe_message(account.address, nonce, social_settings().origin, chain_id)
    signature = account.sign_message(encode_defunct(text=message)).signature.hex()
    reply = client.post("/api/auth/verify", json={"message": message, "signature": "0x" + signature.removeprefix("0x")})
    if reply.status_code != 200:
        raise FameError(f"demo fan {account.address} could not sign in: {reply.text}")


def first_post(social_url: str, persona_id: int, timeout: float) -> dict[str, Any]:
    """The persona's first post, once the runtime has written it."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=social_url, timeout=10) as client:
        while time.monotonic() < deadline:
            reply = client.get(f"/api/personas/{persona_id}/feed", params={"limit": 1})
            if reply.status_code == 200 and reply.json()["posts"]:
                post: dict[str, Any] = reply.json()["posts"][0]
                return post
            time.sleep(1)
    raise FameError(
        f"persona #{persona_id} wrote no post within {timeout:.0f} s: see the persona runtime's log (runtime.log)"
    )


def react(social_url: str, persona_id: int, timeout: float = 180) -> dict[str, Any]:
    """The demo fans' reactions to the persona's first post; returns that post."""
    post = first_post(social_url, persona_id, timeout)
    for index, comment, stars in FANS:
        with httpx.Client(base_url=social_url, timeout=10) as client:
            sign_in(client, dev_account(index))
            client.get(f"/api/posts/{post['id']}").raise_for_status()  # the impression
            client.post(f"/api/posts/{post['id']}/like").raise_for_status()
            client.post(f"/api/posts/{post['id']}/comments", json={"body": comment}).raise_for_status()
            client.post(f"/api/personas/{persona_id}/follow").raise_for_status()
            client.post(f"/api/personas/{persona_id}/rating", json={"stars": stars}).raise_for_status()
    return post
