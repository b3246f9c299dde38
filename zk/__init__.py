"""FameEngine's zero-knowledge library: Groth16 over BN254 in pure Python, compatible with the
circom / snarkjs tool chain. It knows nothing about the chain; the DID registry and the `fame`
CLI build on it.

Typical use (the DID controller proof):

    from zk import did_circuit, DIDWitnessInput, MerkleTree, commitment, prove_did, verify
    tree = MerkleTree(depth=20); i = tree.append(commitment(secret, salt))
    siblings, bits = tree.proof(i)
    pk = read_zkey("circuit_final.zkey")                 # from the ceremony (zk.ceremony / `zk`)
    proof, public = prove_did(pk, DIDWitnessInput(secret, salt, siblings, bits, scope, msg_hash))
    assert verify(pk.verifying_key(), public, proof)
    # public == [root, nullifier, scope, msg_hash]; proof.to_calldata() for the Vyper verifier

Modules: field, fft, curve, pairing, msm, r1cs, gadgets (poseidon, merkle, comparators),
circuits.did, groth16, ceremony, snarkjs_io, verifier_export, cli.
"""

from .circuits.did import (
    PUBLIC_SIGNALS,
    DIDWitnessInput,
    commitment,
    did_circuit,
    did_public_signals,
    msg_hash_to_field,
    nullifier,
)
from .gadgets.merkle import MerkleTree, root_from_path
from .gadgets.poseidon import poseidon
from .groth16 import Proof, ProvingKey, VerifyingKey, prove, setup_dev, verify
from .snarkjs_io import (
    read_r1cs,
    read_wtns,
    read_zkey,
    write_r1cs,
    write_wtns,
    write_zkey,
)
from .verifier_export import export_vyper_verifier, render_vyper_verifier

__all__ = [
    "PUBLIC_SIGNALS",
    "DIDWitnessInput",
    "MerkleTree",
    "Proof",
    "ProvingKey",
    "VerifyingKey",
    "commitment",
    "did_circuit",
    "did_public_signals",
    "export_vyper_verifier",
    "msg_hash_to_field",
    "nullifier",
    "poseidon",
    "prove",
    "prove_did",
    "read_r1cs",
    "read_wtns",
    "read_zkey",
    "render_vyper_verifier",
    "root_from_path",
    "setup_dev",
    "verify",
    "write_r1cs",
    "write_wtns",
    "write_zkey",
]


def prove_did(pk: ProvingKey, inp: DIDWitnessInput, workers: int | None = None) -> tuple[Proof, list[int]]:
    """A DID-control proof: (Proof, [root, nullifier, scope, msg_hash]).

    Raises ValueError if the inputs do not satisfy the circuit (e.g. a wrong Merkle path)."""
    circuit = did_circuit(inp.depth)
    if pk.n_vars != circuit.r1cs.n_wires or pk.n_public != circuit.r1cs.n_public:
        raise ValueError(f"the proving key is not for the depth-{inp.depth} DID circuit")
    witness = circuit.witness(inp.assignment())
    bad = circuit.r1cs.first_unsatisfied(witness)
    if bad is not None:
        raise ValueError(f"the inputs do not satisfy the DID circuit (constraint {bad})")
    return prove(pk, witness, workers=workers)
