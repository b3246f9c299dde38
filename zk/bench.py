"""Proving time, ours next to snarkjs's, on the same .zkey and .wtns.

    python -m zk.bench [--depths 4,20] [--repeat 3] [--out results.json]

For each Merkle depth: build the DID circuit and a witness, make an (insecure, seeded) dev key
once (cached under .cache/zk-bench/), write .zkey/.wtns, then alternate
  snarkjs:  `snarkjs groth16 prove k.zkey w.wtns`        (a fresh node process)
  ours:     `python -m zk.bench --prove k.zkey w.wtns`   (a fresh Python process: imports,
            reading the key, proving, writing proof.json: the same work as snarkjs's command)
and also time our prover in-process with the key already loaded. Reports wall time and CPU time
(user + sys of the process and its children) per run: min and median. Both tools use every
CPU available (snarkjs: worker threads; ours: forked processes for the MSMs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .r1cs import Circuit

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "zk-bench"


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _timed(argv: list[str]) -> tuple[float, float]:
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr[-2000:]}")
    return wall, _children_cpu() - c0


def _artifacts(depth: int) -> tuple[Circuit, Path, Path, Path]:
    from .circuits.did import DIDWitnessInput, commitment, did_circuit
    from .gadgets.merkle import MerkleTree
    from .groth16 import setup_dev
    from .snarkjs_io import write_wtns, write_zkey

    d = CACHE / f"depth{depth}"
    d.mkdir(parents=True, exist_ok=True)
    circuit = did_circuit(depth)
    zkey, wtns = d / "did.zkey", d / "did.wtns"
    if not zkey.exists():
        print(f"  depth {depth}: generating a dev key (once, cached in {d})", flush=True)
        write_zkey(zkey, setup_dev(circuit.r1cs, seed=depth))
    tree = MerkleTree(depth)
    tree.append(commitment(1, 2))
    i = tree.append(commitment(3, 4))
    sib, bits = tree.proof(i)
    w = circuit.witness(DIDWitnessInput(3, 4, sib, bits, 5, 6).assignment())
    write_wtns(wtns, w)
    return circuit, zkey, wtns, d


def _stats(xs: list[float]) -> dict[str, Any]:
    return {"min": round(min(xs), 3), "median": round(statistics.median(xs), 3), "runs": [round(x, 3) for x in xs]}


def bench(depths: list[int], repeat: int) -> dict[str, Any]:
    from .groth16 import prove
    from .snarkjs_io import read_wtns, read_zkey

    snarkjs = ROOT / "node_modules" / ".bin" / "snarkjs"
    results: dict[str, Any] = {"cpus": len(os.sched_getaffinity(0)), "load_avg_start": os.getloadavg(), "depths": {}}
    for depth in depths:
        circuit, zkey, wtns, d = _artifacts(depth)
        row: dict[str, Any] = {
            "constraints": circuit.r1cs.n_constraints,
            "wires": circuit.r1cs.n_wires,
            "domain": circuit.r1cs.domain_size(),
        }
        sj_wall: list[float] = []
        sj_cpu: list[float] = []
        our_wall: list[float] = []
        our_cpu: list[float] = []
        inproc: list[float] = []
        pk = read_zkey(zkey)
        w = read_wtns(wtns)
        prove(pk, w)  # warm caches (prepared points) for the in-process timing
        for k in range(repeat):
            if snarkjs.exists():
                wall, cpu = _timed(
                    [
                        str(snarkjs),
                        "groth16",
                        "prove",
                        str(zkey),
                        str(wtns),
                        str(d / "sj_proof.json"),
                        str(d / "sj_public.json"),
                    ]
                )
                sj_wall.append(wall)
                sj_cpu.append(cpu)
            wall, cpu = _timed(
                [sys.executable, "-m", "zk.bench", "--prove", str(zkey), str(wtns), str(d / "proof.json")]
            )
            our_wall.append(wall)
            our_cpu.append(cpu)
            t0 = time.perf_counter()
            prove(pk, w)
            inproc.append(time.perf_counter() - t0)
            print(
                f"  depth {depth} run {k + 1}: snarkjs {sj_wall[-1] if sj_wall else float('nan'):.2f}s, "
                f"ours {our_wall[-1]:.2f}s (in-process {inproc[-1]:.2f}s)",
                flush=True,
            )
        row["ours_wall"] = _stats(our_wall)
        row["ours_cpu"] = _stats(our_cpu)
        row["ours_in_process_wall"] = _stats(inproc)
        if sj_wall:
            row["snarkjs_wall"] = _stats(sj_wall)
            row["snarkjs_cpu"] = _stats(sj_cpu)
            row["ratio_wall_min"] = round(min(our_wall) / min(sj_wall), 2)
            row["ratio_wall_median"] = round(statistics.median(our_wall) / statistics.median(sj_wall), 2)
            row["ratio_cpu_min"] = round(min(our_cpu) / min(sj_cpu), 2)
        results["depths"][depth] = row
    results["load_avg_end"] = os.getloadavg()
    return results


def snarkjs_bin() -> Path:
    return ROOT / "node_modules" / ".bin" / "snarkjs"


def did_dev_artifacts(d: Path, depth: int, seed: int) -> tuple[Circuit, Path, Path]:
    """(circuit, zkey, wtns) of the depth-`depth` DID circuit with the INSECURE dev key of `seed`
    (cached in `d`: did.zkey is made once, did.wtns and circuit.r1cs are rewritten)."""
    from .circuits.did import DIDWitnessInput, commitment, did_circuit
    from .gadgets.merkle import MerkleTree
    from .groth16 import setup_dev
    from .snarkjs_io import write_r1cs, write_wtns, write_zkey

    d.mkdir(parents=True, exist_ok=True)
    circuit = did_circuit(depth)
    zkey, wtns = d / "did.zkey", d / "did.wtns"
    stamp = d / "did.zkey.seed"
    if not zkey.exists() or not stamp.exists() or stamp.read_text() != f"{depth}:{seed}":
        write_zkey(zkey, setup_dev(circuit.r1cs, seed=seed))
        stamp.write_text(f"{depth}:{seed}")
    write_r1cs(d / "circuit.r1cs", circuit.r1cs)
    tree = MerkleTree(depth)
    tree.append(commitment(1, 2))
    i = tree.append(commitment(3, 4))
    sib, bits = tree.proof(i)
    w = circuit.witness(DIDWitnessInput(3, 4, sib, bits, 5, 6).assignment())
    write_wtns(wtns, w)
    return circuit, zkey, wtns


def compare_tools(
    zkey: Path, wtns: Path, d: Path, repeat: int, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Prove and verify with snarkjs and with us, alternately, on the same .zkey/.wtns.

    Per round: `snarkjs groth16 prove`, our prover in a fresh process (`python -m zk.bench
    --prove`), our prover in this process with the key loaded, then `snarkjs groth16 verify`
    and `python -m zk verify` (fresh processes) on the same proof and verification key, and our
    `verify` in this process. Also cross-checks: each tool accepts the other's proof, and
    snarkjs's exported verification key equals ours. `progress(label, done, total)` is called
    as it goes. Returns lists of wall times (s) and CPU times (s), and the checks."""
    from .groth16 import Proof, VerifyingKey, prove, verify
    from .snarkjs_io import load_json, public_from_json, read_wtns, read_zkey, save_json

    sj = snarkjs_bin()
    if not sj.exists():
        raise FileNotFoundError(f"snarkjs is not installed ({sj}); run `npm ci`")
    progress = progress or (lambda *_a: None)
    out: dict[str, Any] = {
        k: []
        for k in (
            "sj_prove",
            "sj_prove_cpu",
            "ours_prove",
            "ours_prove_cpu",
            "ours_prove_inproc",
            "sj_verify",
            "ours_verify",
            "ours_verify_inproc",
        )
    }
    progress("snarkjs zkey export verificationkey", 0, repeat)
    sj_vk = d / "sj_verification_key.json"
    _timed([str(sj), "zkey", "export", "verificationkey", str(zkey), str(sj_vk)])
    pk = read_zkey(zkey)
    vk = pk.verifying_key()
    vk_path = d / "verification_key.json"
    save_json(vk_path, vk.to_json())
    out["vk_equal"] = load_json(sj_vk) == load_json(vk_path)
    w = read_wtns(wtns)
    prove(pk, w)  # warm caches (prepared points) for the in-process timing
    proof_path, public_path = d / "proof.json", d / "public.json"
    sj_proof, sj_public = d / "sj_proof.json", d / "sj_public.json"
    for k in range(repeat):
        progress("prove", k, repeat)
        wall, cpu = _timed([str(sj), "groth16", "prove", str(zkey), str(wtns), str(sj_proof), str(sj_public)])
        out["sj_prove"].append(wall)
        out["sj_prove_cpu"].append(cpu)
        wall, cpu = _timed([sys.executable, "-m", "zk.bench", "--prove", str(zkey), str(wtns), str(proof_path)])
        out["ours_prove"].append(wall)
        out["ours_prove_cpu"].append(cpu)
        t0 = time.perf_counter()
        prove(pk, w)
        out["ours_prove_inproc"].append(time.perf_counter() - t0)
        progress("verify", k, repeat)
        wall, _ = _timed([str(sj), "groth16", "verify", str(sj_vk), str(public_path), str(proof_path)])
        out["sj_verify"].append(wall)
        wall, _ = _timed(
            [
                sys.executable,
                "-m",
                "zk",
                "verify",
                "--vk",
                str(vk_path),
                "--proof",
                str(proof_path),
                "--public",
                str(public_path),
            ]
        )
        out["ours_verify"].append(wall)
        ours_proof, ours_public = Proof.from_json(load_json(proof_path)), public_from_json(load_json(public_path))
        t0 = time.perf_counter()
        ok = verify(vk, ours_public, ours_proof)
        out["ours_verify_inproc"].append(time.perf_counter() - t0)
        if not ok:
            raise RuntimeError("our verifier rejected our own proof")
    progress("prove", repeat, repeat)
    # cross-checks: snarkjs's proof passes our verifier (the timed `snarkjs groth16 verify` runs
    # above already accepted ours: _timed raises on a non-zero exit)
    out["ours_accepts_snarkjs_proof"] = verify(
        VerifyingKey.from_json(load_json(sj_vk)),
        public_from_json(load_json(sj_public)),
        Proof.from_json(load_json(sj_proof)),
    )
    out["same_public"] = load_json(sj_public) == load_json(public_path)
    out["proof"], out["public"] = Proof.from_json(load_json(proof_path)), public_from_json(load_json(public_path))
    return out


def _prove_files(zkey: str, wtns: str, out: str) -> None:
    from .groth16 import prove
    from .snarkjs_io import public_to_json, read_wtns, read_zkey, save_json

    proof, public = prove(read_zkey(zkey), read_wtns(wtns))
    save_json(out, proof.to_json())
    save_json(str(Path(out).with_name("public.json")), public_to_json(public))


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depths", default="4,20")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    ap.add_argument("--prove", nargs=3, metavar=("ZKEY", "WTNS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.prove:
        _prove_files(*args.prove)
        return
    res = bench([int(x) for x in args.depths.split(",")], args.repeat)
    text = json.dumps(res, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
