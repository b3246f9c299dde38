"""Off-chain side of DIDRegistry's controller actions: the scope and msg_hash every proof
carries (the same formulas as the contract's `scope` / `message_hash` views), proof
flattening, and `prove_action`, which makes the proof a controller sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from fame.config import settings
from zk import prove_did
from zk.circuits.did import DIDWitnessInput
from zk.circuits.did import commitment as make_commitment
from zk.field import R
from zk.gadgets.merkle import MerkleTree
from zk.groth16 import Proof, ProvingKey

ACTION_UPDATE_DOCUMENT = 1
ACTION_ROTATE_COMMITMENT = 2
ACTION_ATTEST_CONTENT = 3
ACTION_ADD_CONTROLLER = 4


def cid_param_hash(cid: str) -> bytes:
    """param_hash of update_document / attest_content: keccak256 of the CID's bytes."""
    return keccak(cid.encode())


def commitment_param_hash(value: int) -> bytes:
    """param_hash of rotate_commitment / add_controller: keccak256(abi_encode(commitment))."""
    return keccak(encode(["uint256"], [int(value)]))


def scope(chain_id: int, registry: str, persona_id: int, action: int, nonce: int) -> int:
    data = encode(
        ["uint256", "address", "uint256", "uint8", "uint256"],
        [chain_id, to_checksum_address(registry), persona_id, action, nonce],
    )
    return int.from_bytes(keccak(data), "big") % R


def msg_hash(chain_id: int, registry: str, action: int, persona_id: int, param_hash: bytes, sender: str) -> int:
    data = encode(
        ["uint256", "address", "uint8", "uint256", "bytes32", "address"],
        [chain_id, to_checksum_address(registry), action, persona_id, param_hash, to_checksum_address(sender)],
    )
    return int.from_bytes(keccak(data), "big") % R


def flatten_proof(proof: Proof) -> list[int]:
    """A zk.groth16.Proof as the registry's uint256[8] (snarkjs calldata order)."""
    a, b, c = proof.to_calldata()
    return [int(a[0]), int(a[1]), int(b[0][0]), int(b[0][1]), int(b[1][0]), int(b[1][1]), int(c[0]), int(c[1])]


@dataclass
class Controller:
    """A controller's secret material; `commitment` is what the registry stores."""

    secret: int
    salt: int

    @property
    def commitment(self) -> int:
        return make_commitment(self.secret, self.salt)


def prove_action(
    pk: ProvingKey, controller: Controller, tree: MerkleTree, scope_value: int, msg_hash_value: int
) -> tuple[int, int, list[int]]:
    """(root, nullifier, proof uint256[8]) authorising one action."""
    index = next(i for i in range(tree.size) if tree.node(0, i) == controller.commitment % R)
    siblings, bits = tree.proof(index)
    proof, public = prove_did(
        pk,
        DIDWitnessInput(controller.secret, controller.salt, siblings, bits, scope_value, msg_hash_value),
        workers=settings().zk_workers,
    )
    return public[0], public[1], flatten_proof(proof)
