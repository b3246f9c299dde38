"""The multi-party trusted setup: powers of tau (phase 1) and the circuit-specific phase 2.

Phase 1 (universal, for every circuit whose QAP domain is at most 2^power) keeps the
accumulator of snarkjs's .ptau:

    tau_g1[i]   = tau^i G1          i < 2^(power+1) - 1
    tau_g2[i]   = tau^i G2          i < 2^power
    alpha_g1[i] = alpha tau^i G1    i < 2^power
    beta_g1[i]  = beta tau^i G1     i < 2^power
    beta_g2     = beta G2

where tau, alpha, beta are the products of every participant's secrets. A contribution with
secrets (t, a, b) multiplies the i-th power by t^i (and a, b); it publishes a record with the
new first elements and, for each secret x, a proof of knowledge: G1 points s, s*x for a random
s and x*S2 where S2 = hash_to_g2(previous transcript hash, s, s*x) is a G2 point nobody knows
the logarithm of. Anyone checks, with pairings, that each record's first elements are the
previous record's times the secret the proof speaks of, that the proofs hold, and that the
final accumulator is made of consecutive powers (random linear combinations of all points,
two pairings per check). The ceremony is closed by a beacon: secrets derived from
2^n iterated SHA-256 of a public value chosen after the last contribution (e.g. a future block
hash); anyone recomputes them.

Phase 2 starts from the Lagrange basis "in tau" (group inverse FFTs of the powers, snarkjs's
`prepare phase2`), builds the key with delta = 1 (exactly snarkjs's `groth16 setup`), and each
contribution d sets delta <- delta d and divides the C and H points by d, again with a proof
of knowledge and a beacon at the end. Verification recomputes the initial key from the R1CS
and the phase-1 result and checks the delta chain and that C and H were all divided by the
final delta.

Files: the phase-1 state is a snarkjs .ptau (sections 1-7, plus 12-15 once prepared) and the
phase-2 state a .zkey; both carry the FameEngine transcript (JSON) in an extra section
(id 1000) that snarkjs ignores, so `snarkjs groth16 setup r1cs our.ptau` and
`snarkjs groth16 prove our.zkey` work on them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from . import snarkjs_io as sio
from .curve import (
    G1_GEN,
    G1_INF_J,
    G2_GEN,
    G2_INF_J,
    G1Affine,
    G1Jac,
    G2Affine,
    G2Jac,
    G2Point,
    g1_add_j,
    g1_batch_to_affine,
    g1_eq,
    g1_is_on_curve,
    g1_mul,
    g1_mul_j,
    g1_neg,
    g1_to_affine,
    g1_to_jac,
    g2_add_j,
    g2_batch_to_affine,
    g2_eq,
    g2_in_subgroup,
    g2_mul,
    g2_mul_j,
    g2_neg,
    g2_to_affine,
    hash_to_g2,
)
from .fft import _bitrev, _twiddles
from .field import R, inv, log2_exact, mpz
from .groth16 import ProvingKey, qap_coefficients
from .msm import g1_add_vec, g2_add_vec, msm_g1_jac, msm_g2_jac
from .pairing import same_ratio
from .r1cs import R1CS

TRANSCRIPT_SECTION = 1000
PARTIAL_LAGRANGE_SECTION = 1001
Progress = Callable[[str, int, int], None]  # (task, done, total)
#: Lagrange bases in tau, {size: {section id: points}}: section 13 holds G2 points, 12, 14, 15 G1 points.
LagrangeBases = dict[int, dict[int, list[Any]]]


class CeremonyError(Exception):
    """A contribution or transcript that does not verify."""


def _noop(_task: str, _done: int, _total: int) -> None:
    pass


# ------------------------------------------------------------------------------------------------
# helpers: secrets, hashing, proofs of knowledge
# ------------------------------------------------------------------------------------------------


def _scalar_from(seed: bytes, label: bytes) -> int:
    """A nonzero scalar from a 64-byte seed (hash-to-field with a 512-bit digest)."""
    ctr = 0
    while True:
        v = (
            int.from_bytes(
                hashlib.blake2b(label + b"|" + seed + ctr.to_bytes(4, "big"), digest_size=64).digest(), "big"
            )
            % R
        )
        if v:
            return v
        ctr += 1


def _fresh_seed(entropy: bytes | None) -> bytes:
    return hashlib.blake2b(os.urandom(64) + (entropy or b""), digest_size=64).digest()


def beacon_seed(beacon: bytes, iterations_exp: int) -> bytes:
    """2^iterations_exp iterations of SHA-256 over the public beacon value."""
    if not 0 <= iterations_exp <= 40:
        raise ValueError("iterations_exp must be 0..40")
    h = beacon
    for _ in range(1 << iterations_exp):
        h = hashlib.sha256(h).digest()
    return hashlib.blake2b(b"fame-beacon|" + h, digest_size=64).digest()


def _pt_bytes(P: G1Affine) -> bytes:
    return sio.g1_to_lem(P)


def _pok(x: int, label: str, prev_hash: str, rng_seed: bytes) -> dict[str, Any]:
    s = _scalar_from(rng_seed, b"pok-s|" + label.encode())
    g1_s = g1_mul(G1_GEN, s)
    g1_sx = g1_mul(G1_GEN, s * x % R)
    g2_sp = _pok_g2(label, prev_hash, g1_s, g1_sx)
    return {"g1_s": _g1j(g1_s), "g1_sx": _g1j(g1_sx), "g2_spx": _g2j(g2_mul(g2_sp, x))}


def _pok_g2(label: str, prev_hash: str, g1_s: G1Affine, g1_sx: G1Affine) -> G2Point:
    return hash_to_g2(
        b"fame-ceremony-pok|" + label.encode(), bytes.fromhex(prev_hash) + _pt_bytes(g1_s) + _pt_bytes(g1_sx)
    )


def _check_pok(pok: dict[str, Any], label: str, prev_hash: str, old_g1: G1Affine, new_g1: G1Affine) -> None:
    """The proof is sound and new_g1 = x * old_g1 for the x it proves knowledge of."""
    g1_s, g1_sx, g2_spx = _g1p(pok["g1_s"]), _g1p(pok["g1_sx"]), _g2p(pok["g2_spx"])
    if g1_s is None or g1_sx is None or g2_spx is None or not g2_in_subgroup(g2_spx):
        raise CeremonyError(f"{label}: malformed proof of knowledge")
    g2_sp = _pok_g2(label, prev_hash, g1_s, g1_sx)
    if not same_ratio(g1_s, g1_sx, g2_sp, g2_spx):
        raise CeremonyError(f"{label}: proof of knowledge does not verify")
    if new_g1 is None or not g1_is_on_curve(new_g1):
        raise CeremonyError(f"{label}: new point invalid")
    if not same_ratio(old_g1, new_g1, g2_sp, g2_spx):
        raise CeremonyError(f"{label}: the update is not the secret the proof is about")


def _g1j(P: G1Affine) -> list[str] | None:
    return None if P is None else [str(int(P[0])), str(int(P[1]))]


def _g2j(P: G2Affine) -> list[list[str]] | None:
    return None if P is None else [[str(int(P[0][0])), str(int(P[0][1]))], [str(int(P[1][0])), str(int(P[1][1]))]]


def _g1p(o: list[Any] | None) -> G1Affine:
    return None if o is None else (mpz(int(o[0])), mpz(int(o[1])))


def _g2p(o: list[Any] | None) -> G2Affine:
    return None if o is None else ((mpz(int(o[0][0])), mpz(int(o[0][1]))), (mpz(int(o[1][0])), mpz(int(o[1][1]))))


def _scale_g1(points: Sequence[G1Affine], scalars: Sequence[int], progress: Progress, task: str) -> list[G1Affine]:
    out: list[G1Jac] = []
    total = len(points)
    for i, (P, k) in enumerate(zip(points, scalars, strict=False)):
        out.append(g1_mul_j(P, k))
        if i % 256 == 255:
            progress(task, i + 1, total)
    progress(task, total, total)
    return g1_batch_to_affine(out)


def _scale_g2(points: Sequence[G2Affine], scalars: Sequence[int], progress: Progress, task: str) -> list[G2Affine]:
    out: list[G2Jac] = []
    total = len(points)
    for i, (P, k) in enumerate(zip(points, scalars, strict=False)):
        out.append(g2_mul_j(P, k))
        if i % 64 == 63:
            progress(task, i + 1, total)
    progress(task, total, total)
    return g2_batch_to_affine(out)


def _rand128(n: int, seed: bytes) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(128) | 1 for _ in range(n)]


# ------------------------------------------------------------------------------------------------
# phase 1
# ------------------------------------------------------------------------------------------------


@dataclass
class PowersOfTau:
    power: int
    tau_g1: list[G1Affine]
    tau_g2: list[G2Affine]
    alpha_g1: list[G1Affine]
    beta_g1: list[G1Affine]
    beta_g2: G2Affine
    transcript: list[dict[str, Any]] = dc_field(default_factory=list)
    #: once prepared: {size: {12: L(tau) G1, 13: L(tau) G2, 14: L(tau) alpha G1, 15: L(tau) beta G1}}
    #: (size 2^(power+1) has only 12, as in snarkjs)
    lagrange: LagrangeBases | None = None

    def lagrange_for(self, sid: int, size: int) -> list[Any]:
        """The points of section `sid` for the domain `size` (G2 for 13, G1 otherwise)."""
        if not self.lagrange or size not in self.lagrange or sid not in self.lagrange[size]:
            raise CeremonyError(f"the powers of tau are not prepared for domain size {size}")
        return self.lagrange[size][sid]

    def lagrange_complete(self) -> bool:
        return bool(self.lagrange and all((1 << e) in self.lagrange for e in range(self.power + 2)))

    def digest(self) -> str:
        h = hashlib.blake2b(digest_size=64)
        h.update(self.power.to_bytes(4, "little"))
        h.update(sio.g1_list_to_lem(self.tau_g1))
        h.update(sio.g2_list_to_lem(self.tau_g2))
        h.update(sio.g1_list_to_lem(self.alpha_g1))
        h.update(sio.g1_list_to_lem(self.beta_g1))
        h.update(sio.g2_to_lem(self.beta_g2))
        return h.hexdigest()

    def head(self) -> dict[str, Any]:
        """The first elements a contribution record commits to."""
        return {
            "tau_g1": _g1j(self.tau_g1[1]),
            "tau_g2": _g2j(self.tau_g2[1]),
            "alpha_g1": _g1j(self.alpha_g1[0]),
            "beta_g1": _g1j(self.beta_g1[0]),
            "beta_g2": _g2j(self.beta_g2),
        }

    # persistence -------------------------------------------------------------------------------
    def save(self, path: sio.StrPath) -> None:
        """A .ptau; with every Lagrange size prepared it has snarkjs's sections 12-15, with only
        some sizes they go to a FameEngine section (snarkjs then sees an unprepared ptau)."""
        full: dict[int, list[Any]] | None = None
        if self.lagrange is not None and self.lagrange_complete():
            full = {
                sid: [P for e in range(self.power + 2) for P in self.lagrange.get(1 << e, {}).get(sid, [])]
                for sid in (12, 13, 14, 15)
            }
        sio.write_ptau(path, self.power, self.tau_g1, self.tau_g2, self.alpha_g1, self.beta_g1, self.beta_g2, full)
        _append_section(path, TRANSCRIPT_SECTION, json.dumps({"phase": 1, "transcript": self.transcript}).encode())
        if self.lagrange and full is None:
            _append_section(path, PARTIAL_LAGRANGE_SECTION, _pack_partial(self.lagrange))

    @staticmethod
    def load(path: sio.StrPath) -> PowersOfTau:
        d = sio.read_ptau(path)
        s = d["sections"]
        transcript = json.loads(s[TRANSCRIPT_SECTION])["transcript"] if TRANSCRIPT_SECTION in s else []
        power = d["power"]
        lag: LagrangeBases | None = None
        if 12 in s:
            flat: dict[int, list[Any]] = {
                12: sio.g1_list_from_lem(s[12]),
                13: sio.g2_list_from_lem(s[13]),
                14: sio.g1_list_from_lem(s[14]),
                15: sio.g1_list_from_lem(s[15]),
            }
            lag = {}
            for e in range(power + 2):
                size = 1 << e
                lag[size] = {12: flat[12][size - 1 : 2 * size - 1]}
                if e <= power:
                    for sid in (13, 14, 15):
                        lag[size][sid] = flat[sid][size - 1 : 2 * size - 1]
        elif PARTIAL_LAGRANGE_SECTION in s:
            lag = _unpack_partial(s[PARTIAL_LAGRANGE_SECTION])
        return PowersOfTau(power, d["tau_g1"], d["tau_g2"], d["alpha_g1"], d["beta_g1"], d["beta_g2"], transcript, lag)


def _pack_partial(lag: LagrangeBases) -> bytes:
    out = [struct.pack("<I", sum(len(v) for v in lag.values()))]
    for size in sorted(lag):
        for sid in sorted(lag[size]):
            pts = lag[size][sid]
            body = sio.g2_list_to_lem(pts) if sid == 13 else sio.g1_list_to_lem(pts)
            out.append(struct.pack("<III", size, sid, len(body)))
            out.append(body)
    return b"".join(out)


def _unpack_partial(data: bytes) -> LagrangeBases:
    (count,) = struct.unpack_from("<I", data, 0)
    pos = 4
    lag: LagrangeBases = {}
    for _ in range(count):
        size, sid, ln = struct.unpack_from("<III", data, pos)
        pos += 12
        body = data[pos : pos + ln]
        pos += ln
        lag.setdefault(size, {})[sid] = sio.g2_list_from_lem(body) if sid == 13 else sio.g1_list_from_lem(body)
    return lag


def _append_section(path: sio.StrPath, sid: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(8)
        (n,) = struct.unpack("<I", fh.read(4))
        fh.seek(8)
        fh.write(struct.pack("<I", n + 1))
        fh.seek(0, 2)
        fh.write(struct.pack("<IQ", sid, len(data)))
        fh.write(data)


def new_powers_of_tau(power: int) -> PowersOfTau:
    """The starting accumulator (all secrets 1): supports QAP domains up to 2^power."""
    if not 1 <= power <= 27:
        raise ValueError("power must be 1..27")
    n = 1 << power
    return PowersOfTau(power, [G1_GEN] * (2 * n - 1), [G2_GEN] * n, [G1_GEN] * n, [G1_GEN] * n, G2_GEN, [], None)


def _phase1_apply(acc: PowersOfTau, t: int, a: int, b: int, progress: Progress) -> PowersOfTau:
    n = 1 << acc.power
    pows = [1] * (2 * n - 1)
    for i in range(1, 2 * n - 1):
        pows[i] = pows[i - 1] * t % R
    tau_g1 = _scale_g1(acc.tau_g1, pows, progress, "tau G1")
    tau_g2 = _scale_g2(acc.tau_g2, pows[:n], progress, "tau G2")
    alpha_g1 = _scale_g1(acc.alpha_g1, [a * p % R for p in pows[:n]], progress, "alpha tau G1")
    beta_g1 = _scale_g1(acc.beta_g1, [b * p % R for p in pows[:n]], progress, "beta tau G1")
    beta_g2 = g2_mul(acc.beta_g2, b)
    return PowersOfTau(acc.power, tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2, list(acc.transcript), None)


def contribute_phase1(
    acc: PowersOfTau, name: str = "", entropy: bytes | None = None, progress: Progress = _noop
) -> PowersOfTau:
    """Add one participant's randomness; the secrets are drawn here and forgotten."""
    if acc.lagrange is not None or any(r.get("type") == "beacon" for r in acc.transcript):
        raise CeremonyError("phase 1 is closed (beacon applied)")
    seed = _fresh_seed(entropy)
    return _phase1_step(acc, seed, name, "contribution", None, progress)


