"""Stable seeds: a persona's look must come out the same on every worker, every run and every
Python version, so seeds come from SHA-256 of text, never from hash() (salted per process)."""

from __future__ import annotations

import hashlib
import random
from typing import Any


def text_seed(*parts: Any) -> int:
    """A 63-bit seed from the parts' text, identical on every machine."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)


def persona_seed(spec: dict[str, Any], persona_id: Any = None) -> int:
    """The look seed of a persona: the spec's own `avatar_seed` / `seed` if it has one, else
    derived from its handle or name, else from its on-chain id. Handle and name come first
    because they exist before the persona does: the creation screen's preview and the
    launched persona's pictures then show the same face."""
    for key in ("avatar_seed", "seed"):
        value = spec.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value & (2**63 - 1)
    ident = spec.get("handle") or spec.get("name")
    if ident:
        return text_seed("fameengine:avatar:name", str(ident).strip().lower())
    if persona_id is not None:
        return text_seed("fameengine:avatar:id", persona_id)
    return text_seed("fameengine:avatar:name", "unnamed persona")


def sub_rng(seed: int, aspect: str) -> random.Random:
    """An independent generator per look aspect (skin, hair, ...), so adding an aspect to the rig
    later does not reshuffle the ones personas already have."""
    return random.Random(text_seed(seed, aspect))
