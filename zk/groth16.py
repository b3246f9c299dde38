"""Groth16 over BN254, laid out exactly like snarkjs's .zkey so keys and proofs interoperate.

The QAP is snarkjs's: the R1CS rows, then one extra row per public signal (and the constant
one) with A[m + i][i] = 1, over the domain of the smallest power of two n > m + n_public. For
a proof the prover evaluates A, B on that domain, C = A * B pointwise, moves all three to the
odd points of the doubled domain (g w^i, g^2 = w, g = ROOTS[log n + 1]) and takes
P = A * B - C there; the key's H points are the odd Lagrange basis of the doubled domain in tau
over delta, so sum P_i * H_i = h(tau) z(tau) / delta with no division by the vanishing
polynomial. The proving key holds the points of snarkjs's sections 3 (IC), 5 (A), 6 (B1),
7 (B2), 8 (C) and 9 (H) and the A/B coefficients of section 4.

Keys come from the multi-party ceremony (zk.ceremony) or, for tests and benchmarks only, from
`setup_dev`, which knows the toxic waste.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from .curve import (
    G1_GEN,
    G2_GEN,
    G1Jac,
    G2Jac,
    g1_add_j,
    g1_is_on_curve,
    g1_madd_j,
    g1_mul_j,
    g1_neg,
    g1_to_affine,
    g2_add_j,
    g2_in_subgroup,
    g2_madd_j,
    g2_mul_j,
    g2_to_affine,
)
from .fft import odd_coset_evals
from .field import ROOTS, R, batch_inv, inv, log2_exact, mpz
from .keys import Proof as Proof  # the prover's types, re-exported
from .keys import ProvingKey as ProvingKey
from .keys import VerifyingKey as VerifyingKey
from .msm import (
    MSMPlan,
    default_workers,
    g1_fixed_base_batch,
    g2_fixed_base_batch,
    msm_g1_jac,
    msm_g1_many,
    msm_g2_many,
    run_forked,
)
from .pairing import pairing_check
from .r1cs import R1CS


def qap_coefficients(r1cs: R1CS) -> list[tuple[int, int, int, int]]:
    """The A and B entries in snarkjs's zkey order: per row A then B, then the public rows."""
    out = []
    for k, (a, b, _c) in enumerate(r1cs.constraints):
        for s, v in a:
            out.append((0, k, s, v))
        for s, v in b:
            out.append((1, k, s, v))
    m = r1cs.n_constraints
    for s in range(r1cs.n_public + 1):
        out.append((0, m + s, s, 1))
    return out


def lagrange_at(tau: int, n: int) -> list[int]:
    """L_k(tau) for the size-n domain (tau outside it)."""
    w = ROOTS[log2_exact(n)]
    zn = (pow(tau, n, R) - 1) % R
    c = zn * inv(n) % R
    roots = []
    x = 1
    for _ in range(n):
        roots.append(x)
        x = x * w % R
    invs = batch_inv([(tau - r) % R for r in roots])
    return [c * r % R * i % R for r, i in zip(roots, invs, strict=False)]


def qap_at(r1cs: R1CS, tau: int, n: int | None = None) -> tuple[list[int], list[int], list[int]]:
    """u_j(tau), v_j(tau), w_j(tau) for every wire (snarkjs's QAP, public rows included)."""
    n = n or r1cs.domain_size()
    lag = lagrange_at(tau, n)
    nv = r1cs.n_wires
    u, v, w = [0] * nv, [0] * nv, [0] * nv
    for k, (a, b, c) in enumerate(r1cs.constraints):
        lk = lag[k]
        for s, x in a:
            u[s] += x * lk
        for s, x in b:
            v[s] += x * lk
        for s, x in c:
            w[s] += x * lk
    m = r1cs.n_constraints
    for s in range(r1cs.n_public + 1):
        u[s] += lag[m + s]
    return [x % R for x in u], [x % R for x in v], [x % R for x in w]


def setup_dev(r1cs: R1CS, seed: int | None = None, progress: Callable[[str], None] | None = None) -> ProvingKey:
    """A proving key from toxic waste drawn here (or from `seed`): INSECURE, whoever runs it can
    forge proofs. For tests and benchmarks; real keys come from zk.ceremony."""
    import random

    rng = random.Random(seed) if seed is not None else secrets.SystemRandom()
    tau, alpha, beta, delta = (rng.randrange(1, R) for _ in range(4))
    return keys_from_toxic_waste(r1cs, tau, alpha, beta, delta, progress=progress)


