"""`zk`: the command line of FameEngine's ZK library (mounted by the lead as `fame zk`).

    zk setup DIR [--depth 20] [--power P]        start a ceremony for the DID circuit
    zk setup DIR --dev [--seed N]                INSECURE single-party keys (local development)
    zk contribute DIR [--name N] [--entropy T]   add a contribution to the open phase
    zk contribute DIR --beacon HEX [--iterations-exp N]
                                                 close the open phase with a public beacon
    zk verify-ceremony DIR                       re-check every contribution (anyone can)
    zk prove --zkey K --input in.json            proof.json + public.json (+ .wtns)
    zk verify --vk vk.json --proof p.json --public pub.json
    zk export-verifier --vk vk.json --out Verifier.vy

A ceremony directory holds ceremony.json (circuit, depth, power, state), circuit.r1cs, the
phase-1 accumulators pot_NNNN.ptau (pot_final.ptau after the beacon, prepared for phase 2), the
phase-2 keys circuit_NNNN.zkey and, once closed, circuit_final.zkey and verification_key.json.
Every intermediate file stays, so each step can be re-verified independently.

input.json for `prove`: {"secret", "salt", "siblings": [...], "path_bits": [...], "scope",
"msg_hash"} (decimal or 0x-hex; "message": "text" may replace msg_hash, hashed with
keccak256 mod r). The Merkle depth is len(siblings).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from .circuits.did import DIDWitnessInput

console = Console(stderr=True)

STATE_FILE = "ceremony.json"


class ZkCliError(click.ClickException):
    """A user-facing error (exit status 2, one line)."""

    exit_code = 2


@contextmanager
def _progress(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Yields a callback (task, done, total) drawing one rich progress bar per task."""
    if not enabled:
        yield lambda *_a: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as prog:
        tasks: dict[str, TaskID] = {}

        def cb(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = prog.add_task(task, total=max(total, 1))
            prog.update(tasks[task], completed=done, total=max(total, 1))

        yield cb


def _load_state(d: Path) -> dict[str, Any]:
    f = d / STATE_FILE
    if not f.exists():
        raise ZkCliError(f"{d} is not a ceremony directory (no {STATE_FILE}); run `zk setup {d}` first")
    state: dict[str, Any] = json.loads(f.read_text())
    return state


def _save_state(d: Path, state: dict[str, Any]) -> None:
    tmp = d / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1) + "\n")
    tmp.replace(d / STATE_FILE)


def _parse_int(v: Any, what: str) -> int:
    try:
        if isinstance(v, str):
            return int(v, 16) if v.lower().startswith("0x") else int(v)
        return int(v)
    except (TypeError, ValueError):
        raise ZkCliError(f"{what}: {v!r} is not an integer") from None


def _parse_bytes(s: str, what: str) -> bytes:
    try:
        return bytes.fromhex(s[2:] if s.lower().startswith("0x") else s)
    except ValueError:
        raise ZkCliError(f"{what} must be hex") from None


@click.group("zk")
def zk() -> None:
    """Groth16 proofs of DID control: trusted setup, proving, verification, verifier export."""


# ------------------------------------------------------------------------------------------------
# setup
# ------------------------------------------------------------------------------------------------


