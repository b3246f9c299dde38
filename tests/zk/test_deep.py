"""Merkle depth 20 (the production circuit): slow, run by `make test-deep` only."""

import pytest
from zkhelpers import requires_node, run_snarkjs

from zk.circuits.did import DIDWitnessInput, commitment, did_circuit, did_public_signals
from zk.gadgets.merkle import MerkleTree
from zk.groth16 import Proof, prove, setup_dev, verify
from zk.snarkjs_io import load_json, public_from_json, public_to_json, save_json, write_wtns, write_zkey

pytestmark = pytest.mark.deep


@pytest.fixture(scope="module")
def depth20():
    circuit = did_circuit(20)
    tree = MerkleTree(20)
    for k in range(5):
        tree.append(commitment(k, k + 1))
    i = tree.append(commitment(777, 888))
    sib, bits = tree.proof(i)
    inp = DIDWitnessInput(777, 888, sib, bits, scope=31337, msg_hash=2**200 + 1)
    pk = setup_dev(circuit.r1cs, seed=20)
    return circuit, inp, circuit.witness(inp.assignment()), pk, tree


def test_depth20_shape(depth20):
    circuit = depth20[0]
    assert circuit.r1cs.n_constraints == 242 * 20 + 483 == 5323
    assert circuit.r1cs.domain_size() == 8192


def test_depth20_prove_verify(depth20):
    circuit, inp, w, pk, tree = depth20
    assert circuit.r1cs.is_satisfied(w)
    proof, public = prove(pk, w)
    assert public == did_public_signals(inp) and public[0] == tree.root
    assert verify(pk.verifying_key(), public, proof)
    bad = list(public)
    bad[1] += 1
    assert not verify(pk.verifying_key(), bad, proof)


@requires_node
def test_depth20_snarkjs_both_ways(depth20, tmp_path):
    circuit, inp, w, pk, _ = depth20
    write_zkey(tmp_path / "k.zkey", pk)
    write_wtns(tmp_path / "w.wtns", w)
    run_snarkjs(
        "groth16", "prove", tmp_path / "k.zkey", tmp_path / "w.wtns", tmp_path / "p.json", tmp_path / "pub.json"
    )
    vk = pk.verifying_key()
    assert verify(
        vk, public_from_json(load_json(tmp_path / "pub.json")), Proof.from_json(load_json(tmp_path / "p.json"))
    )
    proof, public = prove(pk, w)
    save_json(tmp_path / "vk.json", vk.to_json())
    save_json(tmp_path / "proof.json", proof.to_json())
    save_json(tmp_path / "public.json", public_to_json(public))
    assert (
        "OK!"
        in run_snarkjs(
            "groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json"
        ).stdout
    )
