"""Radix-2 number-theoretic transforms over Fr (the 2-adic subgroup of the BN254 scalar field).

`fft(a)` evaluates the polynomial with coefficients `a` at 1, w, w^2, ... (natural order) where
w = ROOTS[log2(len(a))] is the root snarkjs uses for that size; `ifft` is its inverse
(it divides by n). `coset_fft(a, g)` evaluates at g, g*w, g*w^2, ...

The same transform works over an elliptic-curve group (the "Lagrange basis in tau" of the
ceremony): `fft_group` takes the group's add/sub/scalar-mul functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from .field import R_MPZ, ROOTS, R, inv, log2_exact, mpz

G = TypeVar("G")


@lru_cache(maxsize=64)
def _twiddles(log_n: int, inverse: bool) -> tuple[int, ...]:
    """w^0 .. w^(n/2 - 1) for the primitive n-th root (or its inverse)."""
    n = 1 << log_n
    w = ROOTS[log_n]
    if inverse:
        w = inv(w)
    out = [mpz(1)] * (n // 2)
    acc = mpz(1)
    for i in range(n // 2):
        out[i] = acc
        acc = acc * w % R_MPZ
    return tuple(out)


@lru_cache(maxsize=64)
def _bitrev(log_n: int) -> tuple[int, ...]:
    n = 1 << log_n
    rev = [0] * n
    for i in range(1, n):
        rev[i] = (rev[i >> 1] >> 1) | ((i & 1) << (log_n - 1))
    return tuple(rev)


def _ntt(a: Sequence[int], inverse: bool) -> list[int]:
    n = len(a)
    log_n = log2_exact(n)
    if n == 1:
        return [mpz(a[0]) % R_MPZ]
    rev = _bitrev(log_n)
    p = R_MPZ
    x = [mpz(a[rev[i]]) for i in range(n)]
    tw_all = _twiddles(log_n, inverse)
    half = 1
    while half < n:
        size = half * 2
        stride = n // size
        # butterflies of this stage, grouped by twiddle so each twiddle is read once
        for j in range(half):
            w = tw_all[j * stride]
            if j == 0:
                for k in range(0, n, size):
                    u = x[k]
                    v = x[k + half]
                    x[k] = (u + v) % p
                    x[k + half] = (u - v) % p
            else:
                for k in range(j, n, size):
                    u = x[k]
                    v = x[k + half] * w % p
                    x[k] = (u + v) % p
                    x[k + half] = (u - v) % p
        half = size
    return x


def fft(a: Sequence[int]) -> list[int]:
    """Evaluations of the polynomial `a` (coefficients, low degree first) on the size-n domain."""
    return _ntt(a, False)


def ifft(a: Sequence[int]) -> list[int]:
    """Coefficients of the polynomial taking values `a` on the size-n domain."""
    out = _ntt(a, True)
    n_inv = mpz(inv(len(a)))
    return [v * n_inv % R_MPZ for v in out]


def scale_powers(a: Sequence[int], g: int) -> list[int]:
    """a[i] * g^i (moves a polynomial onto the coset g*H)."""
    acc = mpz(1)
    gg = mpz(g)
    out = [mpz(0)] * len(a)
    for i, v in enumerate(a):
        out[i] = v * acc % R_MPZ
        acc = acc * gg % R_MPZ
    return out


def coset_fft(a: Sequence[int], g: int) -> list[int]:
    """Evaluations of `a` on g, g*w, g*w^2, ..."""
    return fft(scale_powers(a, g))


def coset_ifft(a: Sequence[int], g: int) -> list[int]:
    return scale_powers(ifft(a), inv(g))


def poly_eval(coeffs: Sequence[int], x: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


def fft_group(
    points: Sequence[G],
    inverse: bool,
    add: Callable[[G, G], G],
    sub: Callable[[G, G], G],
    mul: Callable[[G, int], G],
    progress: Callable[[int], None] | None = None,
) -> list[G]:
    """The same radix-2 transform over a group written additively (scalar `mul`).

    With inverse=True the result is divided by n, so that `fft_group(tau_powers, True, ...)`
    yields the Lagrange basis evaluated "in the exponent" at tau.
    """
    n = len(points)
    log_n = log2_exact(n)
    rev = _bitrev(log_n)
    x = [points[rev[i]] for i in range(n)]
    tw_all = _twiddles(log_n, inverse)
    half = 1
    while half < n:
        size = half * 2
        stride = n // size
        for j in range(half):
            w = int(tw_all[j * stride])
            for k in range(j, n, size):
                u = x[k]
                v = x[k + half] if w == 1 else mul(x[k + half], w)
                x[k] = add(u, v)
                x[k + half] = sub(u, v)
            if progress:
                progress(n // size)
        half = size
    if inverse:
        n_inv = inv(n)
        x = [mul(v, n_inv) for v in x]
    return x


# ------------------------------------------------------------------------------------------------
# Evaluations on the odd coset of the doubled domain, by one big-integer product
# ------------------------------------------------------------------------------------------------
#
# For f of degree < n given by e_k = f(w^k), and g = ROOTS[log n + 1] (so g^n = -1), the Lagrange
# formula collapses to a cyclic convolution:
#     f(g w^i) = (-2/n) * sum_k e_k * t_{(i-k) mod n},   t_m = 1 / (g w^m - 1).
# snarkjs gets the same numbers with ifft -> multiply by g^i -> fft; we pack both sequences
# into integers with wide slots (Kronecker substitution) and let GMP multiply them, which takes
# a few milliseconds instead of ~2 n log n interpreted butterflies.


@lru_cache(maxsize=16)
def _odd_coset_kernel(log_n: int) -> tuple[int, int, int]:
    n = 1 << log_n
    g = ROOTS[log_n + 1]
    w = ROOTS[log_n]
    from .field import batch_inv

    vals = []
    x = g
    for _ in range(n):
        vals.append((x - 1) % R)
        x = x * w % R
    t = batch_inv(vals)
    slot_bytes = (2 * R.bit_length() + log_n + 8) // 8 + 1
    packed = mpz(int.from_bytes(b"".join(int(v).to_bytes(slot_bytes, "little") for v in t), "little"))
    k = (-2 * inv(n)) % R
    return packed, slot_bytes, mpz(k)


def odd_coset_evals(evals: Sequence[int]) -> list[int]:
    """f(g w^i) for i < n, where f is the degree < n interpolant of `evals` on the size-n domain
    and g = ROOTS[log n + 1]: the odd points of the doubled domain (snarkjs's H coset)."""
    n = len(evals)
    log_n = log2_exact(n)
    if log_n + 1 > len(ROOTS) - 1:
        raise ValueError("domain too large for the odd-coset trick")
    if n == 1:
        return [mpz(evals[0]) % R_MPZ]
    packed_t, sb, k = _odd_coset_kernel(log_n)
    packed_e = mpz(int.from_bytes(b"".join(int(v).to_bytes(sb, "little") for v in evals), "little"))
    prod = (packed_e * packed_t).to_bytes(sb * 2 * n, "little")
    fb = int.from_bytes
    p = R_MPZ
    out: list[int] = [0] * n
    hi = n * sb
    for i in range(n):
        a = i * sb
        b = hi + a
        out[i] = (mpz(fb(prod[a : a + sb], "little")) + fb(prod[b : b + sb], "little")) * k % p
    return out


def odd_coset_evals_reference(evals: Sequence[int]) -> list[int]:
    """The same values computed the way snarkjs does: ifft, scale by g^i, fft."""
    n = len(evals)
    g = ROOTS[log2_exact(n) + 1]
    return fft(scale_powers(ifft(evals), g))
