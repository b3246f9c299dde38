"""Files of the circom / snarkjs tool chain, read and written by FameEngine.

Binary containers ("r1cs", "wtns", "zkey", "ptau") share one layout: 4-byte magic, u32
version, u32 number of sections, then sections (u32 id, u64 byte length, payload). Integers are
little-endian. Field elements are 32 bytes little-endian; in .r1cs and .wtns in standard form,
while curve points in .zkey / .ptau are affine with each Fq coordinate in Montgomery form
(x * 2^256 mod q; "LEM"), G2 as x.c0, x.c1, y.c0, y.c1, the point at infinity all zeros. The
A/B coefficients of a .zkey (section 4) are stored as v * 2^512 mod r (snarkjs multiplies them
by its Montgomery-form witness).

JSON: verification_key.json, proof.json and public.json exactly as `snarkjs groth16 ...` writes
them (decimal strings; G1 [x, y, "1"], G2 [[x0, x1], [y0, y1], ["1", "0"]]).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .curve import G1Affine, G2Affine, Q
from .field import R
from .keys import ProvingKey

# re-exported: the JSON formats live beside the types in zk.keys
from .keys import g1_from_obj as g1_from_obj
from .keys import g1_to_obj as g1_to_obj
from .keys import g2_from_obj as g2_from_obj
from .keys import g2_to_obj as g2_to_obj
from .keys import proof_calldata as proof_calldata
from .keys import proof_from_json as proof_from_json
from .keys import proof_to_json as proof_to_json
from .keys import snarkjs_alphabeta as snarkjs_alphabeta
from .keys import vk_from_json as vk_from_json
from .keys import vk_to_json as vk_to_json

if TYPE_CHECKING:
    from .r1cs import R1CS, Constraint, Sparse

#: A file name as open() and Path() take it.
StrPath = str | os.PathLike[str]

N8 = 32
_RQ = pow(2, 256, Q)
_RQ_INV = pow(_RQ, -1, Q)
_R2R = pow(2, 512, R)
_R2R_INV = pow(_R2R, -1, R)
_ZERO64 = bytes(64)


# ------------------------------------------------------------------------------------------------
# binary container
# ------------------------------------------------------------------------------------------------


def write_bin(path: StrPath, magic: bytes, version: int, sections: Sequence[tuple[int, bytes]]) -> None:
    """sections: [(id, bytes)] in file order."""
    with open(path, "wb") as fh:
        fh.write(magic)
        fh.write(struct.pack("<II", version, len(sections)))
        for sid, data in sections:
            fh.write(struct.pack("<IQ", sid, len(data)))
            fh.write(data)


def read_bin(path: StrPath, magic: bytes) -> tuple[int, dict[int, bytes]]:
    """(version, {id: bytes}) of a container file; a section id seen twice raises."""
    data = Path(path).read_bytes()
    if data[:4] != magic:
        raise ValueError(f"{path}: not a {magic.decode()} file")
    version, n = struct.unpack_from("<II", data, 4)
    pos = 12
    sections: dict[int, bytes] = {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        pos += 12
        if sid in sections:
            raise ValueError(f"{path}: section {sid} duplicated")
        sections[sid] = data[pos : pos + size]
        pos += size
    return version, sections


def _fe(v: int) -> bytes:
    return int(v).to_bytes(N8, "little")


def _u32(v: int) -> bytes:
    return struct.pack("<I", v)


# ------------------------------------------------------------------------------------------------
# points in Montgomery form
# ------------------------------------------------------------------------------------------------


def g1_to_lem(P: G1Affine) -> bytes:
    if P is None:
        return _ZERO64
    return (int(P[0]) * _RQ % Q).to_bytes(32, "little") + (int(P[1]) * _RQ % Q).to_bytes(32, "little")


def g2_to_lem(P: G2Affine) -> bytes:
    if P is None:
        return bytes(128)
    (x0, x1), (y0, y1) = P
    return b"".join((int(v) * _RQ % Q).to_bytes(32, "little") for v in (x0, x1, y0, y1))


def g1_from_lem(b: bytes, off: int = 0) -> G1Affine:
    chunk = b[off : off + 64]
    if chunk == _ZERO64:
        return None
    from .field import mpz

    x = int.from_bytes(chunk[:32], "little") * _RQ_INV % Q
    y = int.from_bytes(chunk[32:], "little") * _RQ_INV % Q
    return (mpz(x), mpz(y))


def g2_from_lem(b: bytes, off: int = 0) -> G2Affine:
    chunk = b[off : off + 128]
    if chunk == bytes(128):
        return None
    from .field import mpz

    v = [mpz(int.from_bytes(chunk[i : i + 32], "little") * _RQ_INV % Q) for i in range(0, 128, 32)]
    return ((v[0], v[1]), (v[2], v[3]))


def g1_list_to_lem(points: Iterable[G1Affine]) -> bytes:
    return b"".join(g1_to_lem(P) for P in points)


def g2_list_to_lem(points: Iterable[G2Affine]) -> bytes:
    return b"".join(g2_to_lem(P) for P in points)


def _coords_from_lem(b: bytes) -> list[int]:
    """All 32-byte Montgomery-form Fq elements of a buffer, as standard-form mpz."""
    from itertools import repeat
    from operator import mod, mul

    from .field import mpz

    raw = [int.from_bytes(b[i : i + 32], "little") for i in range(0, len(b), 32)]
    return list(map(mod, map(mul, map(mpz, raw), repeat(mpz(_RQ_INV))), repeat(mpz(Q))))


def g1_list_from_lem(b: bytes) -> list[G1Affine]:
    c = _coords_from_lem(b)
    xs, ys = c[0::2], c[1::2]
    return [None if (x == 0 and y == 0) else (x, y) for x, y in zip(xs, ys, strict=False)]


def g2_list_from_lem(b: bytes) -> list[G2Affine]:
    c = _coords_from_lem(b)
    out: list[G2Affine] = []
    for i in range(0, len(c), 4):
        x0, x1, y0, y1 = c[i : i + 4]
        out.append(None if not (x0 or x1 or y0 or y1) else ((x0, x1), (y0, y1)))
    return out


# ------------------------------------------------------------------------------------------------
# .r1cs
# ------------------------------------------------------------------------------------------------


def write_r1cs(path: StrPath, r1cs: R1CS) -> None:
    """circom's .r1cs (version 1): header, constraints, wire-to-label map (identity)."""
    header = (
        _u32(N8)
        + _fe(R)
        + _u32(r1cs.n_wires)
        + _u32(r1cs.n_pub_out)
        + _u32(r1cs.n_pub_in)
        + _u32(r1cs.n_prv_in)
        + struct.pack("<Q", r1cs.n_wires)
        + _u32(r1cs.n_constraints)
    )
    buf = io.BytesIO()
    for lcs in r1cs.constraints:
        for lc in lcs:
            buf.write(_u32(len(lc)))
            for w, v in lc:
                buf.write(_u32(w))
                buf.write(_fe(v))
    labels = b"".join(struct.pack("<Q", i) for i in range(r1cs.n_wires))
    write_bin(path, b"r1cs", 1, [(1, header), (2, buf.getvalue()), (3, labels)])