def beacon_phase1(
    acc: PowersOfTau, beacon: bytes, iterations_exp: int = 10, name: str = "beacon", progress: Progress = _noop
) -> PowersOfTau:
    """Close phase 1 with secrets anyone can recompute from the public beacon value."""
    if any(r.get("type") == "beacon" for r in acc.transcript):
        raise CeremonyError("phase 1 already has its beacon")
    seed = beacon_seed(beacon, iterations_exp)
    info = {"value": beacon.hex(), "iterations_exp": iterations_exp}
    return _phase1_step(acc, seed, name, "beacon", info, progress)


def _phase1_step(
    acc: PowersOfTau, seed: bytes, name: str, kind: str, beacon_info: dict[str, Any] | None, progress: Progress
) -> PowersOfTau:
    t, a, b = (_scalar_from(seed, lbl) for lbl in (b"tau", b"alpha", b"beta"))
    prev_hash = acc.digest()
    new = _phase1_apply(acc, t, a, b, progress)
    record: dict[str, Any] = {
        "index": len(acc.transcript),
        "type": kind,
        "name": name,
        "prev_hash": prev_hash,
        "new_hash": new.digest(),
        **new.head(),
        "pok": {lbl: _pok(x, lbl, prev_hash, seed) for lbl, x in (("tau", t), ("alpha", a), ("beta", b))},
    }
    if beacon_info:
        record["beacon"] = beacon_info
    new.transcript = list(acc.transcript) + [record]
    return new


