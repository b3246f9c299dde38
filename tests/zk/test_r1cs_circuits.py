"""The circuit builder, the gadgets and the DID circuit (satisfaction and rejection)."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zk.circuits.did import PUBLIC_SIGNALS, DIDWitnessInput, commitment, did_circuit, did_public_signals, nullifier
from zk.field import R
from zk.gadgets.comparators import is_equal, is_zero, less_than, num2bits
from zk.gadgets.merkle import MerkleTree, merkle_root_gadget, root_from_path, zero_roots
from zk.gadgets.poseidon import poseidon
from zk.r1cs import LC, ConstraintSystem


def test_wire_order_is_circoms():
    cs = ConstraintSystem()
    priv = cs.private_input("p")
    out = cs.output("o")
    pub = cs.public_input("x")
    cs.bind(out, cs.mul(priv, pub) + 1)
    c = cs.compile()
    assert (c.r1cs.n_pub_out, c.r1cs.n_pub_in, c.r1cs.n_prv_in) == (1, 1, 1)
    assert c.outputs == {"o": 1} and c.inputs == {"x": [2], "p": [3]}
    w = c.witness({"p": 6, "x": 7})
    assert w[:4] == [1, 43, 7, 6] and c.r1cs.is_satisfied(w)
    assert c.public_signals(w) == [43, 7] and c.public_names == ["o", "x"]


def test_linear_combinations_are_free_and_constants_fold():
    cs = ConstraintSystem()
    a = cs.private_input("a")
    b = 3 * a + 5 - a * 2
    assert isinstance(b, LC) and b.terms == {a.single_wire(): 1, 0: 5}
    assert cs.mul(b, 4).terms == (b * 4).terms  # multiplication by a constant adds no row
    assert not cs._constraints
    with pytest.raises(TypeError):
        _ = a * a


def test_input_validation():
    cs = ConstraintSystem()
    o = cs.output("o")
    x = cs.private_input("x")
    cs.bind(o, x)
    c = cs.compile()
    with pytest.raises(ValueError):
        c.witness({})
    with pytest.raises(ValueError):
        c.witness({"x": R})
    with pytest.raises(ValueError):
        c.witness({"x": 1, "y": 2})
    cs2 = ConstraintSystem()
    cs2.output("o")
    with pytest.raises(ValueError):
        cs2.compile()  # output never bound


@given(st.integers(min_value=0, max_value=R - 1), st.integers(min_value=0, max_value=R - 1))
def test_is_zero_and_is_equal(a, b):
    cs = ConstraintSystem()
    z = cs.output("z")
    e = cs.output("e")
    x = cs.private_input("x")
    y = cs.private_input("y")
    cs.bind(z, is_zero(cs, x))
    cs.bind(e, is_equal(cs, x, y))
    c = cs.compile()
    for xv, yv in ((a, b), (0, b), (a, a)):
        w = c.witness({"x": xv, "y": yv})
        assert c.r1cs.is_satisfied(w)
        assert w[1] == int(xv == 0) and w[2] == int(xv == yv)
        # a lying prover cannot flip the result
        w2 = list(w)
        w2[1] = 1 - w2[1]
        assert not c.r1cs.is_satisfied(w2)


@given(st.integers(min_value=0, max_value=2**16 - 1), st.integers(min_value=0, max_value=2**16 - 1))
def test_less_than(a, b):
    cs = ConstraintSystem()
    o = cs.output("lt")
    x = cs.private_input("x")
    y = cs.private_input("y")
    cs.bind(o, less_than(cs, x, y, 16))
    c = cs.compile()
    w = c.witness({"x": a, "y": b})
    assert c.r1cs.is_satisfied(w) and w[1] == int(a < b)
    w[1] = 1 - w[1]
    assert not c.r1cs.is_satisfied(w)


def test_num2bits_range():
    cs = ConstraintSystem()
    x = cs.private_input("x")
    num2bits(cs, x, 8)
    c = cs.compile()
    assert c.r1cs.is_satisfied(c.witness({"x": 255}))
    assert not c.r1cs.is_satisfied(c.witness({"x": 256}))  # the hint cannot produce valid bits


def test_merkle_tree_and_gadget():
    tree = MerkleTree(3)
    leaves = [poseidon([i, i + 1]) for i in range(5)]
    for leaf in leaves:
        tree.append(leaf)
    assert zero_roots(3)[3] == MerkleTree(3).root
    for i, leaf in enumerate(leaves):
        sib, bits = tree.proof(i)
        assert bits == [(i >> k) & 1 for k in range(3)]
        assert root_from_path(leaf, sib, bits) == tree.root
    cs = ConstraintSystem()
    root = cs.output("root")
    leaf = cs.private_input("leaf")
    sib = cs.private_inputs("sib", 3)
    bits = cs.private_inputs("bits", 3)
    cs.bind(root, merkle_root_gadget(cs, leaf, sib, bits))
    c = cs.compile()
    s, b = tree.proof(3)
    w = c.witness({"leaf": leaves[3], "sib": s, "bits": b})
    assert c.r1cs.is_satisfied(w) and w[1] == tree.root
    # a non-boolean path bit is rejected even if the prover computes the rest consistently
    w = c.witness({"leaf": leaves[3], "sib": s, "bits": [2, 0, 0]})
    assert not c.r1cs.is_satisfied(w)


def test_did_circuit_shape():
    c = did_circuit(2)
    assert c.public_names == list(PUBLIC_SIGNALS) == ["root", "nullifier", "scope", "msg_hash"]
    assert c.r1cs.n_pub_out == 2 and c.r1cs.n_pub_in == 2 and c.r1cs.n_prv_in == 2 + 2 * 2
    assert c.r1cs.n_constraints == 242 * 2 + 483
    assert did_circuit(2) is c  # cached


def test_did_circuit_satisfied(did2, did_input, did_witness, did_tree):
    assert did2.r1cs.is_satisfied(did_witness)
    public = did2.public_signals(did_witness)
    assert public == did_public_signals(did_input)
    assert public[0] == did_tree.root
    assert public[1] == nullifier(424242, 0xD1D) == poseidon([424242, 0xD1D])
    assert public[2:] == [0xD1D, 12345]


def _tamper(did2, witness, name):
    w = list(witness)
    idx = did2.inputs[name][0] if name in did2.inputs else did2.outputs[name]
    w[idx] = (w[idx] + 1) % R
    return w


@pytest.mark.parametrize("signal", ["root", "nullifier", "scope", "msg_hash", "secret", "salt"])
def test_did_circuit_rejects_a_wrong_witness(did2, did_witness, signal):
    assert not did2.r1cs.is_satisfied(_tamper(did2, did_witness, signal))


def test_did_wrong_secret_or_path_gives_another_root(did2, did_input, did_tree):
    for bad in (
        DIDWitnessInput(424243, 777, did_input.siblings, did_input.path_bits, 0xD1D, 12345),
        DIDWitnessInput(424242, 777, did_input.siblings, [1 - b for b in did_input.path_bits], 0xD1D, 12345),
    ):
        w = did2.witness(bad.assignment())
        assert did2.r1cs.is_satisfied(w)  # consistent, but proves membership in another tree
        assert did2.public_signals(w)[0] != did_tree.root


def test_msg_hash_is_bound(did2):
    """msg_hash appears in a constraint (msg_hash * msg_hash = msg_hash_sq)."""
    idx = did2.inputs["msg_hash"][0]
    assert any(any(w == idx for w, _ in a) and any(w == idx for w, _ in b) for a, b, _c in did2.r1cs.constraints)


def test_did_commitment():
    rnd = random.Random(1)
    s, t = rnd.randrange(R), rnd.randrange(R)
    assert commitment(s, t) == poseidon([s, t])
