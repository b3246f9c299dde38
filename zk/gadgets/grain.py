"""Poseidon parameters from the Grain LFSR, as specified in the Poseidon paper
(Grassi, Khovratovich, Rechberger, Roy, Schofnegger; eprint 2019/458, appendix F).

The 80-bit state is seeded with: 2 bits field type (1: prime field), 4 bits S-box type
(0: x^alpha), 12 bits field size n, 12 bits width t, 10 bits R_F, 10 bits R_P, then 30 one
bits. The register is b_{i+80} = b_{i+62} ^ b_{i+51} ^ b_{i+38} ^ b_{i+23} ^ b_{i+13} ^ b_i; the
first 160 outputs are discarded; afterwards bits are consumed in pairs, and a pair (1, b)
outputs b while (0, b) outputs nothing (self-shrinking).

Round constants are n-bit big-endian draws, rejected when >= p. The MDS matrix is the Cauchy
matrix M[i][j] = 1 / (x_i + y_j) for 2t further draws (reduced mod p) x_0..x_{t-1}, y_0..y_{t-1},
redrawn while they are not pairwise distinct or some x_i + y_j is 0. These are exactly the
parameters circomlib's Poseidon uses (the tests compare against circomlibjs).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from ..field import R, inv

#: circomlib's partial round counts by width t = 2..17 (index t - 2); full rounds are 8.
N_ROUNDS_F = 8
N_ROUNDS_P = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)


class Grain:
    """The self-shrinking Grain LFSR bit source."""

    def __init__(self, field: int, sbox: int, n: int, t: int, r_f: int, r_p: int):
        bits = []
        for value, width in ((field, 2), (sbox, 4), (n, 12), (t, 12), (r_f, 10), (r_p, 10)):
            bits += [(value >> (width - 1 - i)) & 1 for i in range(width)]
        bits += [1] * 30
        assert len(bits) == 80
        # state as an int: bit i of the sequence window at position i
        self.state = sum(b << i for i, b in enumerate(bits))
        for _ in range(160):
            self._step()  # discarded warm-up

    def _step(self) -> int:
        s = self.state
        new = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 1
        self.state = (s >> 1) | (new << 79)
        return new

    def _block(self) -> int:
        """The next 17 register outputs at once (bit k = k-th output): with taps at most 62,
        outputs 80..96 depend only on the current 80 bits."""
        s = self.state
        new = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 0x1FFFF
        self.state = (s >> 17) | (new << 63)
        return new

    def _raw(self) -> Iterator[int]:
        while True:
            block = self._block()
            for k in range(17):
                yield (block >> k) & 1

    def bit(self) -> int:
        """One output bit of the self-shrinking generator: pairs (1, b) give b, (0, b) nothing."""
        if not hasattr(self, "_gen"):
            self._gen = self._raw()
        gen = self._gen
        while True:
            first = next(gen)
            second = next(gen)
            if first:
                return second

    def bits_int(self, n: int) -> int:
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v


@cache
def poseidon_params(t: int, p: int = R) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """(round_constants, mds) for width t: constants as a flat tuple (round-major), mds t x t."""
    if not 2 <= t <= len(N_ROUNDS_P) + 1:
        raise ValueError(f"Poseidon width {t} not supported (2..{len(N_ROUNDS_P) + 1})")
    n = p.bit_length()
    r_f, r_p = N_ROUNDS_F, N_ROUNDS_P[t - 2]
    g = Grain(1, 0, n, t, r_f, r_p)
    constants = []
    for _ in range((r_f + r_p) * t):
        v = g.bits_int(n)
        while v >= p:
            v = g.bits_int(n)
        constants.append(v)
    while True:
        draws = [g.bits_int(n) % p for _ in range(2 * t)]
        if len(set(draws)) != 2 * t:
            continue
        xs, ys = draws[:t], draws[t:]
        if any((x + y) % p == 0 for x in xs for y in ys):
            continue
        mds = tuple(tuple(inv(x + y) for y in ys) for x in xs)
        return tuple(constants), mds
