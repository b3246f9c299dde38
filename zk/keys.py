"""Groth16's keys and proofs, and the snarkjs JSON formats they are read from and written in.

The types live here, apart from the prover (zk.groth16) and the binary file formats
(zk.snarkjs_io), so that both can import them and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from .curve import G1Affine, G2Affine, Q, f2, f2_inv, f2_mul, f2_sqr, fq_inv
from .field import R, mpz
from .msm import prepare_points_g1, prepare_points_g2


@dataclass
class VerifyingKey:
    alpha1: G1Affine
    beta2: G2Affine
    gamma2: G2Affine
    delta2: G2Affine
    ic: list[G1Affine]  # n_public + 1 G1 points

    @property
    def n_public(self) -> int:
        return len(self.ic) - 1

    def to_json(self) -> dict[str, Any]:
        return vk_to_json(self)

    @staticmethod
    def from_json(obj: dict[str, Any]) -> VerifyingKey:
        return vk_from_json(obj)


@dataclass
class Proof:
    a: G1Affine
    b: G2Affine
    c: G1Affine

    def to_json(self) -> dict[str, Any]:
        return proof_to_json(self)

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Proof:
        return proof_from_json(obj)

    def to_calldata(self) -> tuple[list[int], list[list[int]], list[int]]:
        """(a, b, c) as the EVM verifier takes them: b's Fq2 coordinates imaginary part first."""
        return proof_calldata(self)


@dataclass
class ProvingKey:
    n_vars: int
    n_public: int
    domain_size: int
    alpha1: G1Affine
    beta1: G1Affine
    beta2: G2Affine
    gamma2: G2Affine
    delta1: G1Affine
    delta2: G2Affine
    ic: list[G1Affine]
    coeffs: list[tuple[int, int, int, int]]  # (matrix 0=A/1=B, row, signal, value) in snarkjs section-4 order
    a: list[G1Affine]
    b1: list[G1Affine]
    b2: list[G2Affine]
    c: list[G1Affine]  # private wires only: n_vars - n_public - 1
    h: list[G1Affine]  # domain_size
    _cache: dict[str, Any] = dc_field(default_factory=dict, repr=False, compare=False)

    def verifying_key(self) -> VerifyingKey:
        return VerifyingKey(self.alpha1, self.beta2, self.gamma2, self.delta2, list(self.ic))

    # prepared data for the prover, built once per key
    def _prepared(self) -> dict[str, Any]:
        if "rows" not in self._cache:
            n = self.domain_size
            # rows[matrix][row] = [signals, values]
            rows: list[list[list[list[int]]]] = [[[[], []] for _ in range(n)] for _ in range(2)]
            for m, row, sig, val in self.coeffs:
                rows[m][row][0].append(sig)
                rows[m][row][1].append(mpz(val))
            self._cache["rows"] = rows
            n_pub1 = self.n_public + 1
            # Point sets with many points at infinity (A: wires absent from every A row, a third
            # of the DID circuit's) get their own index list and MSM plan; the others share the
            # witness plan, their few infinity points replaced by compensated stand-ins.
            # (name, G1 or G2 points, their preparation)
            point_sets: tuple[tuple[str, Sequence[Any], Callable[[Sequence[Any]], object]], ...] = (
                ("a", self.a, prepare_points_g1),
                ("b1", self.b1, prepare_points_g1),
                ("c", [None] * n_pub1 + list(self.c), prepare_points_g1),
                ("b2", self.b2, prepare_points_g2),
            )
            for name, pts, prep_fn in point_sets:
                idx = [i for i, P in enumerate(pts) if P is not None]
                if len(idx) < 0.9 * len(pts):
                    self._cache[name] = prep_fn([pts[i] for i in idx])
                    self._cache[name + "_idx"] = idx
                else:
                    self._cache[name] = prep_fn(pts)
                    self._cache[name + "_idx"] = None
            self._cache["h"] = prepare_points_g1(self.h)
        return self._cache


# ------------------------------------------------------------------------------------------------
# snarkjs JSON
# ------------------------------------------------------------------------------------------------


def g1_to_obj(P: G1Affine) -> list[str]:
    if P is None:
        return ["0", "1", "0"]
    return [str(int(P[0])), str(int(P[1])), "1"]


def g2_to_obj(P: G2Affine) -> list[list[str]]:
    if P is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = P
    return [[str(int(x0)), str(int(x1))], [str(int(y0)), str(int(y1))], ["1", "0"]]


