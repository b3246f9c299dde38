"""What a suite gets: the chain, funded dev accounts, and deploy/send/measure helpers.

Transactions from dev accounts go through anvil's unlocked `eth_sendTransaction` with an explicit
gas limit (anvil's estimate runs in the previous block and under-counts checkpoint pushes). Gas
figures are always the receipt's `gasUsed`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eth_abi import decode as abi_decode
from eth_account import Account
from eth_typing import ChecksumAddress
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.types import TxParams, TxReceipt, Wei

from fame.config import DEV_MNEMONIC

from .artifacts import Artifact, MissingContract, OurContracts
from .chain import Anvil
from .progress import Steps
from .solidity import CompiledAnchor, compile_anchor

T = TypeVar("T")

DEPLOY_GAS = 15_000_000
CALL_GAS = 3_000_000


class TxFailed(RuntimeError):
    """A transaction the benchmark needs was reverted."""


@dataclass(frozen=True)
class DevAccount:
    """A funded, unlocked anvil account whose key we also hold (for off-chain signatures)."""

    index: int
    address: ChecksumAddress
    key: bytes = field(repr=False)

    def sign_typed_data(self, full_message: dict):
        """EIP-712 signature (eth_account's SignedMessage: v, r, s, signature)."""
        return Account.sign_typed_data(self.key, full_message=full_message)


def dev_accounts(count: int, mnemonic: str = DEV_MNEMONIC) -> list[DevAccount]:
    Account.enable_unaudited_hdwallet_features()
    out = []
    for i in range(count):
        acct = Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{i}")
        out.append(DevAccount(index=i, address=acct.address, key=bytes(acct.key)))
    return out


def calldata_gas(data: bytes | str) -> int:
    """Intrinsic calldata cost (4 per zero byte, 16 per other byte), the part of gasUsed that
    depends only on the transaction's bytes."""
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data) if isinstance(data, str) else data
    zeros = raw.count(0)
    return 4 * zeros + 16 * (len(raw) - zeros)


def decode_custom_error(abi: list, data: str) -> str | None:
    """`Name(arg, ...)` for revert data that matches a custom error declared in `abi`."""
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data)
    for item in abi:
        if item.get("type") != "error":
            continue
        types = [i["type"] for i in item.get("inputs", [])]
        if any(t.startswith("tuple") for t in types):
            continue  # struct arguments: leave the raw data
        if keccak(text=f"{item['name']}({','.join(types)})")[:4] == raw[:4]:
            try:
                args = abi_decode(types, raw[4:])
            except Exception:
                return None
            return f"{item['name']}({', '.join(map(str, args))})"
    return None


@dataclass
class Deployed:
    contract: Contract
    receipt: TxReceipt
    artifact: Artifact

    @property
    def address(self) -> ChecksumAddress:
        return self.contract.address

    @property
    def gas_used(self) -> int:
        return self.receipt["gasUsed"]