def keys_from_toxic_waste(
    r1cs: R1CS,
    tau: int,
    alpha: int,
    beta: int,
    delta: int,
    gamma: int = 1,
    progress: Callable[[str], None] | None = None,
) -> ProvingKey:
    say = progress or (lambda _m: None)
    n = r1cs.domain_size()
    n_pub = r1cs.n_public
    u, v, w = qap_at(r1cs, tau, n)
    dinv = inv(delta)
    ginv = inv(gamma)
    comb = [(beta * u[j] + alpha * v[j] + w[j]) % R for j in range(r1cs.n_wires)]
    ic_s = [c * ginv % R for c in comb[: n_pub + 1]]
    c_s = [c * dinv % R for c in comb[n_pub + 1 :]]
    lag2 = lagrange_at(tau, 2 * n)
    h_s = [lag2[2 * i + 1] * dinv % R for i in range(n)]
    say("G1 points")
    g1_scalars = [alpha, beta, delta] + ic_s + u + v + c_s + h_s
    pts = g1_fixed_base_batch(G1_GEN, g1_scalars)
    alpha1, beta1, delta1 = pts[0:3]
    o = 3
    ic = pts[o : o + n_pub + 1]
    o += n_pub + 1
    a = pts[o : o + r1cs.n_wires]
    o += r1cs.n_wires
    b1 = pts[o : o + r1cs.n_wires]
    o += r1cs.n_wires
    c = pts[o : o + len(c_s)]
    o += len(c_s)
    h = pts[o : o + n]
    say("G2 points")
    pts2 = g2_fixed_base_batch(G2_GEN, [beta, gamma, delta] + v)
    beta2, gamma2, delta2 = pts2[0:3]
    b2 = pts2[3:]
    return ProvingKey(
        n_vars=r1cs.n_wires,
        n_public=n_pub,
        domain_size=n,
        alpha1=alpha1,
        beta1=beta1,
        beta2=beta2,
        gamma2=gamma2,
        delta1=delta1,
        delta2=delta2,
        ic=ic,
        coeffs=qap_coefficients(r1cs),
        a=a,
        b1=b1,
        b2=b2,
        c=c,
        h=h,
    )


# ------------------------------------------------------------------------------------------------
# prover
# ------------------------------------------------------------------------------------------------


def h_scalars(pk: ProvingKey, witness: Sequence[int]) -> list[int]:
    """The scalars for the H points: (A*B - C) on the odd coset, exactly snarkjs's buffPodd_T."""
    prep = pk._prepared()
    n = pk.domain_size
    wz = [mpz(x) for x in witness]
    get = wz.__getitem__
    p = mpz(R)
    evals: list[list[int]] = []
    for m in range(2):
        out = [0] * n
        for k, (sigs, vals) in enumerate(prep["rows"][m]):
            if sigs:
                out[k] = sum(map(_mul, vals, map(get, sigs))) % p
        evals.append(out)
    a_t, b_t = evals
    c_t = [x * y % p for x, y in zip(a_t, b_t, strict=False)]
    a_o = odd_coset_evals(a_t)
    b_o = odd_coset_evals(b_t)
    c_o = odd_coset_evals(c_t)
    return [(x * y - z) % p for x, y, z in zip(a_o, b_o, c_o, strict=False)]


def _mul(a: int, b: int) -> int:
    return a * b


