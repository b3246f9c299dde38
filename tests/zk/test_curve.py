"""G1/G2 arithmetic, multi-scalar multiplication and the pairing, against py_ecc."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as pe

from zk import curve as C
from zk import msm as M
from zk.field import R
from zk.pairing import f12_eq, final_exponentiation, miller_loop, pairing, pairing_check, to_py_ecc_fq12

scalar = st.integers(min_value=0, max_value=R - 1)


def test_constants_are_py_ecc():
    assert C.Q == pe.field_modulus and R == pe.curve_order
    assert C.g1_eq(C.G1_GEN, C.from_py_ecc_g1(pe.G1))
    assert C.g2_eq(C.G2_GEN, C.from_py_ecc_g2(pe.G2))
    assert C.g2_in_subgroup(C.G2_GEN)
    assert C.f2_mul(C.B2, C.XI) == (3, 0)


@given(scalar)
def test_g1_mul_matches_py_ecc(k):
    assert C.g1_eq(C.g1_mul(C.G1_GEN, k), C.from_py_ecc_g1(pe.multiply(pe.G1, k)))


@settings(max_examples=5)
@given(scalar)
def test_g2_mul_matches_py_ecc(k):
    assert C.g2_eq(C.g2_mul(C.G2_GEN, k), C.from_py_ecc_g2(pe.multiply(pe.G2, k)))


@given(scalar, scalar)
def test_group_laws(a, b):
    P, Q = C.g1_mul(C.G1_GEN, a), C.g1_mul(C.G1_GEN, b)
    assert C.g1_eq(C.g1_add(P, Q), C.g1_mul(C.G1_GEN, a + b))
    assert C.g1_eq(C.g1_add(P, C.g1_neg(P)), None)
    assert C.g1_eq(C.g1_add(P, P), C.g1_mul(C.G1_GEN, 2 * a))
    P2, Q2 = C.g2_mul(C.G2_GEN, a), C.g2_mul(C.G2_GEN, b)
    assert C.g2_eq(C.g2_add(P2, Q2), C.g2_mul(C.G2_GEN, a + b))
    assert C.g2_eq(C.g2_sub(P2, P2), None)


def test_order_and_infinity():
    assert C.g1_mul(C.G1_GEN, R) is None and C.g2_mul(C.G2_GEN, R) is None
    assert C.g1_mul(None, 5) is None and C.g1_add(None, C.G1_GEN) == C.G1_GEN


def test_g2_subgroup_check_rejects_twist_points_outside_g2():
    # a point on the twist, before cofactor clearing, is (almost surely) not in G2
    x = (C.mpz(5), C.mpz(1))
    while True:
        y = C.f2_sqrt(C.f2_add(C.f2_mul(C.f2_sqr(x), x), C.B2))
        if y is not None:
            break
        x = (x[0] + 1, x[1])
    assert C.g2_is_on_curve((x, y)) and not C.g2_in_subgroup((x, y))
    assert C.g2_in_subgroup(C.g2_clear_cofactor((x, y)))


def test_hash_to_g2_is_deterministic_and_in_g2():
    P = C.hash_to_g2(b"fame", b"data")
    assert C.g2_in_subgroup(P) and P is not None
    assert C.g2_eq(P, C.hash_to_g2(b"fame", b"data"))
    assert not C.g2_eq(P, C.hash_to_g2(b"fame", b"other"))


def _points(n, rnd, g2=False):
    if g2:
        return [C.g2_mul(C.G2_GEN, rnd.randrange(1, R)) for _ in range(n)]
    return [C.g1_mul(C.G1_GEN, rnd.randrange(1, R)) for _ in range(n)]


@given(st.integers(min_value=0, max_value=70), st.randoms(use_true_random=False), st.booleans())
def test_msm_g1_equals_naive_sum(n, rnd, with_specials):
    pts = _points(n, rnd)
    ks = [rnd.randrange(R) for _ in range(n)]
    if with_specials and n >= 4:
        pts[1] = pts[0]  # same base twice
        pts[2] = C.g1_neg(pts[0])  # its negation
        pts[3] = None  # infinity
        ks[0] = 0
        ks[-1] = R - 1
    assert C.g1_eq(M.msm_g1(pts, ks), M.msm_naive_g1(pts, ks))


@settings(max_examples=5)
@given(st.integers(min_value=0, max_value=30), st.randoms(use_true_random=False))
def test_msm_g2_equals_naive_sum(n, rnd):
    pts = _points(n, rnd, g2=True)
    ks = [rnd.randrange(R) for _ in range(n)]
    if n >= 3:
        pts[1] = pts[0]
        pts[2] = None
    assert C.g2_eq(M.msm_g2(pts, ks), M.msm_naive_g2(pts, ks))


def test_msm_cancellation_gives_infinity():
    rnd = random.Random(7)
    pts = _points(12, rnd)
    assert M.msm_g1(pts + [C.g1_neg(P) for P in pts], [9] * 24) is None


def test_msm_many_shares_a_plan_and_handles_infinity():
    rnd = random.Random(11)
    ks = [rnd.randrange(R) for _ in range(40)]
    a = [C.g1_mul(C.G1_GEN, rnd.randrange(R)) if i % 3 else None for i in range(40)]
    b = _points(40, rnd)
    plan = M.MSMPlan(ks)
    ra, rb = M.msm_g1_many(plan, [M.prepare_points_g1(a), M.prepare_points_g1(b)])
    assert C.g1_eq(C.g1_to_affine(ra), M.msm_naive_g1(a, ks))
    assert C.g1_eq(C.g1_to_affine(rb), M.msm_naive_g1(b, ks))
    q = [C.g2_mul(C.G2_GEN, rnd.randrange(R)) if i % 4 else None for i in range(40)]
    (rq,) = M.msm_g2_many(plan, [M.prepare_points_g2(q)])
    assert C.g2_eq(C.g2_to_affine(rq), M.msm_naive_g2(q, ks))


def test_msm_parallel_workers_agree():
    rnd = random.Random(5)
    ks = [rnd.randrange(R) for _ in range(64)]
    pts = _points(64, rnd)
    plan = M.MSMPlan(ks)
    prepared = M.prepare_points_g1(pts)
    one, two = M.run_forked([lambda: M.msm_g1_many(plan, [prepared])[0]] * 2, workers=2)
    assert C.g1_eq(C.g1_to_affine(one), C.g1_to_affine(two))
    assert C.g1_eq(C.g1_to_affine(one), M.msm_naive_g1(pts, ks))


def test_fixed_base_batch():
    rnd = random.Random(9)
    ks = [rnd.randrange(R) for _ in range(10)] + [0, 1, R - 1]
    base = C.g1_mul(C.G1_GEN, 99)
    assert all(C.g1_eq(P, C.g1_mul(base, k)) for P, k in zip(M.g1_fixed_base_batch(base, ks), ks, strict=False))
    assert all(C.g2_eq(P, C.g2_mul(C.G2_GEN, k)) for P, k in zip(M.g2_fixed_base_batch(C.G2_GEN, ks), ks, strict=False))


@settings(max_examples=3)
@given(scalar, scalar)
def test_pairing_matches_py_ecc_and_is_bilinear(a, b):
    P, Q = C.g1_mul(C.G1_GEN, a), C.g2_mul(C.G2_GEN, b)
    ours = pairing(P, Q)
    if P is not None and Q is not None:
        ref = pe.pairing(C.to_py_ecc_g2(Q), C.to_py_ecc_g1(P))
        assert to_py_ecc_fq12(ours) == [c.n if hasattr(c, "n") else int(c) for c in ref.coeffs]
    assert f12_eq(ours, pairing(C.g1_mul(C.G1_GEN, a * b % R), C.G2_GEN))


def test_pairing_check():
    a, b = 1234567, 7654321
    P, Q = C.g1_mul(C.G1_GEN, a), C.g2_mul(C.G2_GEN, b)
    good = [(P, Q), (C.g1_neg(C.g1_mul(C.G1_GEN, a * b % R)), C.G2_GEN)]
    assert pairing_check(good)
    bad = [(P, Q), (C.g1_neg(C.g1_mul(C.G1_GEN, a * b + 1)), C.G2_GEN)]
    assert not pairing_check(bad)
    # a G2 point outside the subgroup is refused
    assert not pairing_check([(P, ((Q[0][0] + 1, Q[0][1]), Q[1]))])


def test_final_exponentiation_hard_part_chain():
    """The BN addition chain computes exactly f^((q^12 - 1) / r)."""
    from zk.pairing import f12_pow

    f = miller_loop([(C.G1_GEN, C.G2_GEN)])
    assert f12_eq(final_exponentiation(f), f12_pow(f, (C.Q**12 - 1) // R))