def verify_phase1(acc: PowersOfTau, progress: Progress = _noop, require_beacon: bool = False) -> list[str]:
    """Check every record and the accumulator; returns one line per record. Raises CeremonyError."""
    lines: list[str] = []
    old_head: dict[str, Any] = {
        "tau_g1": _g1j(G1_GEN),
        "tau_g2": _g2j(G2_GEN),
        "alpha_g1": _g1j(G1_GEN),
        "beta_g1": _g1j(G1_GEN),
        "beta_g2": _g2j(G2_GEN),
    }
    prev_hash = _initial_digest(acc.power)
    for k, rec in enumerate(acc.transcript):
        progress("records", k, len(acc.transcript))
        if rec.get("index") != k:
            raise CeremonyError(f"record {k}: out of order")
        if rec["prev_hash"] != prev_hash:
            raise CeremonyError(f"record {k} ({rec.get('name')}): does not follow the previous state")
        for key in ("tau_g2", "beta_g2"):
            if rec[key] is None or not g2_in_subgroup(_g2p(rec[key])):
                raise CeremonyError(f"record {k}: {key} is not a G2 point")
        for lbl, key in (("tau", "tau_g1"), ("alpha", "alpha_g1"), ("beta", "beta_g1")):
            _check_pok(rec["pok"][lbl], lbl, rec["prev_hash"], _g1p(old_head[key]), _g1p(rec[key]))
        # tau in G2 and beta in G2 move with the same secrets as in G1
        if not same_ratio(G1_GEN, _g1p(rec["tau_g1"]), G2_GEN, _g2p(rec["tau_g2"])):
            raise CeremonyError(f"record {k}: tau G1/G2 mismatch")
        if not same_ratio(G1_GEN, _g1p(rec["beta_g1"]), G2_GEN, _g2p(rec["beta_g2"])):
            raise CeremonyError(f"record {k}: beta G1/G2 mismatch")
        if rec["type"] == "beacon":
            if k != len(acc.transcript) - 1:
                raise CeremonyError("the beacon must be the last record")
            b = rec["beacon"]
            seed = beacon_seed(bytes.fromhex(b["value"]), int(b["iterations_exp"]))
            t, a, bb = (_scalar_from(seed, lbl) for lbl in (b"tau", b"alpha", b"beta"))
            for key, x in (("tau_g1", t), ("alpha_g1", a), ("beta_g1", bb)):
                if not g1_eq(g1_mul(_g1p(old_head[key]), x), _g1p(rec[key])):
                    raise CeremonyError(f"beacon record: {key} is not the beacon's secret applied")
        lines.append(f"#{k} {rec['type']} {rec.get('name') or '(anonymous)'}: ok  {rec['new_hash'][:16]}")
        old_head = {key: rec[key] for key in old_head}
        prev_hash = rec["new_hash"]
    progress("records", len(acc.transcript), len(acc.transcript))
    if require_beacon and not (acc.transcript and acc.transcript[-1]["type"] == "beacon"):
        raise CeremonyError("phase 1 is not closed by a beacon")
    if acc.digest() != prev_hash:
        raise CeremonyError("the accumulator is not the one the last record describes")
    if acc.head() != old_head:
        raise CeremonyError("the accumulator's first elements differ from the last record")
    _check_powers(acc, progress)
    lines.append(f"accumulator (power {acc.power}): consecutive powers ok")
    if acc.lagrange is not None:
        lines.append(_check_lagrange(acc, progress))
    return lines


