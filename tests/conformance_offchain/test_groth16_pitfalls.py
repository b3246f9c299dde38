"""Groth16 verifier pitfalls (BN254), against both verifiers of the project: the Python verifier
`zk.groth16.verify` and the committed on-chain verifier contracts/identity/DIDVerifier.vy (compiled
as committed, deployed on a throwaway anvil with the EIP-196/197 precompiles).

The proofs are made for the committed development key fame/did/dev_vk_depth20.json, whose seed is
public (offchain_helpers.DevKeyForger): to a verifier they are valid proofs, for any public
signals; one test repeats the central pitfalls with an honest proof from `zk.groth16.prove`.

What the texts ask, and the tests named after it:

* Groth16 (Groth 2016, section 3.2) verifies e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta)
  with vk_x = IC0 + sum a_i IC_i over public inputs a_i in F_r: an input is a field element, so
  an integer >= r (a_i + r names the same ecmul) must be refused, or one proof would pass for
  many distinct inputs (the unreduced-nullifier double-spend).
* A, C in G1 and B in G2: points off the curve, B on the twist but outside the order-r subgroup,
  must be refused (EIP-197: "the input is invalid" if a point is not on the curve or, for G2,
  not in the subgroup of order r).
* EIP-196 / EIP-197 encoding: every coordinate is a field element, "If any of the field elements
  ... is not in the field (>= p)" the input is invalid; (0, 0) encodes the point at infinity,
  which no valid proof needs: an all-zero proof must be refused.
* The statement is bound by the public signals: the same proof under any other signal (another
  root, nullifier, scope or msg_hash, i.e. another action, sender or nullifier) must be refused.
* Malleability (noted, not refused): (-A, -B, C) satisfies the same equation, since
  e(-A, -B) = e(A, B). A Groth16 proof is not unique, so nothing may key on the proof bytes;
  the registry keys on the nullifier (test_groth16_registry_replay.py).

Not applicable: the G1 subgroup check (BN254's G1 has cofactor 1, on the curve is in G1);
checks of the verification key itself (the key is a compile-time constant of the contract and
the committed JSON file, both checked against each other by tests/did/test_generated.py).
"""

from __future__ import annotations

import pytest
from offchain_helpers import Calldata, negate_a_and_b, python_proof

from zk.curve import B2, Q, f2, f2_add, f2_mul, f2_sqr, f2_sqrt, g2_in_subgroup, g2_is_on_curve
from zk.field import R
from zk.groth16 import Proof, prove, setup_dev
from zk.groth16 import verify as py_verify
from zk.keys import proof_to_json
from zk.r1cs import ConstraintSystem

PUBLIC = [0x1234_5678, 0x0BAD_CAFE, 0x5C0DE, 0xA11CE]  # root, nullifier, scope, msg_hash
NAMES = ["root", "nullifier", "scope", "msg_hash"]


@pytest.fixture(params=["python", "evm"])
def verifier(request, dev_vk):
    """(name, check(calldata, public) -> bool) for the Python or the on-chain verifier."""
    if request.param == "python":
        return "python", lambda cd, pub: py_verify(dev_vk, list(pub), python_proof(cd))
    contract = request.getfixturevalue("evm_verifier")
    return "evm", lambda cd, pub: contract.functions.verifyProof(*cd, list(pub)).call()


@pytest.fixture(scope="module")
def valid(forger) -> tuple[Proof, Calldata]:
    proof = forger.prove(PUBLIC)
    return proof, proof.to_calldata()


def mutate(cd: Calldata, where: str, value: int) -> Calldata:
    """A copy of calldata with one coordinate replaced: a0 a1 b00 b01 b10 b11 c0 c1."""
    a, b, c = [list(cd[0]), [list(cd[1][0]), list(cd[1][1])], list(cd[2])]
    if where[0] == "a":
        a[int(where[1])] = value
    elif where[0] == "c":
        c[int(where[1])] = value
    else:
        b[int(where[1])][int(where[2])] = value
    return a, b, c


def get(cd: Calldata, where: str) -> int:
    if where[0] == "a":
        return cd[0][int(where[1])]
    if where[0] == "c":
        return cd[2][int(where[1])]
    return cd[1][int(where[1])][int(where[2])]


