"""Shared helpers of the engagement-oracle tests: operator keys, report building and signing."""

from __future__ import annotations

from eth_account import Account

from oracle.report import Domain, Engagement, Report, pack_all, sign_digest

ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86400

# The contract tests' committee and personas (see conftest.py).
N = 4
F = 1
N_PERSONAS = 8
RETIRED = 7
HEARTBEAT = 3600


def operator_keys(n: int, salt: str = "signer") -> list:
    """n deterministic signing accounts (test keys, not funded)."""
    return [
        Account.from_key((int.from_bytes(f"fame-{salt}-{i}".encode().ljust(32, b"."), "big") % (2**255)) or 1)
        for i in range(n)
    ]


def engagement(
    persona_id: int,
    observed_at: int,
    views: int = 1_000,
    likes: int = 100,
    shares: int = 10,
    comments: int = 20,
    sentiment_bps: int = 2_500,
) -> Engagement:
    return Engagement(persona_id, views, likes, shares, comments, sentiment_bps, observed_at)


def make_report(config_version: int, epoch: int, personas, observed_at: int, scale: int = 1) -> Report:
    """A report of `personas` with counts growing with `scale` (so later reports are gains)."""
    items = [
        engagement(p, observed_at, views=1_000 * scale + p, likes=100 * scale, shares=10 * scale, comments=20 * scale)
        for p in personas
    ]
    return Report(config_version, epoch, tuple(pack_all(items)))


def sign(report: Report, oracle, signers, indices) -> list[tuple[bytes, bytes]]:
    """Compact signatures of `report` by the signers at `indices` (order kept, repeats allowed)."""
    digest = report.digest(domain_of(oracle))
    return [sign_digest(signers[i], digest).as_call_arg() for i in indices]


def domain_of(oracle) -> Domain:
    return Domain(oracle.chain_manager.chain_id, str(oracle.address))


def now(chain) -> int:
    """A timestamp safely at or before the next block's."""
    return chain.pending_timestamp - 1


def register_personas(registry, deployer, count, start=1):
    """Registers `count` personas (share token: any distinct address will do)."""
    for i in range(start, start + count):
        registry.register(f"persona-{i}", f"cid-{i}", f"0x{i:040x}", deployer, sender=deployer)
