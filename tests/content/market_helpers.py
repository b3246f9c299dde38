"""Constants and small helpers shared by the content market tests."""

import ape

E18 = 10**18
BRIEF = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
CONTENT = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
MANIFEST = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq"

# STATUS_*, KIND_*, OUTCOME_* of the contract.
OPEN, CLAIMED, FULFILLED, DISPUTED, RELEASED, REFUNDED, CANCELLED = range(1, 8)
IMAGE, CAPTION, POST, VOICE, VIDEO = range(5)
EMOTION_ANY = 255
REFUND, SLASH, RELEASE = 1, 2, 3

MIN_BOND = 1_000 * E18
MIN_FEE = 10 * E18
CLAIM_TTL = 600
CHALLENGE = 3_600
PERSONA_BPS = 2_000
PROTOCOL_BPS = 500
SLASH_AMOUNT = 500 * E18
# (min_bond, min_fee, claim_ttl, challenge_window, persona_share_bps, protocol_fee_bps, slash_amount)
PARAMS = (MIN_BOND, MIN_FEE, CLAIM_TTL, CHALLENGE, PERSONA_BPS, PROTOCOL_BPS, SLASH_AMOUNT)
DAY = 86_400


def now() -> int:
    return ape.chain.pending_timestamp


def travel(seconds: int) -> None:
    """Move the chain's clock forward (the next block is `seconds` later)."""
    ape.chain.mine(1, timestamp=ape.chain.pending_timestamp + seconds)


def split(fee: int) -> tuple[int, int, int]:
    """(worker, persona, protocol) parts of a released fee, as the contract rounds them."""
    protocol = fee * PROTOCOL_BPS // 10_000
    persona = fee * PERSONA_BPS // 10_000
    return fee - protocol - persona, persona, protocol