COORDS = ["a0", "a1", "b00", "b01", "b10", "b11", "c0", "c1"]


def test_valid_proof_is_accepted(verifier, valid):
    """The baseline every pitfall below is measured against: the proof verifies for its signals."""
    _, check = verifier
    assert check(valid[1], PUBLIC) is True


# ------------------------------------------------------------------------------------------------
# Public inputs are elements of F_r
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=NAMES)
def test_public_input_not_reduced_below_r_is_rejected(verifier, valid, index):
    """Public inputs live in F_r: input + r (same vk_x, since r IC_i = O) must not verify."""
    _, check = verifier
    for k in (1, 2):
        bad = list(PUBLIC)
        bad[index] += k * R
        assert bad[index] < 2**256
        assert check(valid[1], bad) is False, (index, k)


@pytest.mark.parametrize("index", range(4), ids=NAMES)
def test_public_input_equal_to_r_is_rejected(verifier, forger, index):
    """r itself is not a field element (0 is): a proof for signal 0 does not verify with r."""
    _, check = verifier
    public = list(PUBLIC)
    public[index] = 0
    cd = forger.prove(public).to_calldata()
    assert check(cd, public) is True
    public[index] = R
    assert check(cd, public) is False


def test_public_input_out_of_range_python_only(dev_vk, valid):
    """The Python verifier takes any int: negative, >= 2^256 or the wrong count are refused too."""
    proof = valid[0]
    for bad in ([PUBLIC[0] - R, *PUBLIC[1:]], [PUBLIC[0] + 2**256, *PUBLIC[1:]], [-1, *PUBLIC[1:]]):
        assert py_verify(dev_vk, bad, proof) is False
    assert py_verify(dev_vk, PUBLIC[:3], proof) is False
    assert py_verify(dev_vk, [*PUBLIC, 0], proof) is False


# ------------------------------------------------------------------------------------------------
# The proof's points: on the curve, in the subgroup, canonical, not the point at infinity
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["a1", "c1", "b10", "b11"])
def test_proof_point_off_the_curve_is_rejected(verifier, valid, where):
    """EIP-197: the input is invalid if a point is not on the curve (y + 1 moves it off)."""
    _, check = verifier
    cd = mutate(valid[1], where, (get(valid[1], where) + 1) % Q)
    assert check(cd, PUBLIC) is False


def _twist_point_outside_g2():
    """A point on BN254's twist y^2 = x^3 + 3 / (9 + u) whose order is not r."""
    for x0 in range(1, 100):
        x = f2((x0, 1))
        y = f2_sqrt(f2_add(f2_mul(f2_sqr(x), x), B2))
        if y is not None and g2_is_on_curve((x, y)) and not g2_in_subgroup((x, y)):
            return x, y
    raise AssertionError("no such point among the first candidates")


def test_b_on_the_twist_but_outside_the_order_r_subgroup_is_rejected(verifier, valid):
    """EIP-197: G2 points must be in the subgroup of order r, not merely on the twist."""
    _, check = verifier
    (x0, x1), (y0, y1) = (map(int, coord) for coord in _twist_point_outside_g2())
    a, _, c = valid[1]
    assert check((a, [[x1, x0], [y1, y0]], c), PUBLIC) is False


@pytest.mark.parametrize("where", COORDS)
def test_coordinate_not_below_the_field_modulus_p_is_rejected(verifier, valid, where):
    """EIP-196/197: "If any of the field elements ... is not in the field (>= p)" the input is
    invalid: x + p names the same residue but is not a canonical field element."""
    _, check = verifier
    value = get(valid[1], where)
    assert check(mutate(valid[1], where, value + Q), PUBLIC) is False
    assert check(mutate(valid[1], where, 2**256 - 1), PUBLIC) is False


@pytest.mark.parametrize("member", ["pi_a", "pi_c"])
def test_json_proof_with_a_coordinate_not_below_p_is_rejected(dev_vk, valid, member):
    """The snarkjs JSON form: a proof.json whose x coordinate is x + p is not a valid encoding."""
    obj = proof_to_json(valid[0])
    obj[member][0] = str(int(obj[member][0]) + Q)
    with pytest.raises(ValueError, match="is not a field element"):  # refused as it is read
        Proof.from_json(obj)
    assert py_verify(dev_vk, PUBLIC, Proof.from_json(proof_to_json(valid[0]))) is True


