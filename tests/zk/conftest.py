"""Fixtures for the ZK library tests (tests/zk).

Expensive objects are built once per session: the depth-2 DID circuit, an insecure dev proving
key for it (fixed seed), a witness and one proof. snarkjs / circomlibjs (npm, test-time
references only) run as subprocesses; tests needing them skip if node_modules is missing.

`deep` tests (Merkle depth 20, the CLI ceremony of a real DID circuit) run only with
HYPOTHESIS_PROFILE=deep (`make test-deep`) or FAME_ZK_DEEP=1 (the marker: tests/conftest.py).
"""

from __future__ import annotations

import pytest

from zk import ceremony as cer
from zk.circuits.did import DIDWitnessInput, commitment, did_circuit
from zk.gadgets.merkle import MerkleTree
from zk.groth16 import prove, setup_dev
from zk.r1cs import ConstraintSystem

DEPTH = 2


@pytest.fixture(scope="session")
def did2():
    """The depth-2 DID circuit."""
    return did_circuit(DEPTH)


@pytest.fixture(scope="session")
def did_tree():
    """A depth-2 registry tree with three controllers; ours is at index 1."""
    tree = MerkleTree(DEPTH)
    tree.append(commitment(1001, 2002))
    tree.append(commitment(424242, 777))
    tree.append(commitment(5, 6))
    return tree


@pytest.fixture(scope="session")
def did_input(did_tree):
    siblings, bits = did_tree.proof(1)
    return DIDWitnessInput(secret=424242, salt=777, siblings=siblings, path_bits=bits, scope=0xD1D, msg_hash=12345)


@pytest.fixture(scope="session")
def did_witness(did2, did_input):
    return did2.witness(did_input.assignment())


@pytest.fixture(scope="session")
def dev_pk(did2):
    """INSECURE dev key for the depth-2 circuit (deterministic)."""
    return setup_dev(did2.r1cs, seed=20240601)


@pytest.fixture(scope="session")
def dev_proof(dev_pk, did_witness):
    """(proof, public) for the session witness."""
    return prove(dev_pk, did_witness)


def toy_circuit():
    """out = a*b*b + a*b + 7 with public a, private b: 3 constraints, domain 8."""
    cs = ConstraintSystem("toy")
    out = cs.output("out")
    a = cs.public_input("a")
    b = cs.private_input("b")
    t = cs.mul(a, b)
    u = cs.mul(t, b)
    cs.bind(out, u + t + 7)
    return cs.compile()


@pytest.fixture(scope="session")
def toy():
    return toy_circuit()


@pytest.fixture(scope="session")
def phase1():
    """Powers of tau of power 3: two contributions, a beacon, prepared for phase 2."""
    acc = cer.new_powers_of_tau(3)
    acc = cer.contribute_phase1(acc, "alice")
    acc = cer.contribute_phase1(acc, "bob", entropy=b"bob's dice")
    acc = cer.beacon_phase1(acc, bytes.fromhex("ab" * 32), iterations_exp=3)
    return cer.prepare_phase2(acc)


@pytest.fixture(scope="session")
def phase2(toy, phase1):
    """The toy circuit's phase 2: two contributions and a beacon."""
    p2 = cer.new_phase2(toy.r1cs, phase1)
    p2 = cer.contribute_phase2(p2, "carol")
    p2 = cer.contribute_phase2(p2, "dave")
    return cer.beacon_phase2(p2, bytes.fromhex("cd" * 32), iterations_exp=3)
