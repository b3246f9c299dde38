"""Poseidon over BN254's Fr, bit-for-bit the hash of circomlib / circomlibjs.

Width t = len(inputs) + 1, state [0, *inputs], 8 full rounds (4 + 4) around N_ROUNDS_P[t-2]
partial rounds, S-box x^5, each round: add constants, S-box(es), multiply by the MDS matrix;
the hash is state[0]. Constants and matrix come from the Grain LFSR (zk.gadgets.grain).

In a circuit each S-box costs three rows (x2 = s*s, x4 = x2*x2, x5 = s*x4); the additions and
the matrix are linear and cost nothing, so Poseidon with 2 inputs is 240 constraints (the
capacity element's first S-box acts on a constant). All wires of one hash are filled by a
single native hint.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..field import R
from ..r1cs import LC, ConstraintSystem, LCLike
from .grain import N_ROUNDS_F, N_ROUNDS_P, poseidon_params


def poseidon(inputs: Sequence[int]) -> int:
    """The hash of 1..16 field elements (circomlibjs `poseidon(inputs)`)."""
    if not 1 <= len(inputs) <= len(N_ROUNDS_P):
        raise ValueError(f"Poseidon takes 1..{len(N_ROUNDS_P)} inputs")
    return _permute([int(x) % R for x in inputs])[0]


def _permute(inputs: list[int], trace: list[tuple[int, int, int]] | None = None) -> list[int]:
    t = len(inputs) + 1
    consts, mds = poseidon_params(t)
    r_p = N_ROUNDS_P[t - 2]
    half = N_ROUNDS_F // 2
    state = [0] + inputs
    for r in range(N_ROUNDS_F + r_p):
        base = r * t
        state = [(s + consts[base + i]) % R for i, s in enumerate(state)]
        full = r < half or r >= half + r_p
        for i in range(t if full else 1):
            s = state[i]
            s2 = s * s % R
            s4 = s2 * s2 % R
            s5 = s4 * s % R
            if trace is not None:
                trace.append((s2, s4, s5))
            state[i] = s5
        state = [sum(m * s for m, s in zip(row, state, strict=False)) % R for row in mds]
    return state


def _mix(mds: Sequence[Sequence[int]], state: Sequence[LC]) -> list[LC]:
    out = []
    for row in mds:
        acc = state[0] * row[0]
        for m, s in zip(row[1:], state[1:], strict=False):
            acc = acc + s * m
        out.append(acc)
    return out


def poseidon_gadget(cs: ConstraintSystem, inputs: Sequence[LCLike], label: str = "poseidon") -> LC:
    """Constrain and return Poseidon(inputs) as a linear combination of wires."""
    ins = [cs._lc(x) for x in inputs]
    if all(x.is_constant() for x in ins):
        return LC.const(poseidon([x.constant_value() for x in ins]), cs)
    t = len(ins) + 1
    consts, mds = poseidon_params(t)
    r_p = N_ROUNDS_P[t - 2]
    half = N_ROUNDS_F // 2
    # Only first-round S-boxes can act on constants (the capacity element, constant inputs):
    # after one MDS multiplication (a Cauchy matrix, no zero entry) every element depends on
    # a non-constant input.
    first = [LC.const(0, cs)] + ins
    first_const = tuple((first[i] + consts[i]).is_constant() for i in range(t))
    n_sbox = N_ROUNDS_F * t + r_p
    n_wired = n_sbox - sum(first_const)

    def hint(*vals: int) -> list[int]:
        trace: list[tuple[int, int, int]] = []
        _permute(list(vals), trace)
        out: list[int] = []
        for j, triple in enumerate(trace):
            if j < t and first_const[j]:
                continue
            out.extend(triple)
        return out

    wires = cs.compute(hint, ins, 3 * n_wired, label=label)
    k = 0
    state = first
    for r in range(N_ROUNDS_F + r_p):
        base = r * t
        state = [s + consts[base + i] for i, s in enumerate(state)]
        full = r < half or r >= half + r_p
        for i in range(t if full else 1):
            s = state[i]
            if r == 0 and first_const[i]:
                state[i] = LC.const(pow(s.constant_value(), 5, R), cs)
                continue
            x2, x4, x5 = wires[3 * k], wires[3 * k + 1], wires[3 * k + 2]
            k += 1
            cs.constrain(s, s, x2)
            cs.constrain(x2, x2, x4)
            cs.constrain(s, x4, x5)
            state[i] = x5
        state = _mix(mds, state)
    assert k == n_wired
    return state[0]
