"""What a DID controller does off chain, against a deployed DIDRegistry: rebuild the persona's
controller tree from the registry's events, build the circuit input of an action (scope and
msg_hash from the chain, bound to the account that will send it), prove, check the proof
against the deployed verifier, and send the action. The `fame did` commands are thin wrappers.

A controller secret file is JSON: {"persona_id": N, "secret": "0x..", "salt": "0x.."} (what
scripts/seed_demo.py writes under .fame/did/, mode 0600). Anyone holding it controls the DID.
"""

from __future__ import annotations

import json
import os
import secrets as _secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fame.config import settings
from fame.errors import FameError

from . import actions as A
from .document import parse_did

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3.contract import Contract
    from web3.types import TxReceipt

    from fame.chain import Chain
    from zk.circuits.did import DIDWitnessInput
    from zk.groth16 import ProvingKey

#: `fame did` action names -> (registry function, ACTION_* value, kind of parameter)
ACTIONS: dict[str, tuple[str, int, str]] = {
    "update-document": ("update_document", A.ACTION_UPDATE_DOCUMENT, "cid"),
    "rotate": ("rotate_commitment", A.ACTION_ROTATE_COMMITMENT, "commitment"),
    "attest": ("attest_content", A.ACTION_ATTEST_CONTENT, "cid"),
    "add-controller": ("add_controller", A.ACTION_ADD_CONTROLLER, "commitment"),
}


def _int(v: Any, what: str, path: Path) -> int:
    try:
        return int(v, 0) if isinstance(v, str) else int(v)
    except (TypeError, ValueError):
        raise FameError(
            f'{path}: {what} is not an integer; the file must hold "secret" and "salt" (decimal or 0x-hex)'
        ) from None


def load_controller(path: Path) -> tuple[A.Controller, int | None]:
    """(controller, persona id named in the file or None) from a controller secret file."""
    path = Path(path).expanduser()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise FameError(
            f"no controller file at {path}: pass the file `fame did keygen` (or the demo seed, under .fame/did/) wrote"
        ) from None
    except (OSError, ValueError) as exc:
        raise FameError(
            f"cannot read the controller file {path} ({exc.__class__.__name__}): it must be JSON "
            'with "secret" and "salt"'
        ) from None
    if not isinstance(data, dict) or "secret" not in data or "salt" not in data:
        raise FameError(f'{path} is not a controller file: it must be JSON with "secret" and "salt"')
    from zk.field import R

    secret, salt = _int(data["secret"], "secret", path), _int(data["salt"], "salt", path)
    if not (0 <= secret < R and 0 <= salt < R):
        raise FameError(f"{path}: secret and salt must be below the BN254 scalar field modulus")
    pid = data.get("persona_id")
    return A.Controller(secret, salt), (int(pid) if pid is not None else None)