_INITIAL_DIGESTS: dict[int, str] = {}


def _initial_digest(power: int) -> str:
    if power not in _INITIAL_DIGESTS:
        _INITIAL_DIGESTS[power] = new_powers_of_tau(power).digest()
    return _INITIAL_DIGESTS[power]


def _check_powers(acc: PowersOfTau, progress: Progress) -> None:
    n = 1 << acc.power
    if len(acc.tau_g1) != 2 * n - 1 or len(acc.tau_g2) != n or len(acc.alpha_g1) != n or len(acc.beta_g1) != n:
        raise CeremonyError("accumulator has the wrong number of points")
    if not g1_eq(acc.tau_g1[0], G1_GEN) or not g2_eq(acc.tau_g2[0], G2_GEN):
        raise CeremonyError("tau^0 must be the generator")
    for P in (*acc.tau_g1, *acc.alpha_g1, *acc.beta_g1):
        if P is None or not g1_is_on_curve(P):
            raise CeremonyError("accumulator holds an invalid G1 point")
    for P2 in (*acc.tau_g2, acc.beta_g2):
        if P2 is None or not g2_in_subgroup(P2):
            raise CeremonyError("accumulator holds an invalid G2 point")
    seed = bytes.fromhex(acc.digest())
    tau2 = acc.tau_g2[1]
    tau1 = acc.tau_g1[1]
    for name, pts in (("tau G1", acc.tau_g1), ("alpha tau G1", acc.alpha_g1), ("beta tau G1", acc.beta_g1)):
        progress("powers", 0, 1)
        rs = _rand128(len(pts) - 1, seed + name.encode())
        lo = g1_to_affine(msm_g1_jac(pts[:-1], rs))
        hi = g1_to_affine(msm_g1_jac(pts[1:], rs))
        if not same_ratio(lo, hi, G2_GEN, tau2):
            raise CeremonyError(f"{name}: not consecutive powers of tau")
    rs = _rand128(n - 1, seed + b"tau G2")
    lo2 = g2_to_affine(msm_g2_jac(acc.tau_g2[:-1], rs))
    hi2 = g2_to_affine(msm_g2_jac(acc.tau_g2[1:], rs))
    if not same_ratio(G1_GEN, tau1, lo2, hi2):
        raise CeremonyError("tau G2: not consecutive powers of tau")
    if not same_ratio(G1_GEN, acc.beta_g1[0], G2_GEN, acc.beta_g2):
        raise CeremonyError("beta G1/G2 mismatch")
    progress("powers", 1, 1)


