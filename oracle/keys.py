"""Operator keys: read from eth-account keystore files (or `ape accounts`, which stores the
same format), never from code and never logged. For the local stack, a setup step writes
keystores of anvil-mnemonic dev keys (public test keys) under the state folder.

Every operator has two keys: the signing key (signs observations and reports; needs no
ETH) and the transmitter key (sends `transmit`; needs ETH for gas).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from fame.config import DEV_MNEMONIC
from fame.keys import load_key, read_password, resolve_key_file  # noqa: F401 - the operator CLI's key loading

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
