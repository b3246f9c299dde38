"""The one chain client for FameEngine's Python components (services, CLI, benchmarks).

Contracts are reached only through the deployment manifest: `Chain.contract("FMC")`
gives a web3 contract bound to the address and ABI that the deploy script recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import TxParams, TxReceipt, Wei

from .config import DEV_MNEMONIC, settings
from .errors import FameError
from .manifest import Manifest, load_manifest

Account.enable_unaudited_hdwallet_features()


def connect(rpc_url: str | None = None, timeout: float = 10.0) -> Web3:
    """A web3 connection to `rpc_url` (default: the configured one), checked to answer."""
    url = rpc_url or settings().effective_rpc_url
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))
    try:
        w3.eth.chain_id  # noqa: B018 - a cheap call that proves the node answers
    except Exception as exc:  # noqa: BLE001
        raise FameError(
            f"cannot reach a JSON-RPC node at {url} ({type(exc).__name__}): start it (`make up`) "
            "or set FAME_RPC_URL to a reachable node"
        ) from None
    return w3


def dev_account(index: int = 0) -> LocalAccount:
    """anvil's well-known dev account `index` (public keys for the local chain only)."""
    account: LocalAccount = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account


@dataclass
class Chain:
    """A connection plus the deployment on that chain."""

    w3: Web3
    deployments_dir: Path | None = None
    _contracts: dict[str, Contract] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, rpc_url: str | None = None) -> Chain:
        return cls(connect(rpc_url))

    @cached_property
    def chain_id(self) -> int:
        return self.w3.eth.chain_id

    @cached_property
    def manifest(self) -> Manifest:
        return load_manifest(self.chain_id, self.deployments_dir)

    def contract(self, name: str) -> Contract:
        """The deployed contract `name` from the manifest."""
        if name not in self._contracts:
            deployed = self.manifest.contract(name)
            self._contracts[name] = self.w3.eth.contract(
                address=Web3.to_checksum_address(deployed.address), abi=deployed.abi
            )
        return self._contracts[name]

    def transact(
        self,
        account: LocalAccount,
        call: ContractFunction | ContractConstructor,
        *,
        value: int = 0,
        gas: int | None = None,
    ) -> TxReceipt:
        """Sign and send a contract call from `account`, wait for it, and return the receipt.

        Reverts surface as FameError with the contract's reason, before anything is sent
        (the call is simulated first) or after (a mined revert).
        """
        params: TxParams = {
            "from": account.address,
            "value": Wei(value),
            "nonce": self.w3.eth.get_transaction_count(account.address, "pending"),
        }
        try:
            params["gas"] = gas or int(call.estimate_gas(params) * 1.3) + 30_000
        except ContractLogicError as exc:
            raise FameError(f"transaction would revert: {exc.message or exc}") from None
        tx = call.build_transaction(params)
        # eth-account types the transaction as a plain dict, which web3's TxParams TypedDict is not assignable to.
        signed = account.sign_transaction(tx)  # type: ignore[arg-type]
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise FameError(f"transaction {tx_hash.hex()} reverted on chain")
        return receipt