# ------------------------------------------------------------------------------------------------
# Lagrange basis in tau (snarkjs's "prepare phase2")
# ------------------------------------------------------------------------------------------------


def _ifft_g1(points: list[G1Affine], progress: Progress, task: str) -> list[G1Affine]:
    return _ifft_group(points, True, progress, task)


def _ifft_g2(points: list[G2Affine], progress: Progress, task: str) -> list[G2Affine]:
    return _ifft_group(points, False, progress, task)


def _ifft_group(points: list[Any], g1: bool, progress: Progress, task: str) -> list[Any]:
    """Inverse FFT (divided by n) over G1 or G2 with affine points; None stands for infinity.

    Butterflies of a stage are done together: the twiddle products as Jacobian scalar
    multiplications normalised in one batch, then u + v and u - v as batched affine additions.
    The points are G1 points if g1, else G2 points.
    """
    n = len(points)
    log_n = log2_exact(n)
    mul_j: Callable[[Any, int], Any] = g1_mul_j if g1 else g2_mul_j
    to_aff: Callable[[Any], list[Any]] = g1_batch_to_affine if g1 else g2_batch_to_affine
    neg: Callable[[Any], Any] = g1_neg if g1 else g2_neg
    rev = _bitrev(log_n)
    x = [points[rev[i]] for i in range(n)]
    tw = _twiddles(log_n, True)
    total = log_n + 1
    half = 1
    stage = 0
    while half < n:
        size = 2 * half
        stride = n // size
        idx_u, idx_v, prods = [], [], []
        for start in range(0, n, size):
            for j in range(half):
                w = int(tw[j * stride])
                v = x[start + j + half]
                idx_u.append(start + j)
                idx_v.append(start + j + half)
                prods.append(mul_j(v, w) if w != 1 else _to_j(v, g1))
        vs = to_aff(prods)
        us = [x[i] for i in idx_u]
        sums = _add_points(us, vs, g1)
        diffs = _add_points(us, [neg(v) for v in vs], g1)
        for i, a, b in zip(range(len(idx_u)), sums, diffs, strict=False):
            x[idx_u[i]] = a
            x[idx_v[i]] = b
        half = size
        stage += 1
        progress(task, stage, total)
    n_inv = inv(n)
    out = to_aff([mul_j(P, n_inv) for P in x])
    progress(task, total, total)
    return out


def _to_j(P: Any, g1: bool) -> G1Jac | G2Jac:
    from .curve import g2_to_jac

    return g1_to_jac(P) if g1 else g2_to_jac(P)  # both map None to the point at infinity


def _add_points(a: Sequence[Any], b: Sequence[Any], g1: bool) -> list[Any]:
    """Elementwise affine sums with None = infinity (batched), of G1 points if g1 else G2 points."""
    out: list[Any] = [None] * len(a)
    idx = []
    for i, (p, q) in enumerate(zip(a, b, strict=False)):
        if p is None:
            out[i] = q
        elif q is None:
            out[i] = p
        else:
            idx.append(i)
    if not idx:
        return out
    if g1:
        X3, Y3, _ = g1_add_vec(
            [a[i][0] for i in idx], [a[i][1] for i in idx], [b[i][0] for i in idx], [b[i][1] for i in idx]
        )
        for t, i in enumerate(idx):
            out[i] = None if X3[t] is None else (X3[t], Y3[t])
    else:
        x0, x1, y0, y1, _ = g2_add_vec(
            [a[i][0][0] for i in idx],
            [a[i][0][1] for i in idx],
            [a[i][1][0] for i in idx],
            [a[i][1][1] for i in idx],
            [b[i][0][0] for i in idx],
            [b[i][0][1] for i in idx],
            [b[i][1][0] for i in idx],
            [b[i][1][1] for i in idx],
        )
        for t, i in enumerate(idx):
            out[i] = None if x0[t] is None else ((x0[t], x1[t]), (y0[t], y1[t]))
    return out


def lagrange_tau_g1(acc: PowersOfTau, size: int, progress: Progress = _noop) -> list[G1Affine]:
    """L_i(tau) G1 for the size-`size` domain, as snarkjs computes it: from the first `size`
    powers, the missing last one (size = 2^(power+1)) taken as the point at infinity."""
    pts = list(acc.tau_g1[:size])
    if len(pts) < size:
        pts += [None] * (size - len(pts))
    return _ifft_g1(pts, progress, f"Lagrange tau G1 ({size})")


