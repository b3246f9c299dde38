"""Groth16 completeness and soundness checks (dev key for the depth-2 DID circuit)."""

import json

import pytest

import zk
from zk.circuits.did import DIDWitnessInput, nullifier
from zk.curve import G1_GEN, G2_GEN, g1_add, g1_mul, g1_neg, g2_add, g2_mul
from zk.field import R
from zk.groth16 import Proof, VerifyingKey, h_scalars, prove, verify
from zk.snarkjs_io import proof_from_json, proof_to_json, read_zkey, vk_from_json, vk_to_json, write_zkey


def test_valid_proof_verifies(dev_pk, dev_proof, did_input):
    proof, public = dev_proof
    assert public == zk.did_public_signals(did_input)
    assert verify(dev_pk.verifying_key(), public, proof)


def test_proofs_are_randomised_and_parallel_matches_serial(dev_pk, did_witness):
    p1, pub = prove(dev_pk, did_witness, r=5, s=7, workers=1)
    p2, _ = prove(dev_pk, did_witness, r=5, s=7, workers=2)
    p3, _ = prove(dev_pk, did_witness, r=6, s=7, workers=3)
    assert p1 == p2 and p1 != p3
    vk = dev_pk.verifying_key()
    assert verify(vk, pub, p1) and verify(vk, pub, p3)


@pytest.mark.parametrize("part", ["a", "b", "c", "swap_ac"])
def test_tampered_proof_is_rejected(dev_pk, dev_proof, part):
    proof, public = dev_proof
    if part == "a":
        bad = Proof(g1_add(proof.a, G1_GEN), proof.b, proof.c)
    elif part == "b":
        bad = Proof(proof.a, g2_add(proof.b, G2_GEN), proof.c)
    elif part == "c":
        bad = Proof(proof.a, proof.b, g1_neg(proof.c))
    else:
        bad = Proof(proof.c, proof.b, proof.a)
    assert not verify(dev_pk.verifying_key(), public, bad)


def test_malformed_points_are_rejected(dev_pk, dev_proof):
    proof, public = dev_proof
    vk = dev_pk.verifying_key()
    off_curve = (proof.a[0], proof.a[1] + 1)
    assert not verify(vk, public, Proof(off_curve, proof.b, proof.c))
    assert not verify(vk, public, Proof(None, proof.b, proof.c))
    not_g2 = ((proof.b[0][0] + 1, proof.b[0][1]), proof.b[1])
    assert not verify(vk, public, Proof(proof.a, not_g2, proof.c))


@pytest.mark.parametrize("index", range(4))
def test_tampered_public_input_is_rejected(dev_pk, dev_proof, index):
    proof, public = dev_proof
    bad = list(public)
    bad[index] = (bad[index] + 1) % R
    assert not verify(dev_pk.verifying_key(), bad, proof)


def test_public_input_not_reduced_is_rejected(dev_pk, dev_proof):
    """x and x + r act the same in the pairing; the verifier must refuse the unreduced one."""
    proof, public = dev_proof
    bad = list(public)
    bad[3] += R
    assert not verify(dev_pk.verifying_key(), bad, proof)
    assert not verify(dev_pk.verifying_key(), public[:3], proof)


def test_wrong_nullifier_is_rejected(dev_pk, dev_proof, did_input):
    """The nullifier of another secret or another scope does not verify with this proof."""
    proof, public = dev_proof
    vk = dev_pk.verifying_key()
    for fake in (nullifier(did_input.secret + 1, did_input.scope), nullifier(did_input.secret, did_input.scope + 1)):
        assert not verify(vk, [public[0], fake, *public[2:]], proof)


def test_proof_from_unsatisfying_witness_does_not_verify(dev_pk, did2, did_witness):
    """A prover who claims another nullifier (witness inconsistent with the constraints) fails."""
    w = list(did_witness)
    w[did2.outputs["nullifier"]] = (w[did2.outputs["nullifier"]] + 1) % R
    proof, public = prove(dev_pk, w)
    assert not verify(dev_pk.verifying_key(), public, proof)


def test_prove_did_checks_inputs(dev_pk, did_input):
    bad = DIDWitnessInput(did_input.secret, did_input.salt, did_input.siblings, [2, 0], did_input.scope, 1)
    with pytest.raises(ValueError):
        zk.prove_did(dev_pk, bad)
    proof, public = zk.prove_did(dev_pk, did_input, workers=1)
    assert verify(dev_pk.verifying_key(), public, proof)


def test_proof_for_another_key_is_rejected(did2, dev_proof):
    other = zk.setup_dev(did2.r1cs, seed=1)
    proof, public = dev_proof
    assert not verify(other.verifying_key(), public, proof)


def test_h_scalars_make_the_qap_identity_hold(dev_pk, did_witness):
    """The quotient term matters: with the H points removed the proof no longer verifies."""
    hs = h_scalars(dev_pk, did_witness)
    assert any(hs)
    saved = dev_pk.h
    try:
        dev_pk.h = [None] * len(saved)
        dev_pk._cache.clear()
        proof, public = prove(dev_pk, did_witness, workers=1)
        assert not verify(dev_pk.verifying_key(), public, proof)
    finally:
        dev_pk.h = saved
        dev_pk._cache.clear()


def test_json_and_zkey_roundtrips(dev_pk, dev_proof, tmp_path):
    proof, public = dev_proof
    vk = dev_pk.verifying_key()
    vk_json = json.loads(json.dumps(vk_to_json(vk)))
    assert vk_json["nPublic"] == 4 and len(vk_json["IC"]) == 5 and vk_json["curve"] == "bn128"
    vk2 = vk_from_json(vk_json)
    assert vk2 == vk or (vk2.ic == vk.ic and vk2.alpha1 == vk.alpha1)
    assert proof_from_json(json.loads(json.dumps(proof_to_json(proof)))) == proof
    write_zkey(tmp_path / "k.zkey", dev_pk)
    pk2 = read_zkey(tmp_path / "k.zkey")
    assert (pk2.coeffs, pk2.a, pk2.b1, pk2.b2, pk2.c, pk2.h, pk2.ic) == (
        dev_pk.coeffs,
        dev_pk.a,
        dev_pk.b1,
        dev_pk.b2,
        dev_pk.c,
        dev_pk.h,
        dev_pk.ic,
    )
    assert verify(VerifyingKey.from_json(vk_json), public, Proof.from_json(proof.to_json()))


def test_calldata_layout(dev_proof):
    proof, _ = dev_proof
    a, b, c = proof.to_calldata()
    (x0, x1), (y0, y1) = proof.b
    assert a == [int(proof.a[0]), int(proof.a[1])] and b == [[int(x1), int(x0)], [int(y1), int(y0)]]
    assert c == [int(proof.c[0]), int(proof.c[1])]


def test_keys_from_known_toxic_waste_match_direct_formulas(did2):
    from zk.groth16 import keys_from_toxic_waste, qap_at

    tau, alpha, beta, delta = 11, 13, 17, 19
    pk = keys_from_toxic_waste(did2.r1cs, tau, alpha, beta, delta)
    u, v, w = qap_at(did2.r1cs, tau)
    assert pk.a[5] == g1_mul(G1_GEN, u[5]) and pk.b2[5] == g2_mul(G2_GEN, v[5])
    j = did2.r1cs.n_public + 3
    expect = (beta * u[j] + alpha * v[j] + w[j]) * pow(delta, -1, R) % R
    assert pk.c[j - did2.r1cs.n_public - 1] == g1_mul(G1_GEN, expect)