@zk.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--depth", default=20, show_default=True, help="Merkle depth of the DID circuit.")
@click.option("--power", type=int, default=None, help="Powers of tau (default: the circuit's domain).")
@click.option("--dev", is_flag=True, help="INSECURE: single-party keys whose toxic waste this process sees.")
@click.option("--seed", type=int, default=None, help="With --dev: deterministic keys (tests).")
@click.option("--force", is_flag=True, help="Overwrite an existing ceremony directory.")
def setup(directory: Path, depth: int, power: int | None, dev: bool, seed: int | None, force: bool) -> None:
    """Start a trusted-setup ceremony for the DID circuit in DIRECTORY (or make dev keys)."""
    from .circuits.did import did_circuit
    from .snarkjs_io import save_json, write_r1cs, write_zkey

    if (directory / STATE_FILE).exists() and not force:
        raise ZkCliError(f"{directory} already holds a ceremony (use --force to start over)")
    directory.mkdir(parents=True, exist_ok=True)
    with console.status(f"building the DID circuit (depth {depth})"):
        circuit = did_circuit(depth)
    r1cs = circuit.r1cs
    write_r1cs(directory / "circuit.r1cs", r1cs)
    n = r1cs.domain_size()
    log_n = n.bit_length() - 1
    console.print(
        f"DID circuit depth {depth}: {r1cs.n_constraints} constraints, {r1cs.n_wires} wires, "
        f"domain {n}; public signals: {', '.join(circuit.public_names)}"
    )
    if dev:
        from .groth16 import setup_dev

        console.print("[bold red]INSECURE dev keys[/]: whoever ran this can forge proofs")
        with console.status("computing the proving key"):
            pk = setup_dev(r1cs, seed=seed)
        write_zkey(directory / "circuit_final.zkey", pk)
        save_json(directory / "verification_key.json", pk.verifying_key().to_json())
        _save_state(
            directory,
            {"circuit": "fame-did", "depth": depth, "dev": True, "phase": "done", "zkey": "circuit_final.zkey"},
        )
        console.print(f"wrote {directory / 'circuit_final.zkey'} and {directory / 'verification_key.json'}")
        return
    from .ceremony import new_powers_of_tau

    power = power or log_n
    if power < log_n:
        raise ZkCliError(f"power {power} is too small: the circuit needs a domain of 2^{log_n}")
    acc = new_powers_of_tau(power)
    acc.save(directory / "pot_0000.ptau")
    _save_state(
        directory,
        {
            "circuit": "fame-did",
            "depth": depth,
            "power": power,
            "phase": 1,
            "ptau": "pot_0000.ptau",
            "contributions": 0,
        },
    )
    console.print(
        f"phase 1 opened (power {power}): {directory / 'pot_0000.ptau'}\n"
        f"next: `zk contribute {directory}` per participant, then `--beacon`"
    )


# ------------------------------------------------------------------------------------------------
# contribute
# ------------------------------------------------------------------------------------------------


@zk.command()
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--name", default="", help="Your name or handle for the transcript.")
@click.option("--entropy", default=None, help="Extra entropy (mixed with the OS's randomness).")
@click.option("--beacon", default=None, help="Close the open phase with this public value (hex).")
@click.option("--iterations-exp", default=10, show_default=True, help="The beacon hashes 2^N times.")
@click.option(
    "--all-sizes",
    is_flag=True,
    help="When closing phase 1, prepare every Lagrange size (a .ptau snarkjs can use for any circuit).",
)
def contribute(
    directory: Path, name: str, entropy: str | None, beacon: str | None, iterations_exp: int, all_sizes: bool
) -> None:
    """Add a contribution (or the closing beacon) to the ceremony in DIRECTORY."""
    from . import ceremony as cer
    from .snarkjs_io import read_r1cs, save_json

    state = _load_state(directory)
    if state.get("dev"):
        raise ZkCliError(f"{directory} holds dev keys, not a ceremony")
    ent = entropy.encode() if entropy is not None else None
    bvalue = _parse_bytes(beacon, "--beacon") if beacon is not None else None
    phase = state["phase"]
    t0 = time.time()
    if phase == 1:
        acc = cer.PowersOfTau.load(directory / state["ptau"])
        with _progress() as cb:
            if bvalue is None:
                acc = cer.contribute_phase1(acc, name=name, entropy=ent, progress=cb)
                k = state["contributions"] + 1
                fname = f"pot_{k:04d}.ptau"
                acc.save(directory / fname)
                state.update(ptau=fname, contributions=k)
                msg = f"phase 1 contribution #{k} written to {directory / fname}"
            else:
                acc = cer.beacon_phase1(acc, bvalue, iterations_exp, progress=cb)
                r1cs = read_r1cs(directory / "circuit.r1cs")
                acc = cer.prepare_phase2(acc, cb, sizes=None if all_sizes else cer.circuit_sizes(r1cs))
                acc.save(directory / "pot_final.ptau")
                p2 = cer.new_phase2(r1cs, acc, cb)
                p2.save(directory / "circuit_0000.zkey")
                state.update(ptau="pot_final.ptau", phase=2, zkey="circuit_0000.zkey", contributions2=0)
                msg = (
                    f"phase 1 closed by the beacon; prepared {directory / 'pot_final.ptau'}; phase 2 opened: "
                    f"{directory / 'circuit_0000.zkey'}"
                )
    elif phase == 2:
        p2 = cer.Phase2.load(directory / state["zkey"])
        with _progress() as cb:
            if bvalue is None:
                p2 = cer.contribute_phase2(p2, name=name, entropy=ent, progress=cb)
                k = state["contributions2"] + 1
                fname = f"circuit_{k:04d}.zkey"
                p2.save(directory / fname)
                state.update(zkey=fname, contributions2=k)
                msg = f"phase 2 contribution #{k} written to {directory / fname}"
            else:
                p2 = cer.beacon_phase2(p2, bvalue, iterations_exp, progress=cb)
                p2.save(directory / "circuit_final.zkey")
                save_json(directory / "verification_key.json", p2.pk.verifying_key().to_json())
                state.update(zkey="circuit_final.zkey", phase="done")
                msg = (
                    f"phase 2 closed by the beacon: {directory / 'circuit_final.zkey'}, "
                    f"{directory / 'verification_key.json'}"
                )
    else:
        raise ZkCliError("the ceremony is finished")
    _save_state(directory, state)
    console.print(f"{msg} ({time.time() - t0:.1f}s)")
    console.print("the secrets of this contribution were never written anywhere; nothing to delete")