def prepare_phase2(acc: PowersOfTau, progress: Progress = _noop, sizes: Sequence[int] | None = None) -> PowersOfTau:
    """Add the Lagrange bases in tau (snarkjs's `powersoftau prepare phase2`).

    By default every size 2^0 .. 2^power (and 2^(power+1) for tau G1) is computed, which makes
    the .ptau usable by `snarkjs groth16 setup` for any circuit; `sizes` limits the work to the
    domains one circuit needs (n and 2n, see `circuit_sizes`)."""
    p = acc.power
    wanted = sorted(set(sizes)) if sizes else [1 << e for e in range(p + 2)]
    for size in wanted:
        if size > 1 << (p + 1) or size & (size - 1):
            raise CeremonyError(f"cannot prepare size {size} from power {p}")
    lag = dict(acc.lagrange or {})
    for size in wanted:
        if size in lag and (size > 1 << p or len(lag[size]) == 4):
            continue
        entry: dict[int, list[Any]] = {12: lagrange_tau_g1(acc, size, progress)}
        if size <= 1 << p:
            entry[13] = _ifft_g2(list(acc.tau_g2[:size]), progress, f"Lagrange tau G2 ({size})")
            entry[14] = _ifft_g1(list(acc.alpha_g1[:size]), progress, f"Lagrange alpha G1 ({size})")
            entry[15] = _ifft_g1(list(acc.beta_g1[:size]), progress, f"Lagrange beta G1 ({size})")
        lag[size] = entry
    return PowersOfTau(
        acc.power, acc.tau_g1, acc.tau_g2, acc.alpha_g1, acc.beta_g1, acc.beta_g2, list(acc.transcript), lag
    )


def circuit_sizes(r1cs: R1CS) -> list[int]:
    """The Lagrange sizes phase 2 of this circuit needs: its domain n and 2n."""
    n = r1cs.domain_size()
    return [n, 2 * n]


def _check_lagrange(acc: PowersOfTau, progress: Progress) -> str:
    """The Lagrange bases are the inverse FFTs of the powers (random evaluation check): for a
    random polynomial f, sum_i L_i(tau) f(w^i) == sum_j f_j tau^j, per size and section."""
    from .fft import fft

    p = acc.power
    lag = acc.lagrange
    if lag is None:
        raise CeremonyError("the powers of tau are not prepared")
    seed = bytes.fromhex(acc.digest())
    sizes = sorted(lag)
    for k, size in enumerate(sizes):
        e = size.bit_length() - 1
        coeffs = _rand128(size, seed + b"lag" + bytes([e]))
        if e == p + 1:
            coeffs[-1] = 0  # tau^(2n-1) is not in the accumulator (snarkjs treats it as 0)
        evals = [int(v) for v in fft(coeffs)]
        entry = lag[size]
        if len(entry.get(12, [])) != size:
            raise CeremonyError(f"Lagrange tau G1 of size {size} is incomplete")
        if not g1_eq(g1_to_affine(msm_g1_jac(acc.tau_g1[:size], coeffs)), g1_to_affine(msm_g1_jac(entry[12], evals))):
            raise CeremonyError(f"Lagrange tau G1 of size {size} is wrong")
        if e <= p:
            for sid, src in ((14, acc.alpha_g1), (15, acc.beta_g1)):
                if not g1_eq(g1_to_affine(msm_g1_jac(src[:size], coeffs)), g1_to_affine(msm_g1_jac(entry[sid], evals))):
                    raise CeremonyError(f"Lagrange section {sid} of size {size} is wrong")
            if not g2_eq(
                g2_to_affine(msm_g2_jac(acc.tau_g2[:size], coeffs)), g2_to_affine(msm_g2_jac(entry[13], evals))
            ):
                raise CeremonyError(f"Lagrange tau G2 of size {size} is wrong")
        progress("Lagrange check", k + 1, len(sizes))
    return f"Lagrange bases: sizes {', '.join(map(str, sizes))} ok"


# ------------------------------------------------------------------------------------------------
# phase 2
# ------------------------------------------------------------------------------------------------


def r1cs_digest(r1cs: R1CS) -> str:
    h = hashlib.blake2b(digest_size=32)
    h.update(repr((r1cs.n_wires, r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in)).encode())
    for a, b, c in r1cs.constraints:
        h.update(repr((a, b, c)).encode())
    return h.hexdigest()


def _lincomb_g1(bases: Sequence[G1Affine], terms: Sequence[Sequence[tuple[int, int]]]) -> list[G1Affine]:
    """For each target, sum coeff * bases[idx] over its (idx, coeff) terms (affine results)."""
    out: list[G1Jac] = []
    for tl in terms:
        if not tl:
            out.append(G1_INF_J)
        elif len(tl) >= 16:
            out.append(msm_g1_jac([bases[i] for i, _ in tl], [c for _, c in tl]))
        else:
            acc = G1_INF_J
            for i, c in tl:
                acc = g1_add_j(acc, g1_to_jac(bases[i]) if c == 1 else g1_mul_j(bases[i], c))
            out.append(acc)
    return g1_batch_to_affine(out)


def _lincomb_g2(bases: Sequence[G2Affine], terms: Sequence[Sequence[tuple[int, int]]]) -> list[G2Affine]:
    from .curve import g2_to_jac

    out: list[G2Jac] = []
    for tl in terms:
        if not tl:
            out.append(G2_INF_J)
        elif len(tl) >= 16:
            out.append(msm_g2_jac([bases[i] for i, _ in tl], [c for _, c in tl]))
        else:
            acc = G2_INF_J
            for i, c in tl:
                acc = g2_add_j(acc, g2_to_jac(bases[i]) if c == 1 else g2_mul_j(bases[i], c))
            out.append(acc)
    return g2_batch_to_affine(out)


