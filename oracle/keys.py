"""Operator keys: read from eth-account keystore files (or `ape accounts`, which stores the
same format), never from code and never logged. For the local stack, a setup step writes
keystores of anvil-mnemonic dev keys (public test keys) under the state folder.

Every operator has two keys: the signing key (signs observations and reports; needs no
ETH) and the transmitter key (sends `transmit`; needs ETH for gas).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from fame.config import DEV_MNEMONIC
from fame.errors import FameError

Account.enable_unaudited_hdwallet_features()

# Password of the local stack's dev keystores: they hold anvil's public mnemonic keys.
DEV_PASSWORD = "fame-local-dev"
# Derivation indices of the dev keys (anvil's funded accounts are 0..9, used by the tests).
DEV_SIGNER_BASE = 100
DEV_TRANSMITTER_BASE = 200


def dev_signer(index: int) -> LocalAccount:
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{DEV_SIGNER_BASE + index}")


def dev_transmitter(index: int) -> LocalAccount:
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{DEV_TRANSMITTER_BASE + index}")


def dev_committee(n: int) -> tuple[list[str], list[str]]:
    """(signer addresses, transmitter addresses) of the local stack's n operators."""
    return [dev_signer(i).address for i in range(n)], [dev_transmitter(i).address for i in range(n)]


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
        raise FameError(f"key file {path} does not exist: run `fame oracle dev-keys` (local) or point to a keystore")
    return path


def read_password(password_file: Path | None, env_password: str | None) -> str:
    """The keystore password: from a file (first line), else FAME_ORACLE_KEYSTORE_PASSWORD."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text()
        except OSError as exc:
            raise FameError(f"cannot read the password file {password_file}: {exc.strerror}") from None
        return text.splitlines()[0] if text else ""
    if env_password is not None:
        return env_password
    raise FameError("no keystore password: pass --password-file or set FAME_ORACLE_KEYSTORE_PASSWORD")


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


@dataclass(frozen=True)
class OperatorKeyFiles:
    index: int
    signer: Path
    transmitter: Path
    password_file: Path


def dev_key_dir(state_dir: Path) -> Path:
    return state_dir / "keys"


def write_dev_keystores(state_dir: Path, n: int) -> list[OperatorKeyFiles]:
    """Keystores of the dev keys of operators 0..n-1 under state_dir/keys (kept if present).

    Light scrypt parameters: these keys are public anyway, and a slow KDF would only slow
    every operator start.
    """
    folder = dev_key_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    password_file = folder / "password.txt"
    if not password_file.exists():
        password_file.write_text(DEV_PASSWORD + "\n")
        password_file.chmod(0o600)
    out = []
    for i in range(n):
        paths = {}
        for role, account in (("signer", dev_signer(i)), ("transmitter", dev_transmitter(i))):
            path = folder / f"operator-{i}-{role}.json"
            if not path.exists():
                keystore = Account.encrypt(account.key, DEV_PASSWORD, kdf="scrypt", iterations=2**12)
                path.write_text(json.dumps(keystore))
                path.chmod(0o600)
            paths[role] = path
        out.append(OperatorKeyFiles(i, paths["signer"], paths["transmitter"], password_file))
    return out