@zk.command("verify-ceremony")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
def verify_ceremony(directory: Path) -> None:
    """Re-check every contribution of the ceremony in DIRECTORY (exit 1 if one fails)."""
    from . import ceremony as cer
    from .snarkjs_io import read_r1cs

    state = _load_state(directory)
    if state.get("dev"):
        raise ZkCliError(f"{directory} holds dev keys: there is no ceremony to verify")
    try:
        with _progress() as cb:
            acc = cer.PowersOfTau.load(directory / state["ptau"])
            lines = cer.verify_phase1(acc, cb, require_beacon=state["phase"] != 1)
            if state["phase"] != 1:
                r1cs = read_r1cs(directory / "circuit.r1cs")
                p2 = cer.Phase2.load(directory / state["zkey"])
                lines += cer.verify_phase2(p2, r1cs, acc, cb, require_beacon=state["phase"] == "done")
    except cer.CeremonyError as err:
        console.print(f"[bold red]INVALID[/]: {err}")
        sys.exit(1)
    click.echo("\n".join(lines))
    click.echo("ceremony verified")


# ------------------------------------------------------------------------------------------------
# prove / verify / export
# ------------------------------------------------------------------------------------------------


def did_input_from_json(obj: dict[str, Any]) -> DIDWitnessInput:
    """A DIDWitnessInput from the JSON the CLI takes (see the module docstring)."""
    from .circuits.did import DIDWitnessInput, msg_hash_to_field

    for key in ("secret", "salt", "siblings", "path_bits", "scope"):
        if key not in obj:
            raise ZkCliError(f"input is missing {key!r}")
    if "msg_hash" in obj:
        msg_hash = _parse_int(obj["msg_hash"], "msg_hash")
    elif "message" in obj:
        msg_hash = msg_hash_to_field(str(obj["message"]).encode())
    else:
        raise ZkCliError("input needs 'msg_hash' or 'message'")
    sib = [_parse_int(x, "siblings") for x in obj["siblings"]]
    bits = [_parse_int(x, "path_bits") for x in obj["path_bits"]]
    if len(sib) != len(bits):
        raise ZkCliError("siblings and path_bits differ in length")
    if any(b not in (0, 1) for b in bits):
        raise ZkCliError("path_bits must be 0 or 1")
    return DIDWitnessInput(
        _parse_int(obj["secret"], "secret"),
        _parse_int(obj["salt"], "salt"),
        sib,
        bits,
        _parse_int(obj["scope"], "scope"),
        msg_hash,
    )


