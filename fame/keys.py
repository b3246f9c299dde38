"""Account keys of FameEngine's services and commands (oracle operators, AI workers, DID
controllers' transactions): read from eth-account keystore files, or from `ape accounts` (which
stores the same format), or on the local dev chain only and when asked for explicitly, one of
anvil's public dev accounts. Never from code, never logged: errors name the file, never the key
or the password."""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from .config import LOCAL_CHAIN_ID
from .errors import FameError

# Where a CLI command's keystore password comes from when no --password-file is given.
PASSWORD_ENV = "FAME_KEYSTORE_PASSWORD"


def resolve_key_file(spec: str | os.PathLike[str]) -> Path:
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
        raise FameError(
            f"key file {path} does not exist: point to a keystore file "
            "(or `fame oracle dev-keys` for the local operators)"
        )
    return path


def read_password(
    password_file: Path | None, env_password: str | None = None, env_name: str = PASSWORD_ENV, *, prompt: bool = False
) -> str:
    """The keystore password: from a file (first line), else `env_password` (the `env_name`
    setting), else a hidden prompt on the terminal when `prompt` is set."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text()
        except OSError as exc:
            raise FameError(f"cannot read the password file {password_file}: {exc.strerror}") from None
        return text.splitlines()[0] if text else ""
    if env_password is not None:
        return env_password
    if prompt:
        import click

        entered: str = click.prompt("keystore password", hide_input=True, err=True)
        return entered
    raise FameError(f"no keystore password: pass --password-file or set {env_name}")


def load_key(spec: str | os.PathLike[str], password: str) -> LocalAccount:
    """Decrypt one keystore; the error names the file, never the key or the password."""
    path = resolve_key_file(spec)
    try:
        data = json.loads(path.read_text())
        account: LocalAccount = Account.from_key(Account.decrypt(data, password))
        return account
    except ValueError as exc:
        if "MAC mismatch" in str(exc):
            raise FameError(f"wrong password for the keystore {path}") from None
        raise FameError(f"{path} is not a valid keystore file") from None
    except (OSError, KeyError, TypeError):
        raise FameError(f"{path} is not a valid keystore file") from None


def sender_account(
    chain_id: int,
    account: str | os.PathLike[str] | None,
    password_file: Path | None,
    dev_account: int | None,
    *,
    password: str | None = None,
    password_env: str = PASSWORD_ENV,
    prompt: bool = True,
) -> LocalAccount:
    """The sending account from a command's options (exactly one of `account`, `dev_account`).

    account: a keystore file or `ape:<alias>`; its password from `password_file`, else
    `password` (a setting), else the `password_env` variable, else a prompt.
    dev_account: anvil dev account N, refused off the local chain.
    """
    if account and dev_account is not None:
        raise FameError("pass either --account or --dev-account, not both")
    if dev_account is not None:
        if chain_id != LOCAL_CHAIN_ID:
            raise FameError(
                f"--dev-account is for the local dev chain ({LOCAL_CHAIN_ID}) only; this is chain "
                f"{chain_id}: pass --account with a keystore file or ape:<alias>"
            )
        from .chain import dev_account as _dev

        return _dev(dev_account)
    if not account:
        raise FameError(
            "no sending account: pass --account KEYSTORE|ape:<alias> (or --dev-account N on the local chain)"
        )
    secret = password if password is not None else os.environ.get(password_env)
    return load_key(account, read_password(password_file, secret, password_env, prompt=prompt))
