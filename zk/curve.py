"""BN254 (alt_bn128, the curve of the EVM precompiles 0x06-0x08) groups G1 and G2.

The curve constants are py_ecc's (`py_ecc.optimized_bn128`); the arithmetic here is our
own on plain integers (gmpy2.mpz in the hot paths), which is 10-50x faster than py_ecc's
generic field classes:

* Fq elements are ints in [0, Q); Fq2 = Fq[u]/(u^2 + 1) elements are pairs (c0, c1).
* Affine points are tuples (x, y) (G2: ((x0, x1), (y0, y1))); `None` is the point at infinity.
* Jacobian points are (X, Y, Z) standing for (X/Z^2, Y/Z^3); Z == 0 is the point at infinity.

G1: y^2 = x^3 + 3 over Fq (cofactor 1). G2: the sextic D-twist y^2 = x^3 + 3/(9 + u) over
Fq2, cofactor 2Q - R, so points must be checked to lie in the order-R subgroup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast, overload

import gmpy2

from .field import R, mpz

if TYPE_CHECKING:
    from py_ecc.optimized_bn128 import FQ, FQ2

#: Base field modulus (py_ecc.optimized_bn128.field_modulus; the tests check every constant
#: here against py_ecc, which is not imported at run time to keep CLI start-up short).
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
Q_MPZ = mpz(Q)

# The shapes of field elements and points (values are ints or gmpy2.mpz, which type-checks as Any).
Fq = int
F2 = tuple[int, int]
G1Affine = tuple[int, int] | None
G2Affine = tuple[F2, F2] | None
G1Jac = tuple[int, int, int]
G2Jac = tuple[F2, F2, F2]
#: Affine points known not to be the point at infinity.
G1Point = tuple[int, int]
G2Point = tuple[F2, F2]

# ---------------------------------------------------------------------------------------------
# Fq and Fq2
# ---------------------------------------------------------------------------------------------


def fq_inv(a: int) -> int:
    r: int = gmpy2.invert(a, Q_MPZ)
    return r


def fq_sqrt(a: int) -> int | None:
    """Square root in Fq (Q = 3 mod 4), or None."""
    a %= Q
    r: int = gmpy2.powmod(a, (Q + 1) // 4, Q_MPZ)
    return r if r * r % Q == a else None


F2_ZERO: F2 = (mpz(0), mpz(0))
F2_ONE: F2 = (mpz(1), mpz(0))


def f2(a: Sequence[int]) -> F2:
    """Any pair of integers as a reduced Fq2 element."""
    return (mpz(a[0]) % Q_MPZ, mpz(a[1]) % Q_MPZ)


def f2_add(a: F2, b: F2) -> F2:
    return ((a[0] + b[0]) % Q_MPZ, (a[1] + b[1]) % Q_MPZ)


def f2_sub(a: F2, b: F2) -> F2:
    return ((a[0] - b[0]) % Q_MPZ, (a[1] - b[1]) % Q_MPZ)


def f2_neg(a: F2) -> F2:
    return ((-a[0]) % Q_MPZ, (-a[1]) % Q_MPZ)


def f2_mul(a: F2, b: F2) -> F2:
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return ((t0 - t1) % Q_MPZ, ((a0 + a1) * (b0 + b1) - t0 - t1) % Q_MPZ)


def f2_sqr(a: F2) -> F2:
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % Q_MPZ, 2 * a0 * a1 % Q_MPZ)


def f2_mul_fq(a: F2, k: int) -> F2:
    return (a[0] * k % Q_MPZ, a[1] * k % Q_MPZ)


def f2_inv(a: F2) -> F2:
    a0, a1 = a
    n = gmpy2.invert((a0 * a0 + a1 * a1) % Q_MPZ, Q_MPZ)
    return (a0 * n % Q_MPZ, (-a1) * n % Q_MPZ)


def f2_conj(a: F2) -> F2:
    return (a[0], (-a[1]) % Q_MPZ)


def f2_is_zero(a: F2) -> bool:
    return a[0] == 0 and a[1] == 0


def f2_pow(a: F2, e: int) -> F2:
    result = F2_ONE
    base = a
    while e:
        if e & 1:
            result = f2_mul(result, base)
        base = f2_sqr(base)
        e >>= 1
    return result


def f2_sqrt(a: F2) -> F2 | None:
    """A square root in Fq2, or None. Uses the norm: a = x^2 iff N(a) is a square in Fq."""
    a0, a1 = mpz(a[0]) % Q_MPZ, mpz(a[1]) % Q_MPZ
    if a1 == 0:
        r = fq_sqrt(a0)
        if r is not None:
            return (mpz(r), mpz(0))
        r = fq_sqrt(-a0 % Q_MPZ)
        return None if r is None else (mpz(0), mpz(r))
    n = fq_sqrt((a0 * a0 + a1 * a1) % Q_MPZ)
    if n is None:
        return None
    half = fq_inv(2)
    t = (a0 + n) * half % Q_MPZ
    x0 = fq_sqrt(t)
    if x0 is None:
        t = (a0 - n) * half % Q_MPZ
        x0 = fq_sqrt(t)
        if x0 is None:
            return None
    x1 = a1 * fq_inv(2 * x0 % Q_MPZ) % Q_MPZ
    x = (mpz(x0), x1)
    return x if f2_sqr(x) == (a0, a1) else None


# ---------------------------------------------------------------------------------------------
# Curve constants
# ---------------------------------------------------------------------------------------------

B1: Fq = mpz(3)
XI: F2 = (mpz(9), mpz(1))
B2 = f2_mul((mpz(3), mpz(0)), f2_inv(XI))

G1_GEN: G1Point = (mpz(1), mpz(2))
G2_GEN: G2Point = (
    (
        mpz(10857046999023057135944570762232829481370756359578518086990519993285655852781),
        mpz(11559732032986387107991004021392285783925812861821192530917403151452391805634),
    ),
    (
        mpz(8495653923123431417604973247489272438418190587263600148770280649306958101930),
        mpz(4082367875863433681332203403145435568316851327593401208105741076214120093531),
    ),
)
#: |E'(Fq2)| = R * G2_COFACTOR.
G2_COFACTOR = 2 * Q - R

# ---------------------------------------------------------------------------------------------
# G1
# ---------------------------------------------------------------------------------------------

G1_INF_J: G1Jac = (mpz(1), mpz(1), mpz(0))


def g1_is_on_curve(P: G1Affine) -> bool:
    if P is None:
        return True
    x, y = P
    if not (0 <= x < Q and 0 <= y < Q):
        return False
    return (y * y - x * x * x - 3) % Q == 0


@overload
def g1_neg(P: None) -> None: ...
@overload
def g1_neg(P: G1Point) -> G1Point: ...
def g1_neg(P: G1Affine) -> G1Affine:
    return None if P is None else (P[0], (-P[1]) % Q_MPZ)


def g1_to_jac(P: G1Affine) -> G1Jac:
    return G1_INF_J if P is None else (mpz(P[0]), mpz(P[1]), mpz(1))


def g1_dbl_j(P: G1Jac) -> G1Jac:
    X1, Y1, Z1 = P
    if Z1 == 0 or Y1 == 0:
        return G1_INF_J
    p = Q_MPZ
    A = X1 * X1 % p
    B = Y1 * Y1 % p
    C = B * B % p
    D = 2 * ((X1 + B) ** 2 - A - C) % p
    E = 3 * A
    F = E * E % p
    X3 = (F - 2 * D) % p
    Y3 = (E * (D - X3) - 8 * C) % p
    Z3 = 2 * Y1 * Z1 % p
    return (X3, Y3, Z3)


def g1_add_j(P: G1Jac, Qp: G1Jac) -> G1Jac:
    X1, Y1, Z1 = P
    X2, Y2, Z2 = Qp
    if Z1 == 0:
        return Qp
    if Z2 == 0:
        return P
    p = Q_MPZ
    Z1Z1 = Z1 * Z1 % p
    Z2Z2 = Z2 * Z2 % p
    U1 = X1 * Z2Z2 % p
    U2 = X2 * Z1Z1 % p
    S1 = Y1 * Z2 * Z2Z2 % p
    S2 = Y2 * Z1 * Z1Z1 % p
    H = (U2 - U1) % p
    rr = (S2 - S1) % p
    if H == 0:
        if rr == 0:
            return g1_dbl_j(P)
        return G1_INF_J
    I4 = 4 * H * H % p
    J = H * I4 % p
    rr = 2 * rr
    V = U1 * I4 % p
    X3 = (rr * rr - J - 2 * V) % p
    Y3 = (rr * (V - X3) - 2 * S1 * J) % p
    Z3 = ((Z1 + Z2) ** 2 - Z1Z1 - Z2Z2) * H % p
    return (X3, Y3, Z3)


def g1_madd_j(P: G1Jac, A: G1Point) -> G1Jac:
    """Jacobian P + affine A (A not infinity)."""
    X1, Y1, Z1 = P
    X2, Y2 = A
    if Z1 == 0:
        return (mpz(X2), mpz(Y2), mpz(1))
    p = Q_MPZ
    Z1Z1 = Z1 * Z1 % p
    U2 = X2 * Z1Z1 % p
    S2 = Y2 * Z1 * Z1Z1 % p
    H = (U2 - X1) % p
    rr = (S2 - Y1) % p
    if H == 0:
        if rr == 0:
            return g1_dbl_j(P)
        return G1_INF_J
    HH = H * H % p
    I4 = 4 * HH
    J = H * I4 % p
    rr = 2 * rr
    V = X1 * I4 % p
    X3 = (rr * rr - J - 2 * V) % p
    Y3 = (rr * (V - X3) - 2 * Y1 * J) % p
    Z3 = ((Z1 + H) ** 2 - Z1Z1 - HH) % p
    return (X3, Y3, Z3)


def g1_to_affine(P: G1Jac) -> G1Affine:
    X, Y, Z = P
    if Z == 0:
        return None
    zi = fq_inv(Z)
    zi2 = zi * zi % Q_MPZ
    return (X * zi2 % Q_MPZ, Y * zi2 * zi % Q_MPZ)


def g1_batch_to_affine(points: Sequence[G1Jac]) -> list[G1Affine]:
    """Jacobian -> affine for many points with a single inversion."""
    zs = [P[2] for P in points]
    invs = _batch_inv_q(zs)
    out: list[G1Affine] = []
    p = Q_MPZ
    for (X, Y, Z), zi in zip(points, invs, strict=False):
        if Z == 0:
            out.append(None)
        else:
            zi2 = zi * zi % p
            out.append((X * zi2 % p, Y * zi2 * zi % p))
    return out


def g1_add(P: G1Affine, Qp: G1Affine) -> G1Affine:
    if P is None:
        return Qp
    if Qp is None:
        return P
    return g1_to_affine(g1_madd_j(g1_to_jac(P), Qp))


def g1_sub(P: G1Affine, Qp: G1Affine) -> G1Affine:
    return g1_add(P, g1_neg(Qp))


def _wnaf(k: int, w: int) -> list[int]:
    """Width-w non-adjacent form, least significant digit first."""
    digits: list[int] = []
    full = 1 << w
    half = full >> 1
    while k:
        if k & 1:
            d = k & (full - 1)
            if d >= half:
                d -= full
            k -= d
        else:
            d = 0
        digits.append(d)
        k >>= 1
    return digits


def g1_mul_j(P: G1Affine, k: int) -> G1Jac:
    """k * P in Jacobian coordinates (wNAF, width 5)."""
    k = int(k) % R
    if P is None or k == 0:
        return G1_INF_J
    if k == 1:
        return g1_to_jac(P)
    naf = _wnaf(k, 5)
    # odd multiples P, 3P, ..., 15P in affine
    P2 = g1_dbl_j(g1_to_jac(P))
    tab_j = [g1_to_jac(P)]
    for _ in range(7):
        tab_j.append(g1_add_j(tab_j[-1], P2))
    # P has prime order R (cofactor 1), so P, 3P, ..., 15P are never the point at infinity
    tab = cast("list[G1Point]", g1_batch_to_affine(tab_j))
    neg_tab = [g1_neg(t) for t in tab]
    acc = G1_INF_J
    for d in reversed(naf):
        acc = g1_dbl_j(acc)
        if d > 0:
            acc = g1_madd_j(acc, tab[d >> 1])
        elif d < 0:
            acc = g1_madd_j(acc, neg_tab[(-d) >> 1])
    return acc


def g1_mul(P: G1Affine, k: int) -> G1Affine:
    return g1_to_affine(g1_mul_j(P, k))


def g1_eq(P: G1Affine, Qp: G1Affine) -> bool:
    if P is None or Qp is None:
        return P is None and Qp is None
    return P[0] % Q == Qp[0] % Q and P[1] % Q == Qp[1] % Q


def g1_lincomb(points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
    """sum(k_i * P_i) for a handful of points (use zk.msm for many)."""
    acc = G1_INF_J
    for P, k in zip(points, scalars, strict=False):
        acc = g1_add_j(acc, g1_mul_j(P, k))
    return g1_to_affine(acc)


# ---------------------------------------------------------------------------------------------
# G2
# ---------------------------------------------------------------------------------------------

G2_INF_J: G2Jac = (F2_ONE, F2_ONE, F2_ZERO)


def g2_is_on_curve(P: G2Affine) -> bool:
    if P is None:
        return True
    x, y = P
    for c in (*x, *y):
        if not 0 <= c < Q:
            return False
    return f2_sub(f2_sqr(y), f2_add(f2_mul(f2_sqr(x), x), B2)) == F2_ZERO


def g2_in_subgroup(P: G2Affine) -> bool:
    """On the twist and of order R (the check the EVM pairing precompile also makes)."""
    if P is None:
        return True
    if not g2_is_on_curve(P):
        return False
    return g2_mul_j(P, R, reduce=False)[2] == F2_ZERO


@overload
def g2_neg(P: None) -> None: ...
@overload
def g2_neg(P: G2Point) -> G2Point: ...
def g2_neg(P: G2Affine) -> G2Affine:
    return None if P is None else (P[0], f2_neg(P[1]))


def g2_to_jac(P: G2Affine) -> G2Jac:
    return G2_INF_J if P is None else (f2(P[0]), f2(P[1]), F2_ONE)


def g2_dbl_j(P: G2Jac) -> G2Jac:
    X1, Y1, Z1 = P
    if f2_is_zero(Z1) or f2_is_zero(Y1):
        return G2_INF_J
    A = f2_sqr(X1)
    B = f2_sqr(Y1)
    C = f2_sqr(B)
    t = f2_sqr(f2_add(X1, B))
    D = f2_sub(f2_sub(t, A), C)
    D = f2_add(D, D)
    E = f2_add(f2_add(A, A), A)
    F = f2_sqr(E)
    X3 = f2_sub(F, f2_add(D, D))
    C8 = f2_mul_fq(C, 8)
    Y3 = f2_sub(f2_mul(E, f2_sub(D, X3)), C8)
    Z3 = f2_mul(Y1, Z1)
    Z3 = f2_add(Z3, Z3)
    return (X3, Y3, Z3)


def g2_add_j(P: G2Jac, Qp: G2Jac) -> G2Jac:
    X1, Y1, Z1 = P
    X2, Y2, Z2 = Qp
    if f2_is_zero(Z1):
        return Qp
    if f2_is_zero(Z2):
        return P
    Z1Z1 = f2_sqr(Z1)
    Z2Z2 = f2_sqr(Z2)
    U1 = f2_mul(X1, Z2Z2)
    U2 = f2_mul(X2, Z1Z1)
    S1 = f2_mul(f2_mul(Y1, Z2), Z2Z2)
    S2 = f2_mul(f2_mul(Y2, Z1), Z1Z1)
    H = f2_sub(U2, U1)
    rr = f2_sub(S2, S1)
    if f2_is_zero(H):
        if f2_is_zero(rr):
            return g2_dbl_j(P)
        return G2_INF_J
    H2 = f2_add(H, H)
    I4 = f2_sqr(H2)
    J = f2_mul(H, I4)
    rr = f2_add(rr, rr)
    V = f2_mul(U1, I4)
    X3 = f2_sub(f2_sub(f2_sqr(rr), J), f2_add(V, V))
    S1J = f2_mul(S1, J)
    Y3 = f2_sub(f2_mul(rr, f2_sub(V, X3)), f2_add(S1J, S1J))
    Z3 = f2_mul(f2_sub(f2_sub(f2_sqr(f2_add(Z1, Z2)), Z1Z1), Z2Z2), H)
    return (X3, Y3, Z3)


def g2_madd_j(P: G2Jac, A: G2Point) -> G2Jac:
    X1, Y1, Z1 = P
    if f2_is_zero(Z1):
        return (f2(A[0]), f2(A[1]), F2_ONE)
    X2, Y2 = A
    Z1Z1 = f2_sqr(Z1)
    U2 = f2_mul(X2, Z1Z1)
    S2 = f2_mul(f2_mul(Y2, Z1), Z1Z1)
    H = f2_sub(U2, X1)
    rr = f2_sub(S2, Y1)
    if f2_is_zero(H):
        if f2_is_zero(rr):
            return g2_dbl_j(P)
        return G2_INF_J
    HH = f2_sqr(H)
    I4 = f2_mul_fq(HH, 4)
    J = f2_mul(H, I4)
    rr = f2_add(rr, rr)
    V = f2_mul(X1, I4)
    X3 = f2_sub(f2_sub(f2_sqr(rr), J), f2_add(V, V))
    Y1J = f2_mul(Y1, J)
    Y3 = f2_sub(f2_mul(rr, f2_sub(V, X3)), f2_add(Y1J, Y1J))
    Z3 = f2_sub(f2_sub(f2_sqr(f2_add(Z1, H)), Z1Z1), HH)
    return (X3, Y3, Z3)


def g2_to_affine(P: G2Jac) -> G2Affine:
    X, Y, Z = P
    if f2_is_zero(Z):
        return None
    zi = f2_inv(Z)
    zi2 = f2_sqr(zi)
    return (f2_mul(X, zi2), f2_mul(f2_mul(Y, zi2), zi))


def g2_batch_to_affine(points: Sequence[G2Jac]) -> list[G2Affine]:
    norms = [(Z[0] * Z[0] + Z[1] * Z[1]) % Q_MPZ for _, _, Z in points]
    ninv = _batch_inv_q(norms)
    out: list[G2Affine] = []
    for (X, Y, Z), n in zip(points, ninv, strict=False):
        if f2_is_zero(Z):
            out.append(None)
            continue
        zi = (Z[0] * n % Q_MPZ, (-Z[1]) * n % Q_MPZ)
        zi2 = f2_sqr(zi)
        out.append((f2_mul(X, zi2), f2_mul(f2_mul(Y, zi2), zi)))
    return out


def g2_add(P: G2Affine, Qp: G2Affine) -> G2Affine:
    if P is None:
        return Qp
    if Qp is None:
        return P
    return g2_to_affine(g2_madd_j(g2_to_jac(P), Qp))


def g2_sub(P: G2Affine, Qp: G2Affine) -> G2Affine:
    return g2_add(P, g2_neg(Qp))


def g2_mul_j(P: G2Affine, k: int, reduce: bool = True) -> G2Jac:
    k = int(k)
    if reduce:
        k %= R
    if P is None or k == 0:
        return G2_INF_J
    naf = _wnaf(k, 4)
    P2 = g2_dbl_j(g2_to_jac(P))
    tab_j = [g2_to_jac(P)]
    for _ in range(3):
        tab_j.append(g2_add_j(tab_j[-1], P2))
    # every point on the twist has order dividing R * G2_COFACTOR, which is prime to 3, 5 and 7,
    # so P, 3P, 5P, 7P are never the point at infinity
    tab = cast("list[G2Point]", g2_batch_to_affine(tab_j))
    neg_tab = [g2_neg(t) for t in tab]
    acc = G2_INF_J
    for d in reversed(naf):
        acc = g2_dbl_j(acc)
        if d > 0:
            acc = g2_madd_j(acc, tab[d >> 1])
        elif d < 0:
            acc = g2_madd_j(acc, neg_tab[(-d) >> 1])
    return acc


def g2_mul(P: G2Affine, k: int) -> G2Affine:
    return g2_to_affine(g2_mul_j(P, k))


def g2_eq(P: G2Affine, Qp: G2Affine) -> bool:
    if P is None or Qp is None:
        return P is None and Qp is None
    return f2(P[0]) == f2(Qp[0]) and f2(P[1]) == f2(Qp[1])


def g2_lincomb(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    acc = G2_INF_J
    for P, k in zip(points, scalars, strict=False):
        acc = g2_add_j(acc, g2_mul_j(P, k))
    return g2_to_affine(acc)


def g2_clear_cofactor(P: G2Affine) -> G2Affine:
    return g2_to_affine(g2_mul_j(P, G2_COFACTOR, reduce=False))


def hash_to_g2(domain: bytes, data: bytes) -> G2Point:
    """A G2 point of unknown discrete logarithm derived from (domain, data).

    Try-and-increment: x = blake2b(domain | data | counter) read as two Fq elements; the
    first x with x^3 + b' a square gives a point, the root with the smaller y0 (as int) is
    taken, and the cofactor is cleared. Used for the proofs of knowledge in the ceremony.
    """
    counter = 0
    while True:
        h = hashlib.blake2b(domain + b"|" + data + counter.to_bytes(4, "big"), digest_size=64).digest()
        x = (mpz(int.from_bytes(h[:32], "big")) % Q_MPZ, mpz(int.from_bytes(h[32:], "big")) % Q_MPZ)
        y = f2_sqrt(f2_add(f2_mul(f2_sqr(x), x), B2))
        if y is not None:
            ny = f2_neg(y)
            if (ny[1], ny[0]) < (y[1], y[0]):
                y = ny
            P = g2_clear_cofactor((x, y))
            if P is not None:
                return P
        counter += 1


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _batch_inv_q(values: Sequence[int]) -> list[int]:
    n = len(values)
    if n == 0:
        return []
    p = Q_MPZ
    prefix: list[int] = [0] * n
    acc = mpz(1)
    for i, v in enumerate(values):
        prefix[i] = acc
        if v:
            acc = acc * v % p
    inv_acc = gmpy2.invert(acc, p)
    out = [mpz(0)] * n
    for i in range(n - 1, -1, -1):
        v = values[i]
        if v:
            out[i] = prefix[i] * inv_acc % p
            inv_acc = inv_acc * v % p
    return out


def g1_plain(P: G1Affine) -> G1Affine:
    """Affine point with Python ints (for JSON and for equality across representations)."""
    return None if P is None else (int(P[0]), int(P[1]))


def g2_plain(P: G2Affine) -> G2Affine:
    return None if P is None else ((int(P[0][0]), int(P[0][1])), (int(P[1][0]), int(P[1][1])))


def g1_random(seed: int) -> G1Affine:
    return g1_mul(G1_GEN, seed)


def to_py_ecc_g1(P: G1Affine) -> tuple[FQ, FQ, FQ]:
    from py_ecc.optimized_bn128 import FQ, Z1

    return Z1 if P is None else (FQ(int(P[0])), FQ(int(P[1])), FQ(1))


def to_py_ecc_g2(P: G2Affine) -> tuple[FQ2, FQ2, FQ2]:
    from py_ecc.optimized_bn128 import FQ2, Z2

    if P is None:
        return Z2
    return (FQ2([int(P[0][0]), int(P[0][1])]), FQ2([int(P[1][0]), int(P[1][1])]), FQ2([1, 0]))


def from_py_ecc_g1(P: tuple[FQ, FQ, FQ]) -> G1Affine:
    from py_ecc.optimized_bn128 import is_inf, normalize

    if is_inf(P):
        return None
    x, y = normalize(P)
    return (mpz(int(x)), mpz(int(y)))


def from_py_ecc_g2(P: tuple[FQ2, FQ2, FQ2]) -> G2Affine:
    from py_ecc.optimized_bn128 import is_inf, normalize

    if is_inf(P):
        return None
    x, y = normalize(P)
    return ((mpz(x.coeffs[0]), mpz(x.coeffs[1])), (mpz(y.coeffs[0]), mpz(y.coeffs[1])))


def g1_sum(points: Iterable[G1Affine]) -> G1Affine:
    acc = G1_INF_J
    for P in points:
        if P is not None:
            acc = g1_madd_j(acc, P)
    return g1_to_affine(acc)


def g2_sum(points: Iterable[G2Affine]) -> G2Affine:
    acc = G2_INF_J
    for P in points:
        if P is not None:
            acc = g2_madd_j(acc, P)
    return g2_to_affine(acc)