def _coordinate(v: Any) -> int:
    """One base-field coordinate of a JSON point: canonical, 0 <= v < p. A value at or above p
    names the same residue but is not an encoding (the EVM precompiles refuse it), and reducing it
    would make the Python side accept what the contract rejects."""
    value = int(v)
    if not 0 <= value < Q:
        raise ValueError(f"coordinate {value} is not a field element (it must be below p = {Q})")
    return value


def g1_from_obj(o: list[Any]) -> G1Affine:
    """A G1 point from snarkjs's projective object [x, y, z]."""
    x, y, z = (_coordinate(v) for v in o)
    if z == 0:
        return None
    if z == 1:
        return (mpz(x % Q), mpz(y % Q))
    zi = fq_inv(z)
    return (mpz(x * zi * zi % Q), mpz(y * zi * zi * zi % Q))


def g2_from_obj(o: list[Any]) -> G2Affine:
    x, y, z = (f2((_coordinate(a), _coordinate(b))) for a, b in o)
    if z[0] == 0 and z[1] == 0:
        return None
    if z == (1, 0):
        return (x, y)
    zi = f2_inv(z)
    zi2 = f2_sqr(zi)
    return (f2_mul(x, zi2), f2_mul(f2_mul(y, zi2), zi))


def vk_to_json(vk: VerifyingKey, alphabeta: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.n_public,
        "vk_alpha_1": g1_to_obj(vk.alpha1),
        "vk_beta_2": g2_to_obj(vk.beta2),
        "vk_gamma_2": g2_to_obj(vk.gamma2),
        "vk_delta_2": g2_to_obj(vk.delta2),
    }
    if alphabeta:
        out["vk_alphabeta_12"] = snarkjs_alphabeta(vk)
    out["IC"] = [g1_to_obj(P) for P in vk.ic]
    return out


def snarkjs_alphabeta(vk: VerifyingKey) -> list[list[list[str]]]:
    """e(alpha, beta) as snarkjs prints it. snarkjs's final exponentiation (Fuentes-Castaneda et
    al.) yields the optimal ate pairing raised to the fixed power 2u(6u^2 + 3u + 1) (u the BN
    parameter), a different but equally valid pairing; we raise ours to the same power."""
    from .pairing import BN_U, f12_pow, pairing, to_snarkjs_gt

    k = 2 * BN_U * (6 * BN_U * BN_U + 3 * BN_U + 1) % R
    return to_snarkjs_gt(f12_pow(pairing(vk.alpha1, vk.beta2), k))


def vk_from_json(obj: dict[str, Any]) -> VerifyingKey:
    if obj.get("protocol") != "groth16" or obj.get("curve") not in ("bn128", "bn254"):
        raise ValueError("not a BN254 Groth16 verification key")
    vk = VerifyingKey(
        alpha1=g1_from_obj(obj["vk_alpha_1"]),
        beta2=g2_from_obj(obj["vk_beta_2"]),
        gamma2=g2_from_obj(obj["vk_gamma_2"]),
        delta2=g2_from_obj(obj["vk_delta_2"]),
        ic=[g1_from_obj(p) for p in obj["IC"]],
    )
    if int(obj.get("nPublic", vk.n_public)) != vk.n_public:
        raise ValueError("nPublic does not match the number of IC points")
    return vk


def proof_to_json(proof: Proof) -> dict[str, Any]:
    return {
        "pi_a": g1_to_obj(proof.a),
        "pi_b": g2_to_obj(proof.b),
        "pi_c": g1_to_obj(proof.c),
        "protocol": "groth16",
        "curve": "bn128",
    }


def proof_from_json(obj: dict[str, Any]) -> Proof:
    if obj.get("protocol", "groth16") != "groth16":
        raise ValueError("not a Groth16 proof")
    return Proof(g1_from_obj(obj["pi_a"]), g2_from_obj(obj["pi_b"]), g1_from_obj(obj["pi_c"]))


def proof_calldata(proof: Proof) -> tuple[list[int], list[list[int]], list[int]]:
    """(a, b, c) integers for an EVM verifier: a = [x, y]; b = [[x1, x0], [y1, y0]] (EIP-197
    orders an Fq2 element imaginary part first); c = [x, y]."""
    a, b, c = proof.a, proof.b, proof.c
    if a is None or b is None or c is None:
        raise ValueError("the proof has a point at infinity")
    (x0, x1), (y0, y1) = b
    return (
        [int(a[0]), int(a[1])],
        [[int(x1), int(x0)], [int(y1), int(y0)]],
        [int(c[0]), int(c[1])],
    )
