"""The multi-party setup on a tiny circuit (power 3): contributions, beacons, verification by
anyone, and detection of tampered contributions."""

import copy

import pytest

from zk import ceremony as cer
from zk.curve import G1_GEN, g1_add, g1_mul, g2_mul
from zk.groth16 import prove, verify
from zk.r1cs import ConstraintSystem

POWER = 3


def test_phase1_verifies(phase1):
    lines = cer.verify_phase1(phase1, require_beacon=True)
    assert [ln.split()[1] for ln in lines[:3]] == ["contribution", "contribution", "beacon"]
    assert phase1.transcript[0]["prev_hash"] == cer.new_powers_of_tau(POWER).digest()


def test_phase1_roundtrip_file(phase1, tmp_path):
    phase1.save(tmp_path / "pot.ptau")
    back = cer.PowersOfTau.load(tmp_path / "pot.ptau")
    assert back.digest() == phase1.digest() and back.transcript == phase1.transcript
    assert back.lagrange_complete()
    assert cer.verify_phase1(back, require_beacon=True)


def _expect_invalid(fn, *args, **kw):
    with pytest.raises(cer.CeremonyError):
        fn(*args, **kw)


def test_tampered_accumulator_point_is_detected(phase1):
    bad = copy.copy(phase1)
    bad.tau_g1 = list(phase1.tau_g1)
    bad.tau_g1[5] = g1_add(bad.tau_g1[5], G1_GEN)
    _expect_invalid(cer.verify_phase1, bad)


def test_accumulator_not_made_of_powers_is_detected(phase1):
    """Even with a transcript rewritten to match, inconsistent powers fail the pairing checks."""
    bad = copy.copy(phase1)
    bad.beta_g1 = list(phase1.beta_g1)
    bad.beta_g1[3] = g1_mul(bad.beta_g1[3], 2)
    bad.transcript = copy.deepcopy(phase1.transcript)
    bad.transcript[-1]["new_hash"] = bad.digest()
    with pytest.raises(cer.CeremonyError, match="consecutive powers|does not verify|hash"):
        cer.verify_phase1(bad)


def test_contribution_with_forged_proof_of_knowledge_is_detected(phase1):
    bad = copy.copy(phase1)
    bad.transcript = copy.deepcopy(phase1.transcript)
    pok = bad.transcript[1]["pok"]["tau"]
    pok["g1_sx"] = [str(x) for x in g1_mul(G1_GEN, 12345)]
    _expect_invalid(cer.verify_phase1, bad)


def test_contribution_that_ignores_its_predecessor_is_detected(phase1):
    """Bob replays Alice's proof of knowledge for his own update: the chain breaks."""
    bad = copy.copy(phase1)
    bad.transcript = copy.deepcopy(phase1.transcript)
    bad.transcript[1]["pok"] = bad.transcript[0]["pok"]
    _expect_invalid(cer.verify_phase1, bad)


def test_record_swap_and_fake_beacon_are_detected(phase1):
    bad = copy.copy(phase1)
    bad.transcript = copy.deepcopy(phase1.transcript)
    bad.transcript[0], bad.transcript[1] = bad.transcript[1], bad.transcript[0]
    _expect_invalid(cer.verify_phase1, bad)
    bad.transcript = copy.deepcopy(phase1.transcript)
    bad.transcript[-1]["beacon"]["value"] = "00" * 32
    _expect_invalid(cer.verify_phase1, bad)


def test_unclosed_phase_and_closed_phase_rules(phase1):
    acc = cer.contribute_phase1(cer.new_powers_of_tau(2), "solo")
    assert cer.verify_phase1(acc)
    _expect_invalid(cer.verify_phase1, acc, require_beacon=True)
    _expect_invalid(cer.contribute_phase1, phase1, "late")


def test_tampered_lagrange_basis_is_detected(phase1):
    bad = copy.copy(phase1)
    bad.lagrange = {k: dict(v) for k, v in phase1.lagrange.items()}
    pts = list(bad.lagrange[8][14])
    pts[2] = g1_add(pts[2], G1_GEN)
    bad.lagrange[8][14] = pts
    _expect_invalid(cer.verify_phase1, bad)


def test_phase2_verifies_and_proves(toy, phase1, phase2, tmp_path):
    lines = cer.verify_phase2(phase2, toy.r1cs, phase1, require_beacon=True)
    assert len(lines) == 4
    phase2.save(tmp_path / "k.zkey")
    back = cer.Phase2.load(tmp_path / "k.zkey")
    assert back.digest() == phase2.digest()
    w = toy.witness({"a": 3, "b": 5})
    proof, public = prove(back.pk, w)
    assert public == [3 * 5 * 5 + 3 * 5 + 7, 3]
    assert verify(back.pk.verifying_key(), public, proof)


def test_phase2_tampered_c_point_is_detected(toy, phase1, phase2):
    bad = copy.copy(phase2)
    bad.pk = copy.copy(phase2.pk)
    bad.pk.c = list(phase2.pk.c)
    bad.pk.c[0] = g1_add(bad.pk.c[0], G1_GEN)
    bad.transcript = copy.deepcopy(phase2.transcript)
    bad.transcript[-1]["new_hash"] = bad.digest()  # even with the transcript adjusted
    _expect_invalid(cer.verify_phase2, bad, toy.r1cs, phase1)


def test_phase2_delta_not_from_transcript_is_detected(toy, phase1, phase2):
    bad = copy.copy(phase2)
    bad.pk = copy.copy(phase2.pk)
    bad.pk.delta1 = g1_mul(phase2.pk.delta1, 2)
    bad.pk.delta2 = g2_mul(phase2.pk.delta2, 2)
    _expect_invalid(cer.verify_phase2, bad, toy.r1cs, phase1)


def test_phase2_key_with_a_changed_a_point_is_detected(toy, phase1, phase2):
    bad = copy.copy(phase2)
    bad.pk = copy.copy(phase2.pk)
    bad.pk.a = list(phase2.pk.a)
    bad.pk.a[2] = g1_add(bad.pk.a[2], G1_GEN)
    _expect_invalid(cer.verify_phase2, bad, toy.r1cs, phase1)


def test_phase2_for_another_circuit_is_refused(phase1, phase2):
    cs = ConstraintSystem("other")
    o = cs.output("o")
    x = cs.private_input("x")
    cs.bind(o, cs.mul(x, x))
    _expect_invalid(cer.verify_phase2, phase2, cs.compile().r1cs, phase1)


def test_circuit_too_big_for_the_ceremony(phase1):
    cs = ConstraintSystem("big")
    x = cs.private_input("x")
    acc = x
    for _ in range(10):
        acc = cs.mul(acc, x)
    _expect_invalid(cer.new_phase2, cs.compile().r1cs, phase1)


def test_record_with_a_g2_point_outside_the_subgroup_is_detected(phase1):
    from zk.curve import B2, f2_add, f2_mul, f2_sqr, f2_sqrt, mpz

    x = (mpz(3), mpz(1))
    while (y := f2_sqrt(f2_add(f2_mul(f2_sqr(x), x), B2))) is None:
        x = (x[0] + 1, x[1])
    bad = copy.copy(phase1)
    bad.transcript = copy.deepcopy(phase1.transcript)
    bad.transcript[0]["tau_g2"] = [[str(int(x[0])), str(int(x[1]))], [str(int(y[0])), str(int(y[1]))]]
    with pytest.raises(cer.CeremonyError, match="not a G2 point"):
        cer.verify_phase1(bad)
