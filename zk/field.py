"""The BN254 (alt_bn128) scalar field Fr, the field every FameEngine circuit works in.

Elements are plain Python ints in [0, R). Hot loops elsewhere use gmpy2.mpz, which
this module re-exports as `mpz`; every function here accepts either.

The 2-adic roots of unity follow the convention of the circom/snarkjs tool chain:
`nqr` is the smallest quadratic non-residue counted up from 2, `ROOTS[s] = nqr^t`
with R - 1 = 2^s * t, and `ROOTS[k-1] = ROOTS[k]^2`. Using the very same roots is what
makes our QAP (and so our proving keys) byte-compatible with snarkjs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import gmpy2

mpz = gmpy2.mpz

#: Order of the BN254 groups G1/G2, i.e. the scalar field modulus ("r").
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
R_MPZ = mpz(R)
#: Number of bytes of a serialized field element.
N8 = 32


def _two_adicity(p: int) -> tuple[int, int]:
    s, t = 0, p - 1
    while t % 2 == 0:
        s, t = s + 1, t // 2
    return s, t


#: R - 1 = 2^S * T with T odd.
S, T = _two_adicity(R)


def _smallest_nqr(p: int) -> int:
    n = 2
    while pow(n, (p - 1) // 2, p) != p - 1:
        n += 1
    return n


#: The smallest quadratic non-residue >= 2 (5 for BN254's Fr).
NQR = _smallest_nqr(R)
#: nqr^2: the coset shift snarkjs uses when a domain is the whole 2-adic subgroup.
SHIFT = NQR * NQR % R

#: ROOTS[k] is a primitive 2^k-th root of unity; ROOTS[k-1] == ROOTS[k]^2.
ROOTS: list[int] = [0] * (S + 1)
ROOTS[S] = pow(NQR, T, R)
for _k in range(S - 1, -1, -1):
    ROOTS[_k] = ROOTS[_k + 1] * ROOTS[_k + 1] % R
assert ROOTS[0] == 1 and ROOTS[1] == R - 1


def root_of_unity(n: int) -> int:
    """A primitive n-th root of unity, n a power of two <= 2^S."""
    k = log2_exact(n)
    return ROOTS[k]


def log2_exact(n: int) -> int:
    """log2(n) for a power of two n; ValueError otherwise or if n exceeds the 2-adic subgroup."""
    if n <= 0 or n & (n - 1):
        raise ValueError(f"{n} is not a power of two")
    k = n.bit_length() - 1
    if k > S:
        raise ValueError(f"2^{k} exceeds the 2-adic subgroup of Fr (2^{S})")
    return k


def add(a: int, b: int) -> int:
    return (a + b) % R


def sub(a: int, b: int) -> int:
    return (a - b) % R


def neg(a: int) -> int:
    return (-a) % R


def mul(a: int, b: int) -> int:
    return a * b % R


def inv(a: int) -> int:
    """Multiplicative inverse; ZeroDivisionError for 0."""
    a %= R
    if a == 0:
        raise ZeroDivisionError("inverse of 0 in Fr")
    return int(gmpy2.invert(a, R_MPZ))


def div(a: int, b: int) -> int:
    return a * inv(b) % R


def pow_(a: int, e: int) -> int:
    return int(gmpy2.powmod(a, e, R_MPZ)) if e >= 0 else int(gmpy2.powmod(inv(a), -e, R_MPZ))


def batch_inv(values: Sequence[int], modulus: int = R) -> list[int]:
    """Montgomery's trick: all inverses with one modular inversion. Zeros map to 0."""
    m = mpz(modulus)
    n = len(values)
    prefix = [None] * n
    acc = mpz(1)
    for i, v in enumerate(values):
        prefix[i] = acc
        if v:
            acc = acc * v % m
    if n == 0:
        return []
    inv_acc = gmpy2.invert(acc, m)
    out = [0] * n
    for i in range(n - 1, -1, -1):
        v = values[i]
        if v:
            out[i] = int(prefix[i] * inv_acc % m)
            inv_acc = inv_acc * v % m
    return out


def is_square(a: int) -> bool:
    a %= R
    return a == 0 or gmpy2.legendre(a, R_MPZ) == 1


def sqrt(a: int) -> int | None:
    """A square root (Tonelli-Shanks), or None if a is a non-residue."""
    a %= R
    if a == 0:
        return 0
    if not is_square(a):
        return None
    m, c = S, pow(NQR, T, R)
    t, r = pow(a, T, R), pow(a, (T + 1) // 2, R)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2 = t2 * t2 % R
            i += 1
        b = pow(c, 1 << (m - i - 1), R)
        m, c = i, b * b % R
        t, r = t * c % R, r * b % R
    return r


def from_signed(v: int) -> int:
    """Map any integer (negative allowed) into [0, R)."""
    return v % R


def to_bytes_le(a: int) -> bytes:
    return int(a).to_bytes(N8, "little")


def from_bytes_le(b: bytes) -> int:
    return int.from_bytes(b, "little")


def inner(coeffs: Iterable[tuple[int, int]], values: Sequence[int]) -> int:
    """sum(c * values[i]) mod R for (i, c) pairs."""
    return sum(c * values[i] for i, c in coeffs) % R
