"""Account keys of FameEngine's services (oracle operators, AI workers): read from eth-account
keystore files, or from `ape accounts` (which stores the same format), never from code, and
never logged: errors name the file, never the key or the password."""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from .errors import FameError


def resolve_key_file(spec: str | os.PathLike) -> Path:
    """A keystore path, or `ape:<alias>` for an account made with `ape accounts import/generate`."""
    text = str(spec)
    if text.startswith("ape:"):
        alias = text[4:]
        folder = Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape")) / "accounts"
        path = folder / f"{alias}.json"
        if not path.is_file():
            raise FameError(f"no ape account {alias!r} in {folder}: add it with `ape accounts import {alias}`")
        return path
    path = Path(text).expanduser()
    if not path.is_file():
        raise FameError(f"key file {path} does not exist: point to a keystore file (or `fame oracle dev-keys` for the local operators)")
    return path


def read_password(password_file: Path | None, env_password: str | None,
                  env_name: str = "FAME_ORACLE_KEYSTORE_PASSWORD") -> str:
    """The keystore password: from a file (first line), else the `env_name` setting."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text()
        except OSError as exc:
            raise FameError(f"cannot read the password file {password_file}: {exc.strerror}") from None
        return text.splitlines()[0] if text else ""
    if env_password is not None:
        return env_password
    raise FameError(f"no keystore password: pass --password-file or set {env_name}")


def load_key(spec: str | os.PathLike, password: str) -> LocalAccount:
    """Decrypt one keystore; the error names the file, never the key or the password."""
    path = resolve_key_file(spec)
    try:
        data = json.loads(path.read_text())
        return Account.from_key(Account.decrypt(data, password))
    except ValueError as exc:
        if "MAC mismatch" in str(exc):
            raise FameError(f"wrong password for the keystore {path}") from None
        raise FameError(f"{path} is not a valid keystore file") from None
    except (OSError, KeyError, TypeError):
        raise FameError(f"{path} is not a valid keystore file") from None