def write_controller(path: Path, persona_id: int | None = None) -> A.Controller:
    """A fresh random controller written to `path` (mode 0600; never overwrites)."""
    from zk.field import R

    path = Path(path).expanduser()
    if path.exists():
        raise FameError(f"{path} already exists: choose another --out (a controller file is never overwritten)")
    ctrl = A.Controller(_secrets.randbelow(R - 1) + 1, _secrets.randbelow(R - 1) + 1)
    data = {"persona_id": persona_id, "secret": hex(ctrl.secret), "salt": hex(ctrl.salt)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
        fh.write("\n")
    return ctrl


def persona_of(did: str, chain_id: int) -> int:
    """The persona id of a did:fame on this chain (FameError otherwise)."""
    parsed = parse_did(did)
    if parsed is None:
        raise FameError(
            f"{did!r} is not a did:fame identifier: expected did:fame:<chainId>:<personaId>, e.g. did:fame:{chain_id}:1"
        )
    if parsed[0] != chain_id:
        raise FameError(
            f"{did} names chain {parsed[0]} but the node answers for chain {chain_id}: pass --rpc-url of that chain"
        )
    return parsed[1]


@dataclass
class Registry:
    """The deployed DIDRegistry (a web3 contract) and where its history starts."""

    chain: Chain
    contract: Contract
    from_block: int

    @classmethod
    def from_chain(cls, chain: Chain) -> Registry:
        deployed = chain.manifest.contract("DIDRegistry")
        start = deployed.block if deployed.block is not None else chain.manifest.deploy_block
        return cls(chain, chain.contract("DIDRegistry"), int(start or 0))

    @property
    def depth(self) -> int:
        return int(self.contract.functions.DEPTH().call())

    def leaves(self, persona_id: int) -> list[int]:
        """The persona's current controller commitments, in tree order, from the registry's events
        (registration, added controllers, the last rotation); checked against current_root."""
        from zk.gadgets.merkle import MerkleTree

        ev = self.contract.events
        flt: dict[str, Any] = {"persona_id": persona_id}
        logs: list[tuple[int, int, str, int]] = []
        for name, field in (
            ("DIDRegistered", "commitment"),
            ("ControllerAdded", "commitment"),
            ("CommitmentRotated", "new_commitment"),
        ):
            for log in getattr(ev, name).get_logs(from_block=self.from_block, argument_filters=flt):
                logs.append((log["blockNumber"], log["logIndex"], name, int(log["args"][field])))
        logs.sort()
        leaves: list[int] = []
        for _b, _i, name, value in logs:
            if name == "ControllerAdded":
                leaves.append(value)
            else:
                leaves = [value]
        if not leaves:
            raise FameError(
                f"persona {persona_id} has no DID on this chain: check the id "
                f"(`fame did show did:fame:{self.chain.chain_id}:<id>`)"
            )
        root = int(self.contract.functions.current_root(persona_id).call())
        if MerkleTree(self.depth, leaves).root != root:
            raise FameError(
                f"the controller tree rebuilt from the registry's events does not match its current root "
                f"for persona {persona_id}: the node's logs may be pruned; use an archive node (--rpc-url)"
            )
        return leaves


def param_hash(kind: str, value: str | int) -> bytes:
    if kind == "cid":
        if not isinstance(value, str):
            raise TypeError(f"the parameter of a cid action is the CID text, not {value!r}")
        return A.cid_param_hash(value)
    return A.commitment_param_hash(int(value))


@dataclass
class ActionInput:
    """Everything one proof of one action needs; `to_json()` is the circuit's input.json."""

    action: str
    persona_id: int
    param: str | int  # CID (str) or commitment (int)
    sender: str
    controller: A.Controller
    leaves: list[int]
    depth: int
    scope: int
    msg_hash: int

    def witness_input(self) -> DIDWitnessInput:
        from zk.circuits.did import DIDWitnessInput
        from zk.gadgets.merkle import MerkleTree

        tree = MerkleTree(self.depth, self.leaves)
        index = self.leaves.index(self.controller.commitment)
        siblings, bits = tree.proof(index)
        return DIDWitnessInput(self.controller.secret, self.controller.salt, siblings, bits, self.scope, self.msg_hash)

    def to_json(self) -> dict[str, Any]:
        w = self.witness_input()
        return {
            "secret": str(w.secret),
            "salt": str(w.salt),
            "siblings": [str(s) for s in w.siblings],
            "path_bits": [int(b) for b in w.path_bits],
            "scope": str(self.scope),
            "msg_hash": str(self.msg_hash),
        }


def build_input(
    reg: Registry, action: str, persona_id: int, param: str | int, sender: str, controller: A.Controller
) -> ActionInput:
    """The input of a proof authorising `action` on `persona_id` with `param`, sent by `sender`:
    scope and msg_hash as the registry computes them now (its views agree, or FameError)."""
    from eth_utils import is_address, to_checksum_address

    if action not in ACTIONS:
        raise FameError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    if not is_address(sender):
        raise FameError(f"--sender {sender!r} is not an Ethereum address (0x followed by 40 hex digits)")
    sender = to_checksum_address(sender)
    _fn, code, kind = ACTIONS[action]
    leaves = reg.leaves(persona_id)
    if controller.commitment not in leaves:
        raise FameError(
            f"this controller's commitment is not in persona {persona_id}'s current tree (rotated "
            "out, or a controller of another persona): use the controller file of a current controller"
        )
    f = reg.contract.functions
    chain_id = reg.chain.chain_id
    nonce = int(f.action_nonce(persona_id, code).call())
    scope = A.scope(chain_id, reg.contract.address, persona_id, code, nonce)
    ph = param_hash(kind, param)
    mh = A.msg_hash(chain_id, reg.contract.address, code, persona_id, ph, sender)
    if scope != int(f.scope(persona_id, code).call()) or mh != int(f.message_hash(persona_id, code, ph, sender).call()):
        raise FameError(
            "the registry computes another scope or msg_hash than this client: the deployment manifest "
            "may name a different DIDRegistry; redeploy or update the manifest"
        )
    return ActionInput(action, persona_id, param, sender, controller, leaves, reg.depth, scope, mh)


# ------------------------------------------------------------------------------------------------
# proving keys


def dev_zkey_path(depth: int) -> Path:
    return settings().state_dir / "did" / f"dev-depth{depth}.zkey"


def default_zkey(reg: Registry, status: Callable[[str], Any] | None = None) -> Path:
    """The local stack's INSECURE development proving key (the one its DIDVerifier was rendered
    from), made once under .fame/did/. Only on the local chain; elsewhere pass --zkey."""
    from fame.config import LOCAL_CHAIN_ID

    from .contracts import DEV_SEED, VERIFIER_DEPTH

    if reg.chain.chain_id != LOCAL_CHAIN_ID or reg.depth != VERIFIER_DEPTH:
        raise FameError(
            "no proving key given: pass --zkey with the ceremony's circuit_final.zkey "
            "(the development key exists only for the local chain)"
        )
    path = dev_zkey_path(VERIFIER_DEPTH)
    if not path.is_file():
        from zk.circuits.did import did_circuit
        from zk.groth16 import setup_dev
        from zk.snarkjs_io import write_zkey

        if status:
            status(f"making the local development proving key (once): {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_zkey(tmp, setup_dev(did_circuit(VERIFIER_DEPTH).r1cs, seed=DEV_SEED))
        tmp.replace(path)
    return path


def load_proving_key(path: Path, depth: int) -> ProvingKey:
    from zk.circuits.did import did_circuit
    from zk.snarkjs_io import read_zkey

    try:
        pk: ProvingKey = read_zkey(path)
    except FileNotFoundError:
        raise FameError(f"no proving key at {path}: pass --zkey with the ceremony's circuit_final.zkey") from None
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a zkey"
        raise FameError(
            f"{path} is not a Groth16 .zkey ({type(exc).__name__}): pass the ceremony's circuit_final.zkey"
        ) from None
    r1cs = did_circuit(depth).r1cs
    if pk.n_vars != r1cs.n_wires or pk.n_public != r1cs.n_public:
        raise FameError(
            f"{path} is not a key for the depth-{depth} DID circuit the registry uses: pass the key of "
            "this deployment's ceremony"
        )
    return pk


# ------------------------------------------------------------------------------------------------
# proofs


@dataclass
class ActionProof:
    root: int
    nullifier: int
    proof: list[int]  # uint256[8]


def prove(inp: ActionInput, pk: ProvingKey) -> ActionProof:
    from zk.circuits.did import did_circuit
    from zk.groth16 import prove as g16_prove

    circuit = did_circuit(inp.depth)
    witness = circuit.witness(inp.witness_input().assignment())
    proof, public = g16_prove(pk, witness, workers=settings().zk_workers)
    return ActionProof(int(public[0]), int(public[1]), A.flatten_proof(proof))


def proof_from_files(inp: ActionInput, proof_path: Path, public_path: Path) -> ActionProof:
    """A proof made elsewhere (`fame zk prove`, snarkjs) for `inp`: its public signals must be
    this action's scope and msg_hash (the sender and the parameters are bound by msg_hash)."""
    from zk.groth16 import Proof
    from zk.snarkjs_io import load_json, public_from_json

    try:
        proof = Proof.from_json(load_json(proof_path))
        public = [int(x) for x in public_from_json(load_json(public_path))]
    except FileNotFoundError as exc:
        raise FameError(f"no such file: {exc.filename}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise FameError(
            f"cannot read {proof_path} / {public_path} as snarkjs proof.json / public.json ({exc})"
        ) from None
    if len(public) != 4:
        raise FameError(
            f"{public_path} has {len(public)} public signals; a DID proof has 4 (root, nullifier, scope, msg_hash)"
        )
    if public[2] != inp.scope or public[3] != inp.msg_hash:
        raise FameError(
            "the proof's scope or msg_hash is not this action's (another action, nonce, sender or "
            "parameter): rebuild the input with `fame did input` and prove again"
        )
    return ActionProof(public[0], public[1], A.flatten_proof(proof))


def check_on_chain(reg: Registry, inp: ActionInput, ap: ActionProof) -> None:
    """Ask the deployed verifier (eth_call) before spending gas."""
    verifier = reg.chain.w3.eth.contract(
        address=reg.contract.functions.VERIFIER().call(),
        abi=[
            {
                "type": "function",
                "name": "verifyProof",
                "stateMutability": "view",
                "inputs": [
                    {"name": "a", "type": "uint256[2]"},
                    {"name": "b", "type": "uint256[2][2]"},
                    {"name": "c", "type": "uint256[2]"},
                    {"name": "public_inputs", "type": "uint256[4]"},
                ],
                "outputs": [{"name": "", "type": "bool"}],
            }
        ],
    )
    p = ap.proof
    ok = verifier.functions.verifyProof(
        [p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], [ap.root, ap.nullifier, inp.scope, inp.msg_hash]
    ).call()
    if not ok:
        raise FameError(
            "the deployed verifier rejects this proof: it was made with another proving key than the "
            "deployment's (pass its ceremony's circuit_final.zkey with --zkey)"
        )
    if bool(reg.contract.functions.nullifier_used(ap.nullifier).call()):
        raise FameError("this proof's nullifier was already used: make a new proof (`fame did input` again)")


def send(reg: Registry, inp: ActionInput, ap: ActionProof, account: LocalAccount) -> TxReceipt:
    """Send the action from `account` (a LocalAccount whose address is inp.sender)."""
    if account.address.lower() != inp.sender.lower():
        raise FameError(
            f"the proof is bound to sender {inp.sender} but the account is {account.address}: "
            "prove again for this account"
        )
    fn_name, _code, _kind = ACTIONS[inp.action]
    call = getattr(reg.contract.functions, fn_name)(inp.persona_id, inp.param, ap.root, ap.nullifier, ap.proof)
    return reg.chain.transact(account, call)