@zk.command()
@click.option("--zkey", "zkey_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--proof", "proof_path", default="proof.json", show_default=True, type=click.Path(path_type=Path))
@click.option("--public", "public_path", default="public.json", show_default=True, type=click.Path(path_type=Path))
@click.option("--wtns", "wtns_path", default=None, type=click.Path(path_type=Path), help="Also write the witness.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    envvar="FAME_ZK_WORKERS",
    help="Processes for the MSMs (default: FAME_ZK_WORKERS, else one per CPU available).",
)
def prove(
    zkey_path: Path, input_path: Path, proof_path: Path, public_path: Path, wtns_path: Path | None, workers: int | None
) -> None:
    """Prove control of a registered DID controller commitment."""
    from .circuits.did import did_circuit
    from .groth16 import prove as g16_prove
    from .snarkjs_io import public_to_json, read_zkey, save_json, write_wtns

    inp = did_input_from_json(json.loads(input_path.read_text()))
    steps = ["circuit", "witness", "key", "prove"]
    with _progress() as cb:

        def stage(i: int) -> None:
            cb("proving", i, len(steps))

        stage(0)
        circuit = did_circuit(inp.depth)
        stage(1)
        try:
            witness = circuit.witness(inp.assignment())
        except ValueError as err:
            raise ZkCliError(str(err)) from None
        if not circuit.r1cs.is_satisfied(witness):
            raise ZkCliError("these inputs do not satisfy the circuit")
        if wtns_path:
            write_wtns(wtns_path, witness)
        stage(2)
        pk = read_zkey(zkey_path)
        if pk.n_vars != circuit.r1cs.n_wires or pk.n_public != circuit.r1cs.n_public:
            raise ZkCliError(f"{zkey_path} is not a key for the depth-{inp.depth} DID circuit")
        stage(3)
        proof, public = g16_prove(pk, witness, workers=workers)
        stage(len(steps))
    save_json(proof_path, proof.to_json())
    save_json(public_path, public_to_json(public))
    console.print(
        f"wrote {proof_path} and {public_path}: "
        + ", ".join(f"{n}={v}" for n, v in zip(circuit.public_names, public, strict=True))
    )


@zk.command()
@click.option("--vk", "vk_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--proof", "proof_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--public", "public_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def verify(vk_path: Path, proof_path: Path, public_path: Path) -> None:
    """Verify a proof (snarkjs's file formats). Exit 0 if valid, 1 if not."""
    from .groth16 import Proof, VerifyingKey
    from .groth16 import verify as g16_verify
    from .snarkjs_io import load_json, public_from_json

    try:
        vk = VerifyingKey.from_json(load_json(vk_path))
        proof = Proof.from_json(load_json(proof_path))
        public = public_from_json(load_json(public_path))
    except (ValueError, KeyError, TypeError) as err:
        raise ZkCliError(f"cannot read the inputs: {err}") from None
    if g16_verify(vk, public, proof):
        click.echo("OK: valid proof")
    else:
        click.echo("INVALID proof")
        sys.exit(1)


@zk.command("export-verifier")
@click.option("--vk", "vk_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the Vyper contract.",
)
@click.option("--title", default="FameEngine DID controller verifier", show_default=True)
def export_verifier(vk_path: Path, out_path: Path, title: str) -> None:
    """Render the Vyper 0.4.3 verifier contract for a verification key."""
    from .circuits.did import PUBLIC_SIGNALS
    from .groth16 import VerifyingKey
    from .snarkjs_io import load_json
    from .verifier_export import export_vyper_verifier

    vk = VerifyingKey.from_json(load_json(vk_path))
    names = list(PUBLIC_SIGNALS) if vk.n_public == len(PUBLIC_SIGNALS) else None
    export_vyper_verifier(vk, out_path, title=title, public_names=names)
    click.echo(f"wrote {out_path}")


main = zk

if __name__ == "__main__":
    zk()
