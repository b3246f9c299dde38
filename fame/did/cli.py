"""`fame did`: a DID controller's command line.

    fame did show DID                                  resolve (W3C DID resolution result, JSON)
    fame did keygen --out FILE [--persona-id N]        a new controller secret file (for rotate/add-controller)
    fame did input ACTION DID --controller F --sender ADDR (--cid C | --new-controller F2 | --commitment N)
                   [--out input.json] [--wtns w.wtns]  the circuit input (and witness) of one action
    fame did update-document DID --cid C --controller F (--account K | --dev-account I) [--zkey Z]
    fame did attest DID --cid C ...                    attest content
    fame did rotate DID --new-controller F2 ...        replace every controller by F2's commitment
    fame did add-controller DID --new-controller F2 ...

ACTION is update-document, attest, rotate or add-controller. The four action commands prove
with the controller's secret file and send the transaction from the account; with
`--proof proof.json --public public.json` they send a proof made elsewhere (`fame zk prove`
on the input.json of `fame did input`, or `snarkjs groth16 prove` on its witness). A proof is
bound to its action, its parameter, the registry's nonce for that action and the sending
account, so `--sender` of `fame did input` must be the account that will send it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from fame.errors import FameError

if TYPE_CHECKING:
    from fame.chain import Chain

    from .actions import Controller

console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _chain(rpc_url: str | None, deployments_dir: Path | None) -> Chain:
    from fame.chain import Chain, connect

    return Chain(connect(rpc_url), deployments_dir)


def chain_options(f: F) -> F:
    f = click.option(
        "--deployments-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the deployment manifests (default: FAME_DEPLOYMENTS_DIR or deployments/).",
    )(f)
    f = click.option("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil).")(f)
    return f


def param_options(f: F) -> F:
    f = click.option(
        "--commitment", default=None, help="rotate/add-controller: the new controller's commitment (decimal or 0x-hex)."
    )(f)
    f = click.option(
        "--new-controller",
        "new_controller",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="rotate/add-controller: the new controller's secret file (its commitment is "
        "used; the secret stays in the file).",
    )(f)
    f = click.option("--cid", default=None, help="update-document/attest: the CID.")(f)
    return f


def _param(action: str, cid: str | None, new_controller: Path | None, commitment: str | None) -> str | int:
    from zk.field import R

    from .controller import ACTIONS, load_controller

    kind = ACTIONS[action][2]
    if kind == "cid":
        if not cid or new_controller or commitment:
            raise FameError(f"{action} takes --cid CID (the CID, not empty) and no --new-controller/--commitment")
        if len(cid) > 100:
            raise FameError(f"--cid is {len(cid)} characters; the registry takes at most 100")
        return cid
    if cid or (new_controller is None) == (commitment is None):
        raise FameError(f"{action} takes exactly one of --new-controller FILE or --commitment N (and no --cid)")
    if new_controller is not None:
        return load_controller(new_controller)[0].commitment
    assert commitment is not None  # exactly one of the two, checked above
    try:
        value = int(commitment, 0)
    except ValueError:
        raise FameError(f"--commitment {commitment!r} is not an integer (decimal or 0x-hex)") from None
    if not 0 < value < R:
        raise FameError("--commitment must be above 0 and below the BN254 scalar field modulus")
    return value


def _controller(path: Path, persona_id: int) -> Controller:
    from .controller import load_controller

    ctrl, pid = load_controller(path)
    if pid is not None and pid != persona_id:
        raise FameError(f"{path} is the controller file of persona {pid}, not {persona_id}: pass the right file")
    return ctrl


@click.group("did")
def did() -> None:
    """did:fame identities: resolve, build proof inputs, prove control and act as a controller."""


@did.command()
@click.argument("did_", metavar="DID")
@chain_options
@click.option("--gateway-url", default=None, help="IPFS gateway the document's service links use.")
def show(did_: str, rpc_url: str | None, deployments_dir: Path | None, gateway_url: str | None) -> None:
    """Resolve DID and print the W3C DID resolution result (JSON)."""
    from .resolver import Resolver

    chain = _chain(rpc_url, deployments_dir)
    doc, meta, doc_meta = Resolver.from_chain(chain, gateway_url).resolve(did_)
    if "error" in meta:
        hint = {
            "invalidDid": "expected did:fame:<chainId>:<personaId>",
            "methodNotSupported": "only did:fame identifiers are served here",
            "notFound": meta.get("message") or "no persona with a DID has this id on this chain",
        }
        raise FameError(f"cannot resolve {did_!r}: {meta['error']} ({hint.get(meta['error'], '')})")
    click.echo(
        json.dumps(
            {
                "@context": "https://w3id.org/did-resolution/v1",
                "didDocument": doc,
                "didResolutionMetadata": meta,
                "didDocumentMetadata": doc_meta,
            },
            indent=2,
        )
    )


@did.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the secret file (created with mode 0600, never overwritten).",
)
@click.option("--persona-id", type=int, default=None, help="The persona it will control (recorded in the file).")
def keygen(out: Path, persona_id: int | None) -> None:
    """Make a new controller secret and print its commitment (what rotate/add-controller register)."""
    from .controller import write_controller

    ctrl = write_controller(out, persona_id)
    click.echo(f"wrote {out}; commitment {ctrl.commitment}")
    console.print("keep this file secret: whoever holds it controls the DID once its commitment is registered")


@did.command("input")
@click.argument("action", type=click.Choice(["update-document", "rotate", "attest", "add-controller"]))
@click.argument("did_", metavar="DID")
@click.option(
    "--controller",
    "controller_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The controller's secret file.",
)
@click.option(
    "--sender", required=True, help="Address of the account that will send the action (the proof is bound to it)."
)
@param_options
@click.option("--out", "out", default="input.json", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--wtns",
    "wtns",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the witness, for `snarkjs groth16 prove KEY.zkey W.wtns proof.json public.json`.",
)
@chain_options
def input_(
    action: str,
    did_: str,
    controller_file: Path,
    sender: str,
    cid: str | None,
    new_controller: Path | None,
    commitment: str | None,
    out: Path,
    wtns: Path | None,
    rpc_url: str | None,
    deployments_dir: Path | None,
) -> None:
    """Write the circuit input (input.json) of ACTION on DID for `fame zk prove` or snarkjs."""
    from .controller import Registry, build_input, persona_of

    param = _param(action, cid, new_controller, commitment)
    chain = _chain(rpc_url, deployments_dir)
    pid = persona_of(did_, chain.chain_id)
    ctrl = _controller(controller_file, pid)
    reg = Registry.from_chain(chain)
    inp = build_input(reg, action, pid, param, sender, ctrl)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd_text = json.dumps(inp.to_json(), indent=1) + "\n"
    out.write_text(fd_text)
    out.chmod(0o600)  # it holds the controller's secret
    if wtns:
        from zk.circuits.did import did_circuit
        from zk.snarkjs_io import write_wtns

        write_wtns(wtns, did_circuit(inp.depth).witness(inp.witness_input().assignment()))
        wtns.chmod(0o600)
    click.echo(
        f"wrote {out}"
        + (f" and {wtns}" if wtns else "")
        + f" (depth {inp.depth}; scope {inp.scope}; msg_hash {inp.msg_hash}; sender {inp.sender})"
    )
    console.print(
        f"it holds the controller's secret: delete it after proving. Then send with `fame did {action} "
        f"{did_} ... --proof proof.json --public public.json` from {inp.sender}"
    )


def _act(
    action: str,
    did_: str,
    controller_file: Path,
    cid: str | None,
    new_controller: Path | None,
    commitment: str | None,
    account: str | None,
    password_file: Path | None,
    dev_account: int | None,
    zkey: Path | None,
    proof_path: Path | None,
    public_path: Path | None,
    rpc_url: str | None,
    deployments_dir: Path | None,
) -> None:
    from web3 import Web3

    from fame.keys import sender_account

    from .controller import (
        Registry,
        build_input,
        check_on_chain,
        default_zkey,
        load_proving_key,
        persona_of,
        proof_from_files,
        prove,
        send,
    )

    if (proof_path is None) != (public_path is None):
        raise FameError("--proof and --public go together (a proof made elsewhere and its public signals)")
    param = _param(action, cid, new_controller, commitment)
    chain = _chain(rpc_url, deployments_dir)
    pid = persona_of(did_, chain.chain_id)
    ctrl = _controller(controller_file, pid)
    sender = sender_account(chain.chain_id, account, password_file, dev_account)
    reg = Registry.from_chain(chain)
    inp = build_input(reg, action, pid, param, sender.address, ctrl)
    if proof_path is not None and public_path is not None:  # both or neither, checked above
        ap = proof_from_files(inp, proof_path, public_path)
    else:
        with console.status("loading the proving key") as status:
            key_path = zkey or default_zkey(reg, lambda text: status.update(text))
            pk = load_proving_key(key_path, inp.depth)
            status.update(f"proving (DID circuit, depth {inp.depth})")
            ap = prove(inp, pk)
    check_on_chain(reg, inp, ap)
    with console.status(f"sending {ACTION_FN[action]} from {sender.address}"):
        receipt = send(reg, inp, ap, sender)
    click.echo(
        f"{action} on {did_}: tx {Web3.to_hex(receipt['transactionHash'])} (block {receipt['blockNumber']}, "
        f"gas {receipt['gasUsed']})"
    )
    f = reg.contract.functions
    if action == "update-document":
        click.echo(f"document CID: {f.document_cid(pid).call()}")
    elif action == "attest":
        click.echo(f"attestations: {f.attestation_count(pid).call()}")
    else:
        click.echo(f"controllers: {f.controller_count(pid).call()}; root 0x{f.current_root(pid).call():064x}")


ACTION_FN = {
    "update-document": "update_document",
    "rotate": "rotate_commitment",
    "attest": "attest_content",
    "add-controller": "add_controller",
}


def _action_command(action: str, help_text: str) -> click.Command:
    @did.command(action, help=help_text)
    @click.argument("did_", metavar="DID")
    @click.option(
        "--controller",
        "controller_file",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The controller's secret file.",
    )
    @param_options
    @click.option("--account", default=None, help="Sending account: a keystore file, or ape:<alias>.")
    @click.option(
        "--password-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="File holding the keystore password (default: FAME_KEYSTORE_PASSWORD, else a prompt).",
    )
    @click.option(
        "--dev-account",
        type=click.IntRange(0, 9),
        default=None,
        help="Local dev chain only: send from anvil's public dev account N.",
    )
    @click.option(
        "--zkey",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Proving key (the ceremony's circuit_final.zkey; local chain default: the dev key).",
    )
    @click.option(
        "--proof",
        "proof_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Send this proof.json (made from `fame did input`) instead of proving here.",
    )
    @click.option(
        "--public",
        "public_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The public.json of --proof.",
    )
    @chain_options
    def command(
        did_: str,
        controller_file: Path,
        cid: str | None,
        new_controller: Path | None,
        commitment: str | None,
        account: str | None,
        password_file: Path | None,
        dev_account: int | None,
        zkey: Path | None,
        proof_path: Path | None,
        public_path: Path | None,
        rpc_url: str | None,
        deployments_dir: Path | None,
    ) -> None:
        _act(
            action,
            did_,
            controller_file,
            cid,
            new_controller,
            commitment,
            account,
            password_file,
            dev_account,
            zkey,
            proof_path,
            public_path,
            rpc_url,
            deployments_dir,
        )

    return command


_action_command("update-document", "Point the DID at a new DID document (--cid), proving control.")
_action_command("attest", "Attest that the persona published content --cid, proving control.")
_action_command(
    "rotate",
    "Replace all of the DID's controllers by one new commitment (--new-controller or --commitment), proving control.",
)
_action_command("add-controller", "Add a co-controller commitment (--new-controller or --commitment), proving control.")