def read_r1cs(path: StrPath) -> R1CS:
    """An R1CS from a .r1cs file (circom's or ours)."""
    from .r1cs import R1CS

    _, s = read_bin(path, b"r1cs")
    h = s[1]
    n8 = struct.unpack_from("<I", h, 0)[0]
    prime = int.from_bytes(h[4 : 4 + n8], "little")
    if prime != R:
        raise ValueError(f"{path}: the field is not BN254's scalar field")
    o = 4 + n8
    n_wires, n_out, n_pub, n_prv = struct.unpack_from("<IIII", h, o)
    n_labels, n_cons = struct.unpack_from("<QI", h, o + 16)
    data = s[2]
    pos = 0
    cons: list[Constraint] = []
    for _ in range(n_cons):
        lcs: list[Sparse] = []
        for _m in range(3):
            (nnz,) = struct.unpack_from("<I", data, pos)
            pos += 4
            lc: Sparse = []
            for _k in range(nnz):
                (w,) = struct.unpack_from("<I", data, pos)
                v = int.from_bytes(data[pos + 4 : pos + 4 + n8], "little")
                pos += 4 + n8
                lc.append((w, v))
            lcs.append(lc)
        cons.append((lcs[0], lcs[1], lcs[2]))
    return R1CS(
        n_wires=n_wires,
        n_pub_out=n_out,
        n_pub_in=n_pub,
        n_prv_in=n_prv,
        constraints=cons,
        labels=[f"w{i}" for i in range(n_wires)],
        name=Path(path).stem,
    )


