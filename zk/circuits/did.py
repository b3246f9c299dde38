"""The DID controller circuit: "I know the secret behind one of the registered controller
commitments, and I bind this proof to a scope and a message".

Private inputs: `secret`, `salt`, `siblings[depth]`, `path_bits[depth]`.
Public signals, in snarkjs order (outputs first, then public inputs):

    index  name        meaning
    0      root        Merkle root of the registered controller commitments (output)
    1      nullifier   Poseidon(secret, scope) (output)
    2      scope       the context the proof is for, e.g. a DID and an action (input)
    3      msg_hash    hash of the message the controller authorises, reduced mod r (input)

commitment = Poseidon(secret, salt) is the Merkle leaf; the path (bits bottom-up, 1 = the
running node is a right child) leads to `root`. `msg_hash` enters the constraint
msg_hash * msg_hash = msg_hash_sq so that the proof cannot be re-used for another message
(a public input used in no row would be unconstrained). The nullifier lets a registry reject
a second use of the same secret in the same scope without learning which controller acted.

Size at depth d: d + 2 Poseidons of 240 rows, 2 rows per level (path bit, swap), 2 output
bindings and the msg_hash square: 242 d + 483 rows (depth 20: 5323 constraints, 5348 wires,
QAP domain 8192; depth 2: 967 constraints, domain 1024).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..field import R
from ..gadgets.merkle import DEFAULT_DEPTH, merkle_root_gadget, root_from_path
from ..gadgets.poseidon import poseidon, poseidon_gadget
from ..r1cs import Circuit, ConstraintSystem

#: Names of the public signals, in the order the verifier takes them.
PUBLIC_SIGNALS = ("root", "nullifier", "scope", "msg_hash")


@lru_cache(maxsize=8)
def did_circuit(depth: int = DEFAULT_DEPTH) -> Circuit:
    """The compiled circuit for Merkle depth `depth` (cached per depth)."""
    if not 1 <= depth <= 32:
        raise ValueError("depth must be 1..32")
    cs = ConstraintSystem(f"fame_did_{depth}")
    root = cs.output("root")
    nullifier = cs.output("nullifier")
    scope = cs.public_input("scope")
    msg_hash = cs.public_input("msg_hash")
    secret = cs.private_input("secret")
    salt = cs.private_input("salt")
    siblings = cs.private_inputs("siblings", depth)
    bits = cs.private_inputs("path_bits", depth)

    commitment = poseidon_gadget(cs, [secret, salt], label="commitment")
    cs.bind(root, merkle_root_gadget(cs, commitment, siblings, bits))
    cs.bind(nullifier, poseidon_gadget(cs, [secret, scope], label="nullifier"))
    cs.square(msg_hash, label="msg_hash_sq")
    circuit = cs.compile()
    circuit.meta.update(kind="fame-did", depth=depth, public_signals=list(PUBLIC_SIGNALS))
    return circuit


def commitment(secret: int, salt: int) -> int:
    """The Merkle leaf a controller registers."""
    return poseidon([secret, salt])


def nullifier(secret: int, scope: int) -> int:
    return poseidon([secret, scope])


@dataclass
class DIDWitnessInput:
    """Everything the prover knows; `assignment()` gives the circuit inputs."""

    secret: int
    salt: int
    siblings: Sequence[int]
    path_bits: Sequence[int]
    scope: int
    msg_hash: int

    def assignment(self) -> dict[str, int | list[int]]:
        return {
            "secret": self.secret % R,
            "salt": self.salt % R,
            "siblings": [int(s) % R for s in self.siblings],
            "path_bits": [int(b) for b in self.path_bits],
            "scope": self.scope % R,
            "msg_hash": self.msg_hash % R,
        }

    @property
    def depth(self) -> int:
        return len(self.siblings)


def did_public_signals(inp: DIDWitnessInput) -> list[int]:
    """The public signals a valid proof for `inp` carries (computed natively)."""
    leaf = commitment(inp.secret, inp.salt)
    root = root_from_path(leaf, inp.siblings, inp.path_bits)
    return [root, nullifier(inp.secret, inp.scope), inp.scope % R, inp.msg_hash % R]


def msg_hash_to_field(data: bytes) -> int:
    """A message digest as a field element: keccak256(data) mod r (what a contract can recompute)."""
    from eth_utils import keccak

    return int.from_bytes(keccak(data), "big") % R
