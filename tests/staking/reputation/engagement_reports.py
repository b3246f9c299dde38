"""Signed engagement reports for the Reputation tests.

The engagement component E lives in the EngagementOracle's stored word (the oracle folds every
accepted observation into it with Reputation's metric weights), so these tests move E the way
production does: a real oracle (n = 4, f = 1, test keys) accepts one-persona reports signed by
two operators and sent by the transmitter. Reports carry lifetime totals; `Reporter` keeps them
per persona so that a test speaks in gains, like the model.

Words are packed here by hand (no range checks) so that out-of-range fields reach the contract.
"""

from __future__ import annotations

from eth_account import Account

from oracle.report import (
    COMMENTS_SHIFT,
    LIKES_SHIFT,
    PERSONA_SHIFT,
    SENTIMENT_SHIFT,
    SHARES_SHIFT,
    VIEWS_SHIFT,
    Domain,
    Report,
    sign_digest,
)

N, F = 4, 1
HEARTBEAT = 3600
KEYS = [
    Account.from_key(int.from_bytes(f"fame-reputation-signer-{i}".encode().ljust(32, b"."), "big") % 2**255)
    for i in range(N)
]


def transmitters(first) -> list[str]:
    """Operator 0 transmits from `first`; the others only need distinct addresses."""
    return [first.address] + [f"0x{0xFEED00 + i:040x}" for i in range(1, N)]


def pack(persona: int, totals: tuple[int, int, int, int], sentiment_bps: int, observed_at: int) -> int:
    views, likes, shares, comments = totals
    return (
        (persona << PERSONA_SHIFT)
        | (views << VIEWS_SHIFT)
        | (likes << LIKES_SHIFT)
        | (shares << SHARES_SHIFT)
        | (comments << COMMENTS_SHIFT)
        | ((sentiment_bps + 10_000) << SENTIMENT_SHIFT)
        | observed_at
    )


class Reporter:
    """Sends one-persona reports to `oracle` from `transmitter`, in gains."""

    def __init__(self, oracle, transmitter):
        self.oracle = oracle
        self.transmitter = transmitter
        self.totals: dict[int, tuple[int, int, int, int]] = {}

    def report(self, persona: int, gains: tuple[int, int, int, int], sentiment_bps: int, observed_at: int):
        """Report `persona`'s totals grown by `gains`; the totals move only if the report is accepted."""
        totals = tuple(a + b for a, b in zip(self.totals.get(persona, (0, 0, 0, 0)), gains, strict=False))
        word = pack(persona, totals, sentiment_bps, observed_at)
        oracle = self.oracle
        report = Report(oracle.config_version(), oracle.latest_epoch() + 1, (word,))
        digest = report.digest(Domain(oracle.chain_manager.chain_id, str(oracle.address)))
        signatures = [sign_digest(key, digest).as_call_arg() for key in KEYS[: F + 1]]
        tx = oracle.transmit(report.as_call_arg(), signatures, sender=self.transmitter)
        self.totals[persona] = totals
        return tx