@pytest.mark.parametrize("which", ["all", "a", "b", "c"])
def test_point_at_infinity_and_zero_proof_are_rejected(verifier, valid, which):
    """EIP-196/197 encode the point at infinity as zeros: the all-zero proof, or any one point at
    infinity, must not verify."""
    _, check = verifier
    a, b, c = valid[1]
    zero1, zero2 = [0, 0], [[0, 0], [0, 0]]
    cd = {
        "all": (zero1, zero2, zero1),
        "a": (zero1, b, c),
        "b": (a, zero2, c),
        "c": (a, b, zero1),
    }[which]
    assert check(cd, PUBLIC) is False
    assert check((zero1, zero2, zero1), [0, 0, 0, 0]) is False


def test_python_points_at_infinity_are_rejected(dev_vk, valid):
    """The Python form of infinity (None) in any of A, B, C is refused."""
    a, b, c = valid[0].a, valid[0].b, valid[0].c
    for proof in (Proof(None, b, c), Proof(a, None, c), Proof(a, b, None), Proof(None, None, None)):
        assert py_verify(dev_vk, PUBLIC, proof) is False


# ------------------------------------------------------------------------------------------------
# The statement: the public signals bind the proof
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=NAMES)
def test_valid_proof_replayed_with_another_public_signal_is_rejected(verifier, valid, index):
    """A proof proves one statement: another root, nullifier, scope (action) or msg_hash (sender,
    parameters) must not verify with it."""
    _, check = verifier
    for other in ((PUBLIC[index] + 1) % R, 0, R - 1):
        bad = list(PUBLIC)
        bad[index] = other
        assert check(valid[1], bad) is False, (index, other)


def test_valid_proof_with_signals_reordered_is_rejected(verifier, valid):
    """The order of the public signals is part of the statement (root, nullifier, scope, msg_hash)."""
    _, check = verifier
    assert check(valid[1], [PUBLIC[1], PUBLIC[0], *PUBLIC[2:]]) is False
    assert check(valid[1], list(reversed(PUBLIC))) is False


def test_malleability_negated_a_and_b_still_verifies(verifier, valid):
    """Noted, not a bug: (-A, -B, C) is another valid proof of the same statement
    (e(-A, -B) = e(A, B)). A verifier cannot refuse it; nothing may treat the proof bytes as
    unique (the registry keys on the nullifier instead)."""
    _, check = verifier
    other = negate_a_and_b(valid[0])
    assert other.to_calldata() != valid[1]
    assert check(other.to_calldata(), PUBLIC) is True


# ------------------------------------------------------------------------------------------------
# An honest proof (zk.groth16.prove) behaves the same
# ------------------------------------------------------------------------------------------------


def test_honest_proof_pitfalls_python_verifier():
    """With a proof from the prover (a 3-constraint circuit, public a = 3): a + r and another a are
    refused, (-A, -B, C) still verifies, a coordinate + p is refused."""
    cs = ConstraintSystem("pitfalls")
    out = cs.output("out")
    a = cs.public_input("a")
    b = cs.private_input("b")
    t = cs.mul(a, b)
    cs.bind(out, cs.mul(t, b) + t + 7)
    circuit = cs.compile()
    pk = setup_dev(circuit.r1cs, seed=7)
    vk = pk.verifying_key()
    proof, public = prove(pk, circuit.witness({"a": 3, "b": 5}), workers=1)
    assert py_verify(vk, public, proof) is True
    for i in range(len(public)):
        bumped = list(public)
        bumped[i] += R
        assert py_verify(vk, bumped, proof) is False
        bumped[i] = (public[i] + 1) % R
        assert py_verify(vk, bumped, proof) is False
    assert py_verify(vk, public, negate_a_and_b(proof)) is True
    ax, ay = proof.a
    assert py_verify(vk, public, Proof((ax + Q, ay), proof.b, proof.c)) is False
