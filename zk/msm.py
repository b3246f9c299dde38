"""Multi-scalar multiplication sum(k_i * P_i) on G1 and G2 (Pippenger's bucket method).

Pure Python pays for every interpreter step, so this implementation is shaped to push the
arithmetic into C loops (`map` over gmpy2 integers) and to share work:

* scalars are cut into unsigned digits over windows of 8..16 bits whose sizes differ by at most
  one and add up to 254 (no nearly empty top window); per window the points are sorted by digit
  (numpy argsort), so each bucket is a contiguous run;
* every bucket is summed by a pairwise tree: each round adds the pairs of *all* buckets of
  *all* windows at once, with *affine* formulas and one modular inversion for the whole round
  (Montgomery's trick as a product tree): about 6 multiplications, 6 reductions and 7
  additions per point addition, all in C-level loops. The round schedule depends only on
  the scalars (`MSMPlan`), so point sets sharing the scalars (a proof's A, B1, C and B2) reuse it;
* the bucket sums of a window, sum_d d * B_d with d = hi * 2^h + lo, are computed as
  2^h * sum_hi hi * (sum_lo B) + sum_lo lo * (sum_hi B): the inner sums are again batched trees,
  leaving two short running sums per window (in lock step over the windows);
* the windows are combined with Jacobian doublings.

Points are affine tuples; `None` (infinity) entries are allowed: `prepare_points_*` replaces
them by distinct multiples i*T of a fixed point T and the result is compensated with one scalar
multiplication. `run_forked` spreads independent MSMs over forked processes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import add, mod, mul, sub
from typing import Any, Generic, TypeVar, cast

import gmpy2
import numpy as np
from numpy.typing import NDArray

from .curve import (
    F2,
    G1_GEN,
    G1_INF_J,
    G2_GEN,
    G2_INF_J,
    Q_MPZ,
    G1Affine,
    G1Jac,
    G1Point,
    G2Affine,
    G2Jac,
    G2Point,
    f2_add,
    f2_inv,
    f2_is_zero,
    f2_mul,
    f2_mul_fq,
    f2_sqr,
    f2_sub,
    g1_add_j,
    g1_dbl_j,
    g1_madd_j,
    g1_mul,
    g1_mul_j,
    g1_neg,
    g1_to_affine,
    g2_add_j,
    g2_dbl_j,
    g2_madd_j,
    g2_mul,
    g2_mul_j,
    g2_neg,
    g2_to_affine,
)
from .field import R, mpz

SCALAR_BITS = 254

#: A tree-schedule round: the left and right input indices of the pairs, and the gather order.
Round = tuple[list[int], list[int], list[int]]
#: A point as the tuple of its k coordinate components (Fq values).
Packed = tuple[int, ...]
#: Many points as one list per coordinate component; where the engine allows points at
#: infinity, a None at index i (in every component at once) stands for one.
Comps = list[list[int | None]]
#: An affine point known not to be infinity (G1Point, G2Point) and a Jacobian point (G1Jac, G2Jac).
AffT = TypeVar("AffT")
JacT = TypeVar("JacT")


# ------------------------------------------------------------------------------------------------
# scalar decomposition
# ------------------------------------------------------------------------------------------------


def window_widths(n: int) -> list[int]:
    """Window sizes (bits, low to high) covering the 254 scalar bits, from a cost model:
    each window costs n bucket additions plus about 2 * 2^c for its reduction and a fixed
    overhead. Sizes differ by at most one bit, so no window is a nearly empty top window."""
    best: list[int] = []  # always replaced: 16 windows of 15..16 bits qualify
    best_cost: float | None = None
    for w in range(8, 64):
        base, extra = divmod(SCALAR_BITS, w)
        widths = [base] * (w - extra) + [base + 1] * extra
        if base < 2 or base > 16:
            continue
        cost = sum(n + 2.2 * (1 << c) + 60 for c in widths)
        if best_cost is None or cost < best_cost:
            best, best_cost = widths, cost
    return best


class MSMPlan:
    """Everything about a scalar vector that Pippenger needs, independent of the points:

    * per window the point indices sorted by digit (numpy), concatenated over windows
      ("entries"), and the segments (window, digit) that are buckets;
    * the schedule of pairwise-tree rounds summing every bucket;
    * the same for the two groupings of bucket sums used by the reduction (see module doc).

    Point sets that share the scalars (A, B1, C and B2 of a proof) reuse one plan.
    """

    def __init__(self, scalars: Sequence[int], widths: Sequence[int] | None = None):
        ks = [int(k) % R for k in scalars]
        self.scalars = ks
        self.n = n = len(ks)
        self.widths = widths = list(widths or window_widths(max(n, 1)))
        if sum(widths) < SCALAR_BITS:
            raise ValueError("windows do not cover the scalars")
        self.w = len(widths)
        limbs = (
            np.frombuffer(b"".join(k.to_bytes(32, "little") for k in ks), dtype="<u8").reshape(n, 4)
            if n
            else np.zeros((0, 4), dtype=np.uint64)
        )
        entries: list[NDArray[np.intp]] = []
        seg_win: list[NDArray[np.int64]] = []
        seg_digit: list[NDArray[np.int64]] = []
        seg_size: list[NDArray[np.int64]] = []
        off = 0
        for j, cw in enumerate(widths):
            li, sh = divmod(off, 64)
            d = limbs[:, li] >> np.uint64(sh)
            if sh + cw > 64 and li + 1 < 4:
                d = d | (limbs[:, li + 1] << np.uint64(64 - sh))
            d = d & np.uint64((1 << cw) - 1)
            order = np.argsort(d, kind="stable")
            ds = d[order]
            nz = int(np.searchsorted(ds, 1))
            entries.append(order[nz:])
            vals, counts = np.unique(ds[nz:], return_counts=True)
            seg_win.append(np.full(vals.size, j, dtype=np.int64))
            seg_digit.append(vals.astype(np.int64))
            seg_size.append(counts.astype(np.int64))
            off += cw
        self.entries: list[int] = np.concatenate(entries).tolist() if entries else []
        self.seg_win: NDArray[np.int64] = np.concatenate(seg_win) if seg_win else np.zeros(0, dtype=np.int64)
        self.seg_digit: NDArray[np.int64] = np.concatenate(seg_digit) if seg_digit else np.zeros(0, dtype=np.int64)
        sizes = np.concatenate(seg_size) if seg_size else np.zeros(0, dtype=np.int64)
        self.bucket_rounds = _tree_schedule(sizes)
        # reduction: bucket sums of window j grouped by digit >> h_j and by digit & (2^h_j - 1)
        self.hs = hs = [c // 2 for c in widths]
        self.lo_n = lo_n = 1 << max(hs)
        self.hi_n = hi_n = 1 << max(c - h for c, h in zip(widths, hs, strict=False))
        h_arr = np.array(hs, dtype=np.int64)[self.seg_win] if self.seg_win.size else np.zeros(0, dtype=np.int64)
        self.hi_gather, self.hi_rounds, self.hi_keys = _grouping(self.seg_win * hi_n + (self.seg_digit >> h_arr))
        self.lo_gather, self.lo_rounds, self.lo_keys = _grouping(
            self.seg_win * lo_n + (self.seg_digit & ((1 << h_arr) - 1))
        )


def _tree_schedule(sizes: NDArray[np.int64]) -> list[Round]:
    """Rounds that reduce consecutive segments of the given sizes to one element each.

    Round input: a flat list laid out segment after segment. Each round adds elements
    (2t, 2t+1) of every segment ("left", "right" index lists into the input) and builds the next
    layout by gathering from `sums + input` (`gather`): a segment's sums, then its odd element.
    """
    rounds: list[Round] = []
    m = sizes.astype(np.int64)
    if m.size == 0:
        return rounds
    while (m > 1).any():
        off = np.cumsum(m) - m
        h = m >> 1
        H = int(h.sum())
        cumh = np.cumsum(h)
        start_h = cumh - h
        g_of_pair = np.repeat(np.arange(m.size), h)
        t = np.arange(H) - start_h[g_of_pair]
        left = off[g_of_pair] + 2 * t
        m2 = h + (m & 1)
        off2 = np.cumsum(m2) - m2
        M2 = int(m2.sum())
        g_of_p = np.repeat(np.arange(m.size), m2)
        j = np.arange(M2) - off2[g_of_p]
        gather = np.where(j < h[g_of_p], start_h[g_of_p] + j, H + (off + m - 1)[g_of_p])
        rounds.append((left.tolist(), (left + 1).tolist(), gather.tolist()))
        m = m2
    return rounds


def _grouping(keys: NDArray[np.int64]) -> tuple[list[int], list[Round], NDArray[np.int64]]:
    """Gather order that makes equal keys consecutive, the tree schedule over those runs, and
    the key of each run."""
    if keys.size == 0:
        return [], [], np.array([], dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    sizes = np.diff(np.r_[starts, sk.size])
    return order.tolist(), _tree_schedule(sizes), sk[starts]


# ------------------------------------------------------------------------------------------------
# vectorized affine additions
# ------------------------------------------------------------------------------------------------


def _batch_inv(vals: list[int]) -> list[int]:
    """Inverses mod Q of nonzero values with one gmpy2.invert (product tree, C-level loops)."""
    p = Q_MPZ
    n = len(vals)
    if n == 0:
        return []
    levels: list[list[int]] = []
    cur = vals
    while len(cur) > 1:
        if len(cur) & 1:
            cur = cur + [1]
        levels.append(cur)
        m = len(cur) >> 1
        cur = list(map(mod, map(mul, cur[0::2], cur[1::2]), repeat(p, m)))
    inv = [gmpy2.invert(cur[0], p)]
    for lvl in reversed(levels):
        m = len(lvl)
        out: list[int | None] = [None] * m
        h = m >> 1
        out[0::2] = list(map(mod, map(mul, inv, lvl[1::2]), repeat(p, h)))
        out[1::2] = list(map(mod, map(mul, inv, lvl[0::2]), repeat(p, h)))
        inv = out
    return inv[:n] if len(inv) != n else inv


def _g1_slow_add(x1: int, y1: int, x2: int, y2: int) -> G1Point | None:
    p = Q_MPZ
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None
        lam = 3 * x1 * x1 * gmpy2.invert(2 * y1, p) % p
    else:
        lam = (y2 - y1) * gmpy2.invert(x2 - x1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return x3, (lam * (x1 - x3) - y1) % p


def g1_add_vec(
    X1: Sequence[int], Y1: Sequence[int], X2: Sequence[int], Y2: Sequence[int]
) -> tuple[list[int | None], list[int | None], bool]:
    """Elementwise affine sums. Returns (X3, Y3, has_inf); infinity results are X3[i] = None."""
    p = Q_MPZ
    n = len(X1)
    D = list(map(sub, X2, X1))
    special = None
    if 0 in D:
        special = [i for i, d in enumerate(D) if d == 0]
        for i in special:
            D[i] = 1
    Dinv = _batch_inv(D)
    P = repeat(p, n)
    L = list(map(mod, map(mul, map(sub, Y2, Y1), Dinv), P))
    X3 = list(map(mod, map(sub, map(sub, map(mul, L, L), X1), X2), repeat(p, n)))
    Y3 = list(map(mod, map(sub, map(mul, L, map(sub, X1, X3)), Y1), repeat(p, n)))
    has_inf = False
    if special:
        for i in special:
            r = _g1_slow_add(X1[i], Y1[i], X2[i], Y2[i])
            if r is None:
                X3[i] = Y3[i] = None
                has_inf = True
            else:
                X3[i], Y3[i] = r
    return X3, Y3, has_inf


def _g2_slow_add(x1: F2, y1: F2, x2: F2, y2: F2) -> G2Point | None:
    if x1 == x2:
        if f2_is_zero(f2_add(y1, y2)):
            return None
        lam = f2_mul(f2_mul_fq(f2_sqr(x1), 3), f2_inv(f2_add(y1, y1)))
    else:
        lam = f2_mul(f2_sub(y2, y1), f2_inv(f2_sub(x2, x1)))
    x3 = f2_sub(f2_sub(f2_sqr(lam), x1), x2)
    y3 = f2_sub(f2_mul(lam, f2_sub(x1, x3)), y1)
    return x3, y3


def g2_add_vec(
    A0: Sequence[int],
    A1: Sequence[int],
    B0: Sequence[int],
    B1: Sequence[int],
    C0: Sequence[int],
    C1: Sequence[int],
    D0: Sequence[int],
    D1: Sequence[int],
) -> tuple[list[int | None], list[int | None], list[int | None], list[int | None], bool]:
    """Elementwise affine sums on G2 with coordinates split into component lists:
    P = ((A0, A1), (B0, B1)), Q = ((C0, C1), (D0, D1)). Returns (X0, X1, Y0, Y1, has_inf)."""
    p = Q_MPZ
    n = len(A0)
    d0 = list(map(sub, C0, A0))
    d1 = list(map(sub, C1, A1))
    nrm = list(map(mod, map(add, map(mul, d0, d0), map(mul, d1, d1)), repeat(p, n)))
    special = None
    if 0 in nrm:  # -1 is a non-residue mod Q, so the norm vanishes only for x1 == x2
        special = [i for i, v in enumerate(nrm) if v == 0]
        for i in special:
            nrm[i] = 1
    ninv = _batch_inv(nrm)
    e0 = list(map(mod, map(mul, d0, ninv), repeat(p, n)))
    e1 = list(map(mod, map(mul, map(sub, repeat(0, n), d1), ninv), repeat(p, n)))
    n0 = list(map(sub, D0, B0))
    n1 = list(map(sub, D1, B1))
    t0 = list(map(mul, n0, e0))
    t1 = list(map(mul, n1, e1))
    l0 = list(map(mod, map(sub, t0, t1), repeat(p, n)))
    l1 = list(map(mod, map(sub, map(sub, map(mul, map(add, n0, n1), map(add, e0, e1)), t0), t1), repeat(p, n)))
    x0 = list(map(mod, map(sub, map(sub, map(mul, map(add, l0, l1), map(sub, l0, l1)), A0), C0), repeat(p, n)))
    x1 = list(map(mod, map(sub, map(sub, map(mul, map(add, l0, l0), l1), A1), C1), repeat(p, n)))
    u0 = list(map(sub, A0, x0))
    u1 = list(map(sub, A1, x1))
    t0 = list(map(mul, l0, u0))
    t1 = list(map(mul, l1, u1))
    y0 = list(map(mod, map(sub, map(sub, t0, t1), B0), repeat(p, n)))
    y1 = list(
        map(mod, map(sub, map(sub, map(sub, map(mul, map(add, l0, l1), map(add, u0, u1)), t0), t1), B1), repeat(p, n))
    )
    has_inf = False
    if special:
        for i in special:
            r = _g2_slow_add((A0[i], A1[i]), (B0[i], B1[i]), (C0[i], C1[i]), (D0[i], D1[i]))
            if r is None:
                x0[i] = x1[i] = y0[i] = y1[i] = None
                has_inf = True
            else:
                (x0[i], x1[i]), (y0[i], y1[i]) = r
    return x0, x1, y0, y1, has_inf


# ------------------------------------------------------------------------------------------------
# the generic engine: points as one list per coordinate component
# ------------------------------------------------------------------------------------------------


#: Elementwise affine sums of component lists without None: (sums, whether a sum is infinity).
AddVec = Callable[[Sequence[Sequence[int]], Sequence[Sequence[int]]], tuple[Sequence[list[int | None]], bool]]


class _Group(Generic[AffT, JacT]):
    """Coordinate layout of a group for the engine: k component lists per point."""

    def __init__(
        self,
        k: int,
        add_vec: AddVec,
        inf_j: JacT,
        dbl_j: Callable[[JacT], JacT],
        add_j: Callable[[JacT, JacT], JacT],
        madd_j: Callable[[JacT, AffT], JacT],
        to_affine: Callable[[JacT], AffT | None],
        pack: Callable[[AffT], Packed],
        unpack: Callable[[Packed], AffT],
    ):
        self.k = k
        self.add_vec = add_vec
        self.inf_j = inf_j
        self.dbl_j = dbl_j
        self.add_j = add_j
        self.madd_j = madd_j
        self.to_affine = to_affine
        self.pack = pack  # affine point -> tuple of k components
        self.unpack = unpack  # tuple of k components -> affine point


def _g1_add_vec_k(
    a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]
) -> tuple[tuple[list[int | None], list[int | None]], bool]:
    X3, Y3, inf = g1_add_vec(a[0], a[1], b[0], b[1])
    return (X3, Y3), inf


def _g2_add_vec_k(
    a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]
) -> tuple[tuple[list[int | None], list[int | None], list[int | None], list[int | None]], bool]:
    x0, x1, y0, y1, inf = g2_add_vec(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3])
    return (x0, x1, y0, y1), inf


G1_ENGINE: _Group[G1Point, G1Jac] = _Group(
    2,
    _g1_add_vec_k,
    G1_INF_J,
    g1_dbl_j,
    g1_add_j,
    g1_madd_j,
    g1_to_affine,
    lambda P: (mpz(P[0]), mpz(P[1])),
    lambda t: (t[0], t[1]),
)
G2_ENGINE: _Group[G2Point, G2Jac] = _Group(
    4,
    _g2_add_vec_k,
    G2_INF_J,
    g2_dbl_j,
    g2_add_j,
    g2_madd_j,
    g2_to_affine,
    lambda P: (mpz(P[0][0]), mpz(P[0][1]), mpz(P[1][0]), mpz(P[1][1])),
    lambda t: ((t[0], t[1]), (t[2], t[3])),
)


def _add_safe(
    G: _Group[Any, Any], left: Comps, right: Comps, maybe_inf: bool
) -> tuple[Sequence[list[int | None]], bool]:
    """Elementwise sums of component lists; with maybe_inf either side may hold None
    (infinity). Returns (sums, sums_may_hold_None)."""
    if not maybe_inf:
        return G.add_vec(left, right)  # type: ignore[arg-type]  # without maybe_inf nothing is None
    k = G.k
    n = len(left[0])
    out: Comps = [[None] * n for _ in range(k)]
    idx: list[int] = []
    for i in range(n):
        if left[0][i] is None:
            for cc in range(k):
                out[cc][i] = right[cc][i]
        elif right[0][i] is None:
            for cc in range(k):
                out[cc][i] = left[cc][i]
        else:
            idx.append(i)
    if idx:
        # idx holds the pairs without infinity (None in component 0 means None in all)
        sub_out, _ = G.add_vec(
            [[left[cc][i] for i in idx] for cc in range(k)],  # type: ignore[misc]
            [[right[cc][i] for i in idx] for cc in range(k)],  # type: ignore[misc]
        )
        for t, i in enumerate(idx):
            for cc in range(k):
                out[cc][i] = sub_out[cc][t]
    return out, True


def _run_rounds(
    G: _Group[Any, Any], comps: Comps, rounds: Sequence[Round], maybe_inf: bool = False
) -> tuple[Comps, bool]:
    """Apply a tree schedule to component lists (one list per coordinate component)."""
    k = G.k
    for left, right, gather in rounds:
        lhs = [list(map(comps[cc].__getitem__, left)) for cc in range(k)]
        rhs = [list(map(comps[cc].__getitem__, right)) for cc in range(k)]
        sums, inf = _add_safe(G, lhs, rhs, maybe_inf)
        maybe_inf = maybe_inf or inf
        comps = [list(map((sums[cc] + comps[cc]).__getitem__, gather)) for cc in range(k)]
    return comps, maybe_inf


def _msm_many(G: _Group[AffT, JacT], plan: MSMPlan, point_sets: Sequence[Sequence[AffT]]) -> list[JacT]:
    """Jacobian results of sum k_i P_i for each point set (all of length plan.n, no None)."""
    k = G.k
    w = plan.w
    results: list[JacT] = []
    for pts in point_sets:
        packed = [G.pack(P) for P in pts]
        base = [[t[cc] for t in packed] for cc in range(k)]
        comps: Comps = [list(map(base[cc].__getitem__, plan.entries)) for cc in range(k)]
        buckets, inf = _run_rounds(G, comps, plan.bucket_rounds)  # one value per (window, digit)
        hi, _ = _run_rounds(G, [list(map(b.__getitem__, plan.hi_gather)) for b in buckets], plan.hi_rounds, inf)
        lo, _ = _run_rounds(G, [list(map(b.__getitem__, plan.lo_gather)) for b in buckets], plan.lo_rounds, inf)
        hi_tot = _weighted_running(G, hi, plan.hi_keys, w, plan.hi_n)
        lo_tot = _weighted_running(G, lo, plan.lo_keys, w, plan.lo_n)
        acc = G.inf_j
        for j in range(w - 1, -1, -1):
            for _ in range(plan.widths[j]):
                acc = G.dbl_j(acc)
            if (hi_j := hi_tot[j]) is not None:
                t = G.madd_j(G.inf_j, G.unpack(hi_j))
                for _ in range(plan.hs[j]):
                    t = G.dbl_j(t)
                acc = G.add_j(acc, t)
            if (lo_j := lo_tot[j]) is not None:
                acc = G.madd_j(acc, G.unpack(lo_j))
        results.append(acc)
    return results


def _weighted_running(
    G: _Group[Any, Any], comps: Comps, keys: NDArray[np.int64], w: int, m: int
) -> list[Packed | None]:
    """Per window j: sum_i i * V[j, i] where V[j, i] is the value with key j*m + i (absent: 0),
    by running sums from i = m-1 down to 1, all windows in lock step."""
    k = G.k
    grid: list[list[Packed | None]] = [[None] * m for _ in range(w)]
    for pos, key in enumerate(keys.tolist()):
        if comps[0][pos] is not None:  # then no component is None
            grid[key // m][key % m] = tuple(comps[cc][pos] for cc in range(k))
    running: list[Packed | None] = [None] * w
    total: list[Packed | None] = [None] * w
    for i in range(m - 1, 0, -1):
        _lockstep(G, running, [grid[j][i] for j in range(w)])
        _lockstep(G, total, running)
    return total


def _lockstep(G: _Group[Any, Any], acc: list[Packed | None], addends: Sequence[Packed | None]) -> None:
    k = G.k
    idx: list[int] = []
    left: list[list[int]] = [[] for _ in range(k)]
    right: list[list[int]] = [[] for _ in range(k)]
    for i, (a, b) in enumerate(zip(acc, addends, strict=False)):
        if b is None:
            continue
        if a is None:
            acc[i] = b
            continue
        idx.append(i)
        for cc in range(k):
            left[cc].append(a[cc])
            right[cc].append(b[cc])
    if not idx:
        return
    out, _ = G.add_vec(left, right)
    for t, i in enumerate(idx):
        v = out[0][t]
        # None in component 0 means None in all
        acc[i] = None if v is None else tuple(out[cc][t] for cc in range(k))  # type: ignore[misc]


# ------------------------------------------------------------------------------------------------
# public API
# ------------------------------------------------------------------------------------------------

# Stand-ins for points at infinity: the i-th slot gets (i + 1) * T; compensated at the end.
# (nonzero multiples of the generators, so not infinity)
_T1 = cast(G1Point, g1_mul(G1_GEN, 0x46616D65456E67696E65))
_T2 = cast(G2Point, g2_mul(G2_GEN, 0x46616D65456E67696E65))


def _fill_infinity(
    G: _Group[AffT, Any],
    pts: Sequence[AffT | None],
    T: AffT,
    mul_fn: Callable[[AffT, int], AffT | None],
    add_vec_fn: object = None,
) -> tuple[list[AffT], list[int]]:
    """Replace None entries by (i+1)*T (distinct, known multiples of T). Returns (points, slots)."""
    slots = [i for i, P in enumerate(pts) if P is None]
    if not slots:
        return cast("list[AffT]", list(pts)), slots  # no None in pts
    out = list(pts)
    for i in slots:
        out[i] = mul_fn(T, i + 1)
    return cast("list[AffT]", out), slots  # (i+1)*T is not infinity: T has order R > i+1


def prepare_points_g1(pts: Sequence[G1Affine]) -> tuple[list[G1Point], list[int]]:
    """Points ready for the engine (infinity replaced), plus the slots to compensate."""
    return _fill_infinity(G1_ENGINE, pts, _T1, g1_mul)


def prepare_points_g2(pts: Sequence[G2Affine]) -> tuple[list[G2Point], list[int]]:
    return _fill_infinity(G2_ENGINE, pts, _T2, g2_mul)


def _compensate(
    G: _Group[AffT, JacT],
    acc: JacT,
    slots: Sequence[int],
    scalars: Sequence[int],
    T: AffT,
    mul_j: Callable[[AffT, int], JacT],
    neg: Callable[[AffT], AffT],
) -> JacT:
    if not slots:
        return acc
    k = sum(int(scalars[i]) * (i + 1) for i in slots) % R
    if k == 0:
        return acc
    return G.add_j(acc, mul_j(neg(T), k))


def msm_g1_many(plan: MSMPlan, point_sets: Sequence[tuple[Sequence[G1Point], Sequence[int]]]) -> list[G1Jac]:
    """[(points, slots), ...] as returned by prepare_points_g1 -> Jacobian results."""
    if plan.n == 0:
        return [G1_INF_J for _ in point_sets]
    res = _msm_many(G1_ENGINE, plan, [p for p, _ in point_sets])
    return [
        _compensate(G1_ENGINE, r, slots, plan.scalars, _T1, g1_mul_j, g1_neg)
        for r, (_, slots) in zip(res, point_sets, strict=True)
    ]


def msm_g2_many(plan: MSMPlan, point_sets: Sequence[tuple[Sequence[G2Point], Sequence[int]]]) -> list[G2Jac]:
    if plan.n == 0:
        return [G2_INF_J for _ in point_sets]
    res = _msm_many(G2_ENGINE, plan, [p for p, _ in point_sets])
    return [
        _compensate(G2_ENGINE, r, slots, plan.scalars, _T2, g2_mul_j, g2_neg)
        for r, (_, slots) in zip(res, point_sets, strict=True)
    ]


def _small_or_filtered(points: Sequence[AffT | None], scalars: Sequence[int]) -> tuple[list[AffT], list[int]]:
    pts: list[AffT] = []
    ks: list[int] = []
    for P, k in zip(points, scalars, strict=False):
        k = int(k) % R
        if k and P is not None:
            pts.append(P)
            ks.append(k)
    return pts, ks


def msm_g1_jac(points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Jac:
    pts, ks = _small_or_filtered(points, scalars)
    if len(pts) < 8:
        acc = G1_INF_J
        for P, k in zip(pts, ks, strict=False):
            acc = g1_add_j(acc, g1_mul_j(P, k))
        return acc
    return _msm_many(G1_ENGINE, MSMPlan(ks), [pts])[0]


def msm_g2_jac(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Jac:
    pts, ks = _small_or_filtered(points, scalars)
    if len(pts) < 8:
        acc = G2_INF_J
        for P, k in zip(pts, ks, strict=False):
            acc = g2_add_j(acc, g2_mul_j(P, k))
        return acc
    return _msm_many(G2_ENGINE, MSMPlan(ks), [pts])[0]


def msm_g1(points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
    """sum k_i P_i on G1 (affine in, affine out; None is the point at infinity)."""
    return g1_to_affine(msm_g1_jac(points, scalars))


def msm_g2(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    return g2_to_affine(msm_g2_jac(points, scalars))


def msm_naive_g1(points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
    acc = G1_INF_J
    for P, k in zip(points, scalars, strict=False):
        acc = g1_add_j(acc, g1_mul_j(P, k))
    return g1_to_affine(acc)


def msm_naive_g2(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    acc = G2_INF_J
    for P, k in zip(points, scalars, strict=False):
        acc = g2_add_j(acc, g2_mul_j(P, k))
    return g2_to_affine(acc)


# ------------------------------------------------------------------------------------------------
# forked workers
# ------------------------------------------------------------------------------------------------


def default_workers() -> int:
    """One worker per CPU this process may run on (callers with a configured count pass it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def run_forked(tasks: Sequence[Callable[[], object]], workers: int) -> list[Any]:
    """Run zero-argument callables, the first len-1 in forked children, the last in this process.

    Children see this process's memory as it was at fork time (copy-on-write), so large inputs
    are never pickled; only results travel back through a pipe. With workers <= 1 (or without
    fork) everything runs here, in order.
    """
    if workers <= 1 or len(tasks) <= 1 or not hasattr(os, "fork"):
        return [t() for t in tasks]
    results: list[Any] = [None] * len(tasks)
    children: list[tuple[int, int, int]] = []
    for i, task in enumerate(tasks[:-1]):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                os.close(rfd)
                data = pickle.dumps(("ok", task()))
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                data = pickle.dumps(("err", repr(exc)))
                code = 1
            try:
                with os.fdopen(wfd, "wb") as fh:
                    fh.write(data)
            finally:
                os._exit(code)
        os.close(wfd)
        children.append((i, pid, rfd))
    try:
        results[-1] = tasks[-1]()
    finally:
        errors = []
        for i, pid, rfd in children:
            with os.fdopen(rfd, "rb") as fh:
                data = fh.read()
            os.waitpid(pid, 0)
            status, value = pickle.loads(data) if data else ("err", "worker died")
            if status != "ok":
                errors.append(value)
            results[i] = value
    if errors:
        raise RuntimeError(f"MSM worker failed: {errors[0]}")
    return results


# ------------------------------------------------------------------------------------------------
# fixed-base batches: k_i * G for one base G and many scalars (key generation)
# ------------------------------------------------------------------------------------------------


def _fixed_base_batch(
    G: _Group[AffT, JacT],
    base: AffT,
    scalars: Sequence[int],
    add_j: Callable[[JacT, JacT], JacT],
    dbl_j: Callable[[JacT], JacT],
    to_jac: Callable[[AffT], JacT],
    batch_affine: Callable[[Sequence[JacT]], list[AffT | None]],
    window: int = 8,
) -> list[AffT | None]:
    ks = [int(k) % R for k in scalars]
    n_win = -(-SCALAR_BITS // window)
    size = 1 << window
    # table[j][d] = d * 2^(window*j) * base, affine
    rows_j: list[list[JacT]] = []
    row_base = to_jac(base)
    for _ in range(n_win):
        row = [row_base]  # d = 1 .. size-1
        for _d in range(2, size):
            row.append(add_j(row[-1], row_base))
        rows_j.append(row)
        nb = row_base
        for _ in range(window):
            nb = dbl_j(nb)
        row_base = nb
    flat = batch_affine([p for row in rows_j for p in row])
    table = [[None, *flat[j * (size - 1) : (j + 1) * (size - 1)]] for j in range(n_win)]
    acc: list[Packed | None] = [None] * len(ks)
    mask = size - 1
    for j in range(n_win):
        shift = window * j
        addends: list[Packed | None] = []
        tj = table[j]
        for k in ks:
            d = (k >> shift) & mask
            addends.append(G.pack(tj[d]) if d else None)  # type: ignore[arg-type]  # d > 0: tj[d] is not infinity
        _lockstep(G, acc, addends)
    return [None if a is None else G.unpack(a) for a in acc]


def g1_fixed_base_batch(base: G1Point, scalars: Sequence[int]) -> list[G1Affine]:
    """[k * base for k in scalars] as affine points (None for k == 0)."""
    from .curve import g1_batch_to_affine, g1_to_jac

    return _fixed_base_batch(G1_ENGINE, base, scalars, g1_add_j, g1_dbl_j, g1_to_jac, g1_batch_to_affine)


def g2_fixed_base_batch(base: G2Point, scalars: Sequence[int]) -> list[G2Affine]:
    from .curve import g2_batch_to_affine, g2_to_jac

    return _fixed_base_batch(G2_ENGINE, base, scalars, g2_add_j, g2_dbl_j, g2_to_jac, g2_batch_to_affine)