class Context:
    """Handed to every suite. Suites start from the same chain state: the runner reverts to a
    snapshot taken before the first suite once each suite is done."""

    def __init__(self, w3: Web3, chain: Anvil, accounts: list[DevAccount], ours: OurContracts, steps: Steps):
        self.w3 = w3
        self.chain = chain
        self.accounts = accounts
        self.steps = steps
        self._ours = ours
        self._anchors: dict[str, CompiledAnchor] = {}
        self.warnings: list[str] = []

    # -- contracts -------------------------------------------------------------------------

    def ours(self, name: str) -> Artifact:
        """One of our contracts from ape's build, by contract name (raises MissingContract)."""
        return self._ours.get(name)

    def ours_or_none(self, name: str) -> Artifact | None:
        """Like ours(), but records a warning and returns None when it is not built."""
        try:
            return self.ours(name)
        except MissingContract as exc:
            self.warn(f"{exc}: its figures are left empty")
            return None

    def anchor(self, source: str, contract: str | None = None) -> Artifact:
        """A Solidity anchor: contract `contract` (default: same as the file) of
        benchmarks/anchors/<source>.sol, compiled with solc-js on first use (cached on disk)."""
        compiled = self._anchors.get(source)
        if compiled is None:
            with self.steps.step(f"solc-js: anchors/{source}.sol") as step:
                compiled = compile_anchor(source)
                step.note("cached" if compiled.cached else compiled.solc_version.split("+")[0])
            self._anchors[source] = compiled
        return compiled[contract or source]

    def record_anchor(self, key: str, compiled: CompiledAnchor) -> None:
        """Note an anchor a suite compiled itself (e.g. generated source), so the report names
        its compiler like the others'."""
        self._anchors[key] = compiled

    @property
    def anchor_solc_versions(self) -> set[str]:
        return {c.solc_version for c in self._anchors.values()}

    def deploy(self, artifact: Artifact, *args: Any, sender: DevAccount | None = None) -> Deployed:
        sender = sender or self.accounts[0]
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = self.send(factory.constructor(*args), sender, gas=DEPLOY_GAS, what=f"deploy {artifact.name}")
        address = receipt["contractAddress"]
        if address is None:
            raise TxFailed(f"deploy {artifact.name}: the receipt names no contract address")
        contract = self.w3.eth.contract(address=address, abi=artifact.abi)
        return Deployed(contract=contract, receipt=receipt, artifact=artifact)

    # -- transactions ----------------------------------------------------------------------

    def send(
        self,
        call: ContractFunction | ContractConstructor,
        sender: DevAccount,
        *,
        gas: int = CALL_GAS,
        value: int = 0,
        what: str | None = None,
    ) -> TxReceipt:
        """Send a contract call (or constructor) from a dev account; one transaction per block.
        Raises TxFailed if it reverts."""
        tx: TxParams = {"from": sender.address, "gas": gas}
        if value:
            tx["value"] = Wei(value)
        tx_hash = call.transact(tx)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            label = what or getattr(call, "fn_name", "constructor")
            abi = getattr(call, "contract_abi", None) or getattr(call, "abi", None)
            raise TxFailed(f"{label} reverted{self._revert_reason(tx_hash, receipt, abi)}")
        return receipt

    def _revert_reason(self, tx_hash, receipt, abi: list | None = None) -> str:
        """Replay the failed transaction on the state before its block to get the reason
        (custom errors decoded with `abi` when it declares them)."""
        tx = self.w3.eth.get_transaction(tx_hash)
        call: TxParams = {"from": tx["from"], "data": tx["input"], "gas": tx["gas"], "value": tx["value"]}
        if tx.get("to"):
            call["to"] = tx["to"]
        try:
            self.w3.eth.call(call, block_identifier=receipt["blockNumber"] - 1)
        except Exception as exc:  # the reason is what we want from it
            data = getattr(exc, "data", None)
            decoded = decode_custom_error(abi or [], data) if isinstance(data, str) else None
            return f": {decoded or getattr(exc, 'message', None) or exc}"
        return ""

    def tx_input(self, receipt: TxReceipt) -> bytes:
        return bytes(self.w3.eth.get_transaction(receipt["transactionHash"])["input"])

    def measure(self, call: ContractFunction, sender: DevAccount, *, gas: int = CALL_GAS) -> TxReceipt:
        """The measured transaction of a scenario: an empty block is mined first, so the
        transaction lands in a new block whose number and timestamp both differ from every
        setup transaction's (votes checkpoints are pushed, not updated in place, whichever
        clock a token uses)."""
        self.mine()
        return self.send(call, sender, gas=gas)

    def same_block(self, *calls: tuple[ContractFunction, DevAccount], gas: int = CALL_GAS) -> list[TxReceipt]:
        """Send several calls into one new block, in the given order (automine is paused while
        they are queued). Use distinct senders. Returns their receipts, in order."""
        self.mine()
        self.chain.rpc("evm_setAutomine", [False])
        try:
            hashes = [call.transact({"from": sender.address, "gas": gas}) for call, sender in calls]
            self.chain.rpc("evm_mine")
        finally:
            self.chain.rpc("evm_setAutomine", [True])
        receipts = [self.w3.eth.wait_for_transaction_receipt(h) for h in hashes]
        for (call, _), tx_hash, receipt in zip(calls, hashes, receipts, strict=False):
            if receipt["status"] != 1:
                reason = self._revert_reason(tx_hash, receipt, getattr(call, "contract_abi", None))
                raise TxFailed(f"{call.fn_name} reverted{reason}")
        if len({r["blockNumber"] for r in receipts}) != 1:
            raise RuntimeError("same_block: the transactions landed in different blocks")
        if [r["transactionIndex"] for r in receipts] != sorted(r["transactionIndex"] for r in receipts):
            raise RuntimeError("same_block: the node reordered the transactions")
        return receipts

    def compare(
        self,
        label: str,
        sides: Mapping[str, T],
        scenario: Callable[[T], TxReceipt],
        observe: Callable[[T], Any] | None = None,
    ) -> dict[str, int]:
        """Run `scenario` once per side ("ours", "anchor"), each time from the same chain
        snapshot (block number and timestamp included); it does its setup and returns the receipt
        of the measured transaction. Returns {side: gasUsed}. A side whose scenario raises is left
        out, with a warning. Warns too when the measured transactions' calldata costs differ, or
        when `observe(side)` (read after the measured transaction) differs between the sides."""
        gas: dict[str, int] = {}
        calldata: dict[str, int] = {}
        seen: dict[str, Any] = {}
        for name, target in sides.items():
            with self.isolated():
                try:
                    receipt = scenario(target)
                except Exception as exc:  # a failing side leaves its figure empty; the run goes on
                    self.warn(f"{label}: {name} failed: {type(exc).__name__}: {exc}")
                    continue
                gas[name] = receipt["gasUsed"]
                calldata[name] = calldata_gas(self.tx_input(receipt))
                if observe is not None:
                    seen[name] = observe(target)
        if len(set(calldata.values())) > 1:
            costs = ", ".join(f"{name} {cost}" for name, cost in calldata.items())
            self.warn(f"{label}: the measured transactions' calldata costs differ ({costs} gas)")
        if len(seen) > 1:
            first_name, first = next(iter(seen.items()))
            for name, state in seen.items():
                if state == first:
                    continue
                if isinstance(first, dict) and isinstance(state, dict):
                    keys = [k for k in first if state.get(k) != first[k]] + [k for k in state if k not in first]
                    detail = ", ".join(map(str, keys))
                else:
                    detail = f"{first!r} != {state!r}"
                self.warn(f"{label}: {first_name} and {name} end in different states ({detail})")
        return gas

    # -- chain state -----------------------------------------------------------------------

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.chain.rpc("evm_mine")

    def snapshot(self) -> str:
        return self.chain.rpc("evm_snapshot")

    def revert(self, snapshot_id: str) -> None:
        if not self.chain.rpc("evm_revert", [snapshot_id]):
            raise RuntimeError(f"anvil could not revert to snapshot {snapshot_id}")

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Run a block of transactions, then put the chain back as it was (block number and
        timestamp included), so each side of a comparison starts from identical state."""
        snap = self.snapshot()
        try:
            yield
        finally:
            self.revert(snap)

    @property
    def chain_id(self) -> int:
        return self.w3.eth.chain_id

    # -- reporting -------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """A caveat that belongs next to the figures (printed and written to bench.md)."""
        if message not in self.warnings:
            self.warnings.append(message)
            self.steps.console.print(f"[yellow]warning:[/yellow] {message}")
