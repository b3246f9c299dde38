"""A persona's handle (`@nova_lumen`): derived from its on-chain name, unique, stable.

The handle is what fediverse accounts follow (`acct:<handle>@<host>`) and what links to a
persona read, so it must be derivable by anyone from the registry alone: lower-case ASCII
letters, digits and `_`, at most 30 characters. Two personas whose names give the same
handle are told apart by the id of the later one (`nova_lumen_7`), which the registry
fixes forever, so re-syncing never renames anybody.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_LEN = 30
HANDLE_PATTERN = r"^[a-z0-9_]{1,30}$"
_HANDLE = re.compile(HANDLE_PATTERN)


def is_handle(value: str) -> bool:
    return bool(_HANDLE.match(value))


def base_handle(name: str, persona_id: int) -> str:
    """`name` folded to the handle alphabet ("Nova Lumen" -> "nova_lumen"); `persona_<id>` when nothing is left."""
    # Accents come off (NFKD splits them into combining marks); every other non-letter separates words.
    spaced = "".join(c if c.isalnum() or unicodedata.combining(c) else " " for c in unicodedata.normalize("NFKD", name))
    ascii_name = spaced.encode("ascii", "ignore").decode("ascii").lower()
    folded = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")[:MAX_LEN].strip("_")
    return folded or f"persona_{persona_id}"[:MAX_LEN]


def derive_handle(name: str, persona_id: int, taken: Container[str]) -> str:
    """The handle of persona `persona_id`: its base handle, or that with `_<id>` when `taken` has it."""
    handle = base_handle(name, persona_id)
    if handle not in taken:
        return handle
    suffix = f"_{persona_id}"
    handle = handle[: MAX_LEN - len(suffix)].rstrip("_") + suffix
    # Only a handle an operator chose by hand can collide with an id-suffixed one.
    return handle if handle not in taken else f"persona_{persona_id}"