def prove(
    pk: ProvingKey,
    witness: Sequence[int],
    *,
    r: int | None = None,
    s: int | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Proof, list[int]]:
    """A Groth16 proof for a satisfying witness: returns (Proof, public_signals).

    The witness is not checked against the constraints (a wrong one yields a proof that does
    not verify); `r`, `s` default to fresh randomness. With workers > 1 the multi-scalar
    multiplications run in forked processes.
    """
    say = progress or (lambda _m: None)
    if len(witness) != pk.n_vars:
        raise ValueError(f"witness has {len(witness)} values, the key expects {pk.n_vars}")
    if witness[0] % R != 1:
        raise ValueError("witness[0] must be 1")
    alpha1, beta1, beta2 = pk.alpha1, pk.beta1, pk.beta2
    if alpha1 is None or beta1 is None or beta2 is None:
        raise ValueError("the proving key's alpha1, beta1 or beta2 is the point at infinity")
    workers = default_workers() if workers is None else workers
    prep = pk._prepared()
    say("MSM")
    plan_w = MSMPlan(witness)

    def plan_for(name: str) -> MSMPlan:
        idx = prep[name + "_idx"]
        return plan_w if idx is None else MSMPlan([witness[i] for i in idx])

    def g2_b2() -> G2Jac:
        return msm_g2_many(plan_for("b2"), [prep["b2"]])[0]

    def g1_wit(*names: str) -> list[G1Jac]:
        shared = [n for n in names if prep[n + "_idx"] is None]
        res: dict[str, G1Jac] = (
            dict(zip(shared, msm_g1_many(plan_w, [prep[n] for n in shared]), strict=False)) if shared else {}
        )
        for n in names:
            if n not in res:
                res[n] = msm_g1_many(plan_for(n), [prep[n]])[0]
        return [res[n] for n in names]

    def g1_h() -> G1Jac:
        say("QAP")
        hs = h_scalars(pk, witness)  # snarkjs's buffPodd_T
        return msm_g1_many(MSMPlan(hs), [prep["h"]])[0]

    # Balanced by measured cost (a G2 addition is ~2.3 G1 additions; H has domain_size points
    # and its scalars are computed on the parent's side, in parallel with the children).
    b2_j: G2Jac
    a_j: G1Jac
    b1_j: G1Jac
    c_j: G1Jac
    h_j: G1Jac
    if workers >= 3:
        (b2_j,), (c_j, h_j), (a_j, b1_j) = run_forked(
            [lambda: (g2_b2(),), lambda: (*g1_wit("c"), g1_h()), lambda: tuple(g1_wit("a", "b1"))], workers
        )
    elif workers == 2:
        (b2_j, c_j), (a_j, b1_j, h_j) = run_forked(
            [lambda: (g2_b2(), *g1_wit("c")), lambda: (*g1_wit("a", "b1"), g1_h())], 2
        )
    else:
        b2_j, h_j = g2_b2(), g1_h()
        a_j, b1_j, c_j = g1_wit("a", "b1", "c")
    say("assemble")
    r = secrets.randbelow(R) if r is None else r % R
    s = secrets.randbelow(R) if s is None else s % R
    A = g1_add_j(g1_madd_j(a_j, alpha1), g1_mul_j(pk.delta1, r))
    B2 = g2_add_j(g2_madd_j(b2_j, beta2), g2_mul_j(pk.delta2, s))
    B1 = g1_add_j(g1_madd_j(b1_j, beta1), g1_mul_j(pk.delta1, s))
    A_aff = g1_to_affine(A)
    B1_aff = g1_to_affine(B1)
    C = g1_add_j(c_j, h_j)
    C = g1_add_j(C, g1_mul_j(A_aff, s))
    C = g1_add_j(C, g1_mul_j(B1_aff, r))
    C = g1_add_j(C, g1_mul_j(g1_neg(pk.delta1), r * s % R))
    proof = Proof(A_aff, g2_to_affine(B2), g1_to_affine(C))
    public = [int(x) % R for x in witness[1 : pk.n_public + 1]]
    return proof, public


# ------------------------------------------------------------------------------------------------
# verifier
# ------------------------------------------------------------------------------------------------


def verify(vk: VerifyingKey, public_signals: Sequence[int], proof: Proof) -> bool:
    """e(A, B) == e(alpha, beta) e(vk_x, gamma) e(C, delta), with every public signal < r and
    the proof's points on G1 / in G2 (what snarkjs and the EVM verifier check)."""
    if len(public_signals) != vk.n_public:
        return False
    pubs: list[int] = []
    for x in public_signals:
        x = int(x)
        if not 0 <= x < R:
            return False
        pubs.append(x)
    if proof.a is None or proof.b is None or proof.c is None:
        return False
    if not (g1_is_on_curve(proof.a) and g1_is_on_curve(proof.c) and g2_in_subgroup(proof.b)):
        return False
    vk_x = g1_to_affine(
        g1_madd_j(msm_g1_jac(vk.ic[1:], pubs), vk.ic[0]) if vk.ic[0] is not None else msm_g1_jac(vk.ic[1:], pubs)
    )
    return pairing_check(
        [(g1_neg(proof.a), proof.b), (vk.alpha1, vk.beta2), (vk_x, vk.gamma2), (proof.c, vk.delta2)],
        check_points=False,
    )
