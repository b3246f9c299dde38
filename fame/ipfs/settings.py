"""Helpers over the IPFS settings, which live in the one config module (fame.config)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from ..config import Settings as IpfsSettings
from ..config import settings as fame_settings
from ..config import settings as ipfs_settings

__all__ = ["IpfsSettings", "ipfs_settings", "secret", "store_dir"]


def store_dir(s: object) -> Path:
    """The embedded block store folder for a settings object."""
    path = getattr(s, "ipfs_dir", None)
    if path is not None:
        return Path(path)
    state = getattr(s, "state_dir", None) or fame_settings().state_dir
    return Path(state) / "ipfs"


def secret(value: SecretStr | str | None) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value
