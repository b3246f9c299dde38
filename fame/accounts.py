"""The account a CLI command sends transactions from: an eth-account keystore file, an
`ape accounts` account (the same format, by alias), or, on the local dev chain only and when
asked for explicitly, one of anvil's public dev accounts. Keys are never taken from code, the
command line or logs; the password comes from a file, FAME_KEYSTORE_PASSWORD or a prompt.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from .config import LOCAL_CHAIN_ID
from .errors import FameError

PASSWORD_ENV = "FAME_KEYSTORE_PASSWORD"


def keystore_path(spec: str) -> Path:
    """A keystore file path, or `ape:<alias>` for an account of `ape accounts import/generate`."""
    if spec.startswith("ape:"):
        alias = spec[4:]
        folder = Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape")) / "accounts"
        path = folder / f"{alias}.json"
        if not path.is_file():
            raise FameError(f"no ape account {alias!r} in {folder}: add it with `ape accounts import {alias}`")
        return path
    path = Path(spec).expanduser()
    if not path.is_file():
        raise FameError(f"no keystore file at {path}: pass --account with a keystore file or ape:<alias>")
    return path


def read_password(password_file: Path | None, prompt: bool = True) -> str:
    if password_file is not None:
        try:
            text = Path(password_file).read_text()
        except OSError as exc:
            raise FameError(f"cannot read the password file {password_file}: {exc.strerror}") from None
        return text.splitlines()[0] if text else ""
    if os.environ.get(PASSWORD_ENV) is not None:
        return os.environ[PASSWORD_ENV]
    if prompt:
        import click

        return click.prompt("keystore password", hide_input=True, err=True)
    raise FameError(f"no keystore password: pass --password-file or set {PASSWORD_ENV}")


def load_keystore(spec: str, password: str) -> LocalAccount:
    path = keystore_path(spec)
    try:
        return Account.from_key(Account.decrypt(json.loads(path.read_text()), password))
    except ValueError as exc:
        if "MAC mismatch" in str(exc):
            raise FameError(f"wrong password for the keystore {path}") from None
        raise FameError(f"{path} is not a valid keystore file") from None
    except (OSError, KeyError, TypeError):
        raise FameError(f"{path} is not a valid keystore file") from None


def sender_account(chain_id: int, account: str | None, password_file: Path | None,
                   dev_account: int | None) -> LocalAccount:
    """The sending account from the CLI options (exactly one of `account`, `dev_account`)."""
    if account and dev_account is not None:
        raise FameError("pass either --account or --dev-account, not both")
    if dev_account is not None:
        if chain_id != LOCAL_CHAIN_ID:
            raise FameError(f"--dev-account is for the local dev chain ({LOCAL_CHAIN_ID}) only; this is chain "
                            f"{chain_id}: pass --account with a keystore file or ape:<alias>")
        from .chain import dev_account as _dev

        return _dev(dev_account)
    if not account:
        raise FameError("no sending account: pass --account KEYSTORE|ape:<alias> (or --dev-account N on the "
                        "local chain)")
    return load_keystore(account, read_password(password_file))
