"""Interoperability with snarkjs (npm, test-time reference), both ways.

Route: our .r1cs/.wtns pass `snarkjs r1cs info` / `wtns check`; our proving key is written as a
.zkey that snarkjs proves with (`groth16 prove our.zkey our.wtns`) and whose verification key
snarkjs exports identically to ours; snarkjs verifies our proofs and we verify snarkjs's. For
the ceremony, `snarkjs groth16 setup our.r1cs our.ptau` yields byte-for-byte our initial
phase-2 key, and snarkjs proves with our final ceremony key.
"""

import pytest
from zkhelpers import requires_node, run_snarkjs

from zk import ceremony as cer
from zk.groth16 import Proof, VerifyingKey, prove, verify
from zk.snarkjs_io import (
    load_json,
    public_from_json,
    public_to_json,
    read_bin,
    read_r1cs,
    read_wtns,
    save_json,
    write_r1cs,
    write_wtns,
    write_zkey,
)

pytestmark = requires_node


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory, did2, did_witness, dev_pk, dev_proof):
    d = tmp_path_factory.mktemp("snarkjs")
    write_r1cs(d / "did.r1cs", did2.r1cs)
    write_wtns(d / "did.wtns", did_witness)
    write_zkey(d / "did.zkey", dev_pk)
    proof, public = dev_proof
    save_json(d / "vk.json", dev_pk.verifying_key().to_json())
    save_json(d / "proof.json", proof.to_json())
    save_json(d / "public.json", public_to_json(public))
    return d


def test_r1cs_and_wtns_are_circom_files(artifacts, did2, did_witness):
    out = run_snarkjs("r1cs", "info", artifacts / "did.r1cs").stdout
    assert f"# of Constraints: {did2.r1cs.n_constraints}" in out and "# of Outputs: 2" in out
    assert "# of Public Inputs: 2" in out and f"# of Wires: {did2.r1cs.n_wires}" in out
    out = run_snarkjs("wtns", "check", artifacts / "did.r1cs", artifacts / "did.wtns").stdout
    assert "WITNESS IS CORRECT" in out
    # and we read them back
    assert read_r1cs(artifacts / "did.r1cs").constraints == did2.r1cs.constraints
    assert read_wtns(artifacts / "did.wtns") == did_witness


def test_snarkjs_rejects_a_wrong_witness_file(artifacts, did_witness, tmp_path):
    w = list(did_witness)
    w[10] += 1
    write_wtns(tmp_path / "bad.wtns", w)
    proc = run_snarkjs("wtns", "check", artifacts / "did.r1cs", tmp_path / "bad.wtns", check=False)
    assert "WITNESS IS CORRECT" not in proc.stdout


def test_snarkjs_verifies_our_proof(artifacts):
    out = run_snarkjs("groth16", "verify", artifacts / "vk.json", artifacts / "public.json", artifacts / "proof.json")
    assert "OK!" in out.stdout


def test_snarkjs_rejects_our_proof_with_a_wrong_public_input(artifacts, tmp_path):
    public = load_json(artifacts / "public.json")
    public[1] = str(int(public[1]) + 1)
    save_json(tmp_path / "public.json", public)
    proc = run_snarkjs(
        "groth16", "verify", artifacts / "vk.json", tmp_path / "public.json", artifacts / "proof.json", check=False
    )
    assert "OK!" not in proc.stdout


def test_snarkjs_exports_our_verification_key(artifacts, tmp_path):
    run_snarkjs("zkey", "export", "verificationkey", artifacts / "did.zkey", tmp_path / "vk.json")
    assert load_json(tmp_path / "vk.json") == load_json(artifacts / "vk.json")  # vk_alphabeta_12 included


def test_we_verify_what_snarkjs_proves_with_our_key(artifacts, tmp_path, dev_pk, dev_proof):
    run_snarkjs(
        "groth16", "prove", artifacts / "did.zkey", artifacts / "did.wtns", tmp_path / "p.json", tmp_path / "pub.json"
    )
    proof = Proof.from_json(load_json(tmp_path / "p.json"))
    public = public_from_json(load_json(tmp_path / "pub.json"))
    assert public == dev_proof[1]
    vk = VerifyingKey.from_json(load_json(artifacts / "vk.json"))
    assert verify(vk, public, proof)
    bad = list(public)
    bad[0] += 1
    assert not verify(vk, bad, proof)


def test_snarkjs_setup_from_our_ceremony_equals_our_phase2_start(tmp_path, toy, phase1, phase2):
    phase1.save(tmp_path / "pot.ptau")
    write_r1cs(tmp_path / "toy.r1cs", toy.r1cs)
    run_snarkjs("groth16", "setup", tmp_path / "toy.r1cs", tmp_path / "pot.ptau", tmp_path / "sj.zkey")
    ours = cer.phase2_initial_key(toy.r1cs, phase1)
    write_zkey(tmp_path / "ours.zkey", ours)
    _, a = read_bin(tmp_path / "sj.zkey", b"zkey")
    _, b = read_bin(tmp_path / "ours.zkey", b"zkey")
    for section in range(1, 10):  # 10 holds each tool's own hash
        assert a[section] == b[section], f"section {section} differs"
    # snarkjs proves with our final ceremony key; both sides verify
    phase2.save(tmp_path / "final.zkey")
    w = toy.witness({"a": 4, "b": 9})
    write_wtns(tmp_path / "toy.wtns", w)
    run_snarkjs(
        "groth16", "prove", tmp_path / "final.zkey", tmp_path / "toy.wtns", tmp_path / "p.json", tmp_path / "pub.json"
    )
    vk = phase2.pk.verifying_key()
    assert verify(
        vk, public_from_json(load_json(tmp_path / "pub.json")), Proof.from_json(load_json(tmp_path / "p.json"))
    )
    proof, public = prove(phase2.pk, w)
    save_json(tmp_path / "vk.json", vk.to_json())
    save_json(tmp_path / "proof.json", proof.to_json())
    save_json(tmp_path / "public.json", public_to_json(public))
    assert (
        "OK!"
        in run_snarkjs(
            "groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json"
        ).stdout
    )
