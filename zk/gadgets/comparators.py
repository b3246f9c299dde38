"""Boolean and comparison gadgets (the circomlib semantics: IsZero, IsEqual, Num2Bits, LessThan)."""

from __future__ import annotations

from ..field import inv
from ..r1cs import LC, ConstraintSystem, LCLike


def assert_bool(cs: ConstraintSystem, a: LCLike) -> None:
    """a is 0 or 1 (one row)."""
    cs.assert_bool(a)


def is_zero(cs: ConstraintSystem, a: LCLike) -> LC:
    """1 if a == 0 else 0 (two rows): out = 1 - a * inv, a * out = 0."""
    a = cs._lc(a)
    (inv_a,) = cs.compute(lambda v: [inv(v) if v else 0], [a], 1, label="is_zero_inv")
    t = cs.mul(a, inv_a, label="is_zero_t")
    out = cs.one - t
    cs.constrain(a, out, LC(None, cs))
    return out


def is_equal(cs: ConstraintSystem, a: LCLike, b: LCLike) -> LC:
    return is_zero(cs, cs._lc(a) - cs._lc(b))


def num2bits(cs: ConstraintSystem, a: LCLike, n: int) -> list[LC]:
    """Little-endian bits of a, constrained to be bits that recompose to a (n + 1 rows).
    With n < 254 this also proves a < 2^n."""
    if not 1 <= n <= 253:
        raise ValueError("num2bits supports 1..253 bits (a 254-bit decomposition is not unique)")
    a = cs._lc(a)
    bits = cs.compute(lambda v: [(v >> i) & 1 for i in range(n)], [a], n, label="bit")
    acc = LC(None, cs)
    for i, b in enumerate(bits):
        cs.assert_bool(b)
        acc = acc + b * (1 << i)
    cs.assert_equal(acc, a)
    return bits


def less_than(cs: ConstraintSystem, a: LCLike, b: LCLike, n: int) -> LC:
    """1 if a < b else 0, for a, b < 2^n (n <= 252); the caller must know that range holds."""
    if not 1 <= n <= 252:
        raise ValueError("less_than supports 1..252 bits")
    diff = cs._lc(a) + (1 << n) - cs._lc(b)
    bits = num2bits(cs, diff, n + 1)
    return cs.one - bits[n]