def phase2_initial_key(r1cs: R1CS, acc: PowersOfTau, progress: Progress = _noop) -> ProvingKey:
    """The key snarkjs's `groth16 setup` derives from this R1CS and prepared ptau (delta = 1)."""
    n = r1cs.domain_size()
    if n > (1 << acc.power):
        raise CeremonyError(f"circuit needs a domain of {n}, the ceremony supports {1 << acc.power}")
    lt: list[G1Affine] = acc.lagrange_for(12, n)
    lt2: list[G2Affine] = acc.lagrange_for(13, n)
    la: list[G1Affine] = acc.lagrange_for(14, n)
    lb: list[G1Affine] = acc.lagrange_for(15, n)
    nv, npub = r1cs.n_wires, r1cs.n_public
    # per wire, its (base index, coefficient) terms
    A: list[list[tuple[int, int]]] = [[] for _ in range(nv)]
    B: list[list[tuple[int, int]]] = [[] for _ in range(nv)]
    # IC / C mix three bases: encode base index as (section, row)
    mix: list[list[tuple[int, int]]] = [[] for _ in range(nv)]
    for k, (a, b, c) in enumerate(r1cs.constraints):
        for s, v in a:
            A[s].append((k, v))
            mix[s].append((2 * n + k, v))  # beta tau
        for s, v in b:
            B[s].append((k, v))
            mix[s].append((n + k, v))  # alpha tau
        for s, v in c:
            mix[s].append((k, v))  # tau
    m = r1cs.n_constraints
    for s in range(npub + 1):
        A[s].append((m + s, 1))
        mix[s].append((2 * n + m + s, 1))
    progress("phase 2 key", 0, 5)
    a_pts = _lincomb_g1(lt, A)
    progress("phase 2 key", 1, 5)
    b1_pts = _lincomb_g1(lt, B)
    progress("phase 2 key", 2, 5)
    b2_pts = _lincomb_g2(lt2, B)
    progress("phase 2 key", 3, 5)
    mixed = _lincomb_g1(list(lt) + list(la) + list(lb), mix)
    progress("phase 2 key", 4, 5)
    h_pts: list[G1Affine] = acc.lagrange_for(12, 2 * n)[1::2]
    progress("phase 2 key", 5, 5)
    return ProvingKey(
        n_vars=nv,
        n_public=npub,
        domain_size=n,
        alpha1=acc.alpha_g1[0],
        beta1=acc.beta_g1[0],
        beta2=acc.beta_g2,
        gamma2=G2_GEN,
        delta1=G1_GEN,
        delta2=G2_GEN,
        ic=mixed[: npub + 1],
        coeffs=qap_coefficients(r1cs),
        a=a_pts,
        b1=b1_pts,
        b2=b2_pts,
        c=mixed[npub + 1 :],
        h=h_pts,
    )


@dataclass
class Phase2:
    pk: ProvingKey
    transcript: list[dict[str, Any]]  # records
    r1cs_hash: str
    phase1_hash: str

    def digest(self) -> str:
        s = sio.zkey_sections(self.pk)
        h = hashlib.blake2b(digest_size=64)
        for i in range(1, 10):
            h.update(s[i])
        return h.hexdigest()

    def save(self, path: sio.StrPath) -> None:
        sio.write_zkey(path, self.pk)
        meta = {"phase": 2, "r1cs_hash": self.r1cs_hash, "phase1_hash": self.phase1_hash, "transcript": self.transcript}
        _append_section(path, TRANSCRIPT_SECTION, json.dumps(meta).encode())

    @staticmethod
    def load(path: sio.StrPath) -> Phase2:
        pk = sio.read_zkey(path)
        _, s = sio.read_bin(path, b"zkey")
        if TRANSCRIPT_SECTION not in s:
            raise CeremonyError(f"{path} has no FameEngine ceremony transcript")
        meta = json.loads(s[TRANSCRIPT_SECTION])
        return Phase2(pk, meta["transcript"], meta["r1cs_hash"], meta["phase1_hash"])


def new_phase2(r1cs: R1CS, acc: PowersOfTau, progress: Progress = _noop) -> Phase2:
    return Phase2(phase2_initial_key(r1cs, acc, progress), [], r1cs_digest(r1cs), acc.digest())


def _phase2_step(
    p2: Phase2, seed: bytes, name: str, kind: str, beacon_info: dict[str, Any] | None, progress: Progress
) -> Phase2:
    d = _scalar_from(seed, b"delta")
    d_inv = inv(d)
    prev = p2.digest()
    pk = p2.pk
    new_pk = ProvingKey(
        n_vars=pk.n_vars,
        n_public=pk.n_public,
        domain_size=pk.domain_size,
        alpha1=pk.alpha1,
        beta1=pk.beta1,
        beta2=pk.beta2,
        gamma2=pk.gamma2,
        delta1=g1_mul(pk.delta1, d),
        delta2=g2_mul(pk.delta2, d),
        ic=pk.ic,
        coeffs=pk.coeffs,
        a=pk.a,
        b1=pk.b1,
        b2=pk.b2,
        c=_scale_g1(pk.c, [d_inv] * len(pk.c), progress, "C / delta"),
        h=_scale_g1(pk.h, [d_inv] * len(pk.h), progress, "H / delta"),
    )
    out = Phase2(new_pk, list(p2.transcript), p2.r1cs_hash, p2.phase1_hash)
    rec: dict[str, Any] = {
        "index": len(p2.transcript),
        "type": kind,
        "name": name,
        "prev_hash": prev,
        "new_hash": out.digest(),
        "delta_g1": _g1j(new_pk.delta1),
        "delta_g2": _g2j(new_pk.delta2),
        "pok": _pok(d, "delta", prev, seed),
    }
    if beacon_info:
        rec["beacon"] = beacon_info
    out.transcript.append(rec)
    return out


def contribute_phase2(p2: Phase2, name: str = "", entropy: bytes | None = None, progress: Progress = _noop) -> Phase2:
    if p2.transcript and p2.transcript[-1]["type"] == "beacon":
        raise CeremonyError("phase 2 is closed (beacon applied)")
    return _phase2_step(p2, _fresh_seed(entropy), name, "contribution", None, progress)