# ------------------------------------------------------------------------------------------------
# .wtns
# ------------------------------------------------------------------------------------------------


def write_wtns(path: StrPath, witness: Sequence[int]) -> None:
    header = _u32(N8) + _fe(R) + _u32(len(witness))
    body = b"".join(_fe(int(v) % R) for v in witness)
    write_bin(path, b"wtns", 2, [(1, header), (2, body)])


def read_wtns(path: StrPath) -> list[int]:
    _, s = read_bin(path, b"wtns")
    n8 = struct.unpack_from("<I", s[1], 0)[0]
    body = s[2]
    return [int.from_bytes(body[i : i + n8], "little") for i in range(0, len(body), n8)]


# ------------------------------------------------------------------------------------------------
# .zkey (Groth16)
# ------------------------------------------------------------------------------------------------


def zkey_sections(pk: ProvingKey) -> dict[int, bytes]:
    """The payloads of a Groth16 .zkey for our ProvingKey, by section id."""
    hdr = (
        _u32(N8)
        + _fe(Q)
        + _u32(N8)
        + _fe(R)
        + _u32(pk.n_vars)
        + _u32(pk.n_public)
        + _u32(pk.domain_size)
        + g1_to_lem(pk.alpha1)
        + g1_to_lem(pk.beta1)
        + g2_to_lem(pk.beta2)
        + g2_to_lem(pk.gamma2)
        + g1_to_lem(pk.delta1)
        + g2_to_lem(pk.delta2)
    )
    coefs = io.BytesIO()
    coefs.write(_u32(len(pk.coeffs)))
    for m, c, s, v in pk.coeffs:
        coefs.write(struct.pack("<III", m, c, s))
        coefs.write((int(v) * _R2R % R).to_bytes(32, "little"))
    sections = {
        1: _u32(1),
        2: hdr,
        3: g1_list_to_lem(pk.ic),
        4: coefs.getvalue(),
        5: g1_list_to_lem(pk.a),
        6: g1_list_to_lem(pk.b1),
        7: g2_list_to_lem(pk.b2),
        8: g1_list_to_lem(pk.c),
        9: g1_list_to_lem(pk.h),
    }
    digest = hashlib.blake2b(b"".join(sections[i] for i in range(1, 10)), digest_size=64).digest()
    sections[10] = digest + _u32(0)  # key hash, no snarkjs-style phase-2 contribution records
    return sections


def write_zkey(path: StrPath, pk: ProvingKey) -> None:
    s = zkey_sections(pk)
    write_bin(path, b"zkey", 1, [(i, s[i]) for i in range(1, 11)])