def beacon_phase2(
    p2: Phase2, beacon: bytes, iterations_exp: int = 10, name: str = "beacon", progress: Progress = _noop
) -> Phase2:
    if p2.transcript and p2.transcript[-1]["type"] == "beacon":
        raise CeremonyError("phase 2 already has its beacon")
    return _phase2_step(
        p2,
        beacon_seed(beacon, iterations_exp),
        name,
        "beacon",
        {"value": beacon.hex(), "iterations_exp": iterations_exp},
        progress,
    )


def verify_phase2(
    p2: Phase2,
    r1cs: R1CS,
    acc: PowersOfTau,
    progress: Progress = _noop,
    require_beacon: bool = False,
    initial: ProvingKey | None = None,
) -> list[str]:
    """Check the phase-2 key against the R1CS and the (verified, prepared) phase-1 result."""
    lines: list[str] = []
    if p2.r1cs_hash != r1cs_digest(r1cs):
        raise CeremonyError("the key was made for a different circuit")
    if p2.phase1_hash != acc.digest():
        raise CeremonyError("the key was made from a different phase-1 result")
    init = initial or phase2_initial_key(r1cs, acc, progress)
    pk = p2.pk
    same = (
        pk.n_vars == init.n_vars
        and pk.n_public == init.n_public
        and pk.domain_size == init.domain_size
        and pk.coeffs == init.coeffs
        and _eq1(pk.alpha1, init.alpha1)
        and _eq1(pk.beta1, init.beta1)
        and _eq2(pk.beta2, init.beta2)
        and _eq2(pk.gamma2, init.gamma2)
        and _eqs1(pk.ic, init.ic)
        and _eqs1(pk.a, init.a)
        and _eqs1(pk.b1, init.b1)
        and _eqs2(pk.b2, init.b2)
        and len(pk.c) == len(init.c)
        and len(pk.h) == len(init.h)
    )
    if not same:
        raise CeremonyError("the key's delta-independent parts differ from the ones the circuit and phase 1 give")
    prev_hash = Phase2(init, [], p2.r1cs_hash, p2.phase1_hash).digest()
    old_d1: G1Affine = G1_GEN
    for k, rec in enumerate(p2.transcript):
        if rec.get("index") != k or rec["prev_hash"] != prev_hash:
            raise CeremonyError(f"record {k} ({rec.get('name')}): does not follow the previous state")
        new_d1 = _g1p(rec["delta_g1"])
        if rec["delta_g2"] is None or not g2_in_subgroup(_g2p(rec["delta_g2"])):
            raise CeremonyError(f"record {k}: delta_g2 is not a G2 point")
        _check_pok(rec["pok"], "delta", rec["prev_hash"], old_d1, new_d1)
        if not same_ratio(G1_GEN, new_d1, G2_GEN, _g2p(rec["delta_g2"])):
            raise CeremonyError(f"record {k}: delta G1/G2 mismatch")
        if rec["type"] == "beacon":
            if k != len(p2.transcript) - 1:
                raise CeremonyError("the beacon must be the last record")
            b = rec["beacon"]
            d = _scalar_from(beacon_seed(bytes.fromhex(b["value"]), int(b["iterations_exp"])), b"delta")
            if not g1_eq(g1_mul(old_d1, d), new_d1):
                raise CeremonyError("beacon record: delta is not the beacon's secret applied")
        lines.append(f"#{k} {rec['type']} {rec.get('name') or '(anonymous)'}: ok  {rec['new_hash'][:16]}")
        old_d1 = new_d1
        prev_hash = rec["new_hash"]
    if require_beacon and not (p2.transcript and p2.transcript[-1]["type"] == "beacon"):
        raise CeremonyError("phase 2 is not closed by a beacon")
    if p2.digest() != prev_hash:
        raise CeremonyError("the key is not the one the last record describes")
    if pk.delta2 is None or not g2_in_subgroup(pk.delta2):
        raise CeremonyError("the key's delta G2 is not a G2 point")
    if not _eq1(pk.delta1, old_d1) or not same_ratio(G1_GEN, pk.delta1, G2_GEN, pk.delta2):
        raise CeremonyError("the key's delta is not the transcript's")
    # C and H divided by the final delta: e(sum r C_final, delta2) == e(sum r C_init, G2)
    seed = bytes.fromhex(p2.digest())
    for name, fin, ini in (("C", pk.c, init.c), ("H", pk.h, init.h)):
        if any(P is None for P in fin) != any(P is None for P in ini):
            raise CeremonyError(f"{name}: points at infinity differ")
        rs = _rand128(len(fin), seed + name.encode())
        lhs = g1_to_affine(msm_g1_jac(fin, rs))
        rhs = g1_to_affine(msm_g1_jac(ini, rs))
        if not same_ratio(rhs, lhs, pk.delta2, G2_GEN):
            raise CeremonyError(f"{name} points are not the initial ones divided by delta")
    lines.append("key: C and H divided by the final delta, everything else as derived from phase 1: ok")
    return lines


def _eq1(a: G1Affine, b: G1Affine) -> bool:
    return g1_eq(a, b)


def _eq2(a: G2Affine, b: G2Affine) -> bool:
    return g2_eq(a, b)


def _eqs1(a: Sequence[G1Affine], b: Sequence[G1Affine]) -> bool:
    return len(a) == len(b) and all(g1_eq(x, y) for x, y in zip(a, b, strict=False))


def _eqs2(a: Sequence[G2Affine], b: Sequence[G2Affine]) -> bool:
    return len(a) == len(b) and all(g2_eq(x, y) for x, y in zip(a, b, strict=False))