def read_zkey(path: StrPath) -> ProvingKey:
    """A ProvingKey from a Groth16 .zkey (ours or snarkjs's)."""
    _, s = read_bin(path, b"zkey")
    if struct.unpack_from("<I", s[1], 0)[0] != 1:
        raise ValueError(f"{path}: not a Groth16 zkey")
    h = s[2]
    n8q = struct.unpack_from("<I", h, 0)[0]
    q = int.from_bytes(h[4 : 4 + n8q], "little")
    o = 4 + n8q
    n8r = struct.unpack_from("<I", h, o)[0]
    r = int.from_bytes(h[o + 4 : o + 4 + n8r], "little")
    if q != Q or r != R:
        raise ValueError(f"{path}: not a BN254 key")
    o += 4 + n8r
    n_vars, n_public, domain = struct.unpack_from("<III", h, o)
    o += 12
    alpha1 = g1_from_lem(h, o)
    beta1 = g1_from_lem(h, o + 64)
    beta2 = g2_from_lem(h, o + 128)
    gamma2 = g2_from_lem(h, o + 256)
    delta1 = g1_from_lem(h, o + 384)
    delta2 = g2_from_lem(h, o + 448)
    cb = s[4]
    (ncoef,) = struct.unpack_from("<I", cb, 0)
    coeffs: list[tuple[int, int, int, int]] = []
    pos = 4
    for _ in range(ncoef):
        m, c, sig = struct.unpack_from("<III", cb, pos)
        v = int.from_bytes(cb[pos + 12 : pos + 12 + n8r], "little") * _R2R_INV % R
        coeffs.append((m, c, sig, v))
        pos += 12 + n8r
    return ProvingKey(
        n_vars=n_vars,
        n_public=n_public,
        domain_size=domain,
        alpha1=alpha1,
        beta1=beta1,
        beta2=beta2,
        gamma2=gamma2,
        delta1=delta1,
        delta2=delta2,
        ic=g1_list_from_lem(s[3]),
        coeffs=coeffs,
        a=g1_list_from_lem(s[5]),
        b1=g1_list_from_lem(s[6]),
        b2=g2_list_from_lem(s[7]),
        c=g1_list_from_lem(s[8]),
        h=g1_list_from_lem(s[9]),
    )


# ------------------------------------------------------------------------------------------------
# .ptau (powers of tau, prepared for phase 2)
# ------------------------------------------------------------------------------------------------


def write_ptau(
    path: StrPath,
    power: int,
    tau_g1: Sequence[G1Affine],
    tau_g2: Sequence[G2Affine],
    alpha_g1: Sequence[G1Affine],
    beta_g1: Sequence[G1Affine],
    beta_g2: G2Affine,
    lagrange: Mapping[int, Sequence[Any]] | None = None,
) -> None:
    """A snarkjs .ptau: sections 1-7 (no contribution records) and, if `lagrange` is given,
    the phase-2 sections 12-15 {12: [...], 13: [...], 14: [...], 15: [...]} (each the
    concatenation over sizes 2^0, 2^1, ... of the Lagrange bases; 13 holds G2 points, the
    others G1 points)."""
    sections = [
        (1, _u32(N8) + _fe(Q) + _u32(power) + _u32(power)),
        (2, g1_list_to_lem(tau_g1)),
        (3, g2_list_to_lem(tau_g2)),
        (4, g1_list_to_lem(alpha_g1)),
        (5, g1_list_to_lem(beta_g1)),
        (6, g2_to_lem(beta_g2)),
        (7, _u32(0)),
    ]
    if lagrange:
        sections += [
            (12, g1_list_to_lem(lagrange[12])),
            (13, g2_list_to_lem(lagrange[13])),
            (14, g1_list_to_lem(lagrange[14])),
            (15, g1_list_to_lem(lagrange[15])),
        ]
    write_bin(path, b"ptau", 1, sections)


def read_ptau(path: StrPath) -> dict[str, Any]:
    """{'power', 'tau_g1', 'tau_g2', 'alpha_g1', 'beta_g1', 'beta_g2'} of a .ptau."""
    _, s = read_bin(path, b"ptau")
    h = s[1]
    n8 = struct.unpack_from("<I", h, 0)[0]
    power = struct.unpack_from("<I", h, 4 + n8)[0]
    return {
        "power": power,
        "tau_g1": g1_list_from_lem(s[2]),
        "tau_g2": g2_list_from_lem(s[3]),
        "alpha_g1": g1_list_from_lem(s[4]),
        "beta_g1": g1_list_from_lem(s[5]),
        "beta_g2": g2_from_lem(s[6]),
        "sections": s,
    }


# ------------------------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------------------------


def public_to_json(public: Sequence[int]) -> list[str]:
    return [str(int(x)) for x in public]


def public_from_json(obj: Sequence[Any]) -> list[int]:
    return [int(x) for x in obj]


def save_json(path: StrPath, obj: object) -> None:
    Path(path).write_text(json.dumps(obj, indent=1) + "\n")


def load_json(path: StrPath) -> Any:
    return json.loads(Path(path).read_text())
