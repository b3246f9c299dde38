"""`fame ipfs ...`: add, cat, pin, gc, export and the gateway, from the command line.

The `fame` command (stack/cli.py) mounts `ipfs` from its entry point; `python -m fame.ipfs` runs it alone.
add/cat/pin go through the configured backend (FAME_IPFS_BACKEND), so the same command
works against the embedded store, a Kubo node or a pinning service; gc, export and the
gateway work on the embedded store.
"""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from ..errors import FameError

if TYPE_CHECKING:
    from .backends import Backend
    from .settings import IpfsSettings


class _Group(click.Group):
    """Prints a FameError as one line and exits 2 (as the `fame` CLI does)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FameError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


def _settings(store_dir: Path | None) -> IpfsSettings:
    from .settings import ipfs_settings

    s = ipfs_settings()
    if store_dir is not None:
        s = s.model_copy(update={"ipfs_dir": store_dir})
    return s


def get_backend_for(store_dir: Path | None) -> Backend:
    from .backends import get_backend

    return get_backend(_settings(store_dir))


dir_option = click.option(
    "--dir",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Embedded store folder (default: FAME_IPFS_DIR or <FAME_STATE_DIR>/ipfs).",
)


@click.group(cls=_Group)
def ipfs() -> None:
    """Content on IPFS: add, cat, pin, gc and the HTTP gateway."""


@ipfs.command()
@click.argument("file", type=click.File("rb"))
@click.option(
    "--cid-version",
    type=click.IntRange(0, 1),
    default=0,
    show_default=True,
    help="0: Qm... (Kubo's default); 1: bafy.../bafk...",
)
@click.option("--raw-leaves/--no-raw-leaves", default=None, help="Raw leaf blocks (default: on with --cid-version 1).")
@click.option("--pin/--no-pin", default=True, show_default=True)
@click.option("--name", default=None, help="Pin name (default: the file name).")
@click.option("-n", "--only-hash", is_flag=True, help="Print the CID, store nothing.")
@dir_option
def add(
    file: BinaryIO,
    cid_version: int,
    raw_leaves: bool | None,
    pin: bool,
    name: str | None,
    only_hash: bool,
    store_dir: Path | None,
) -> None:
    """Add FILE ('-' for stdin) and print its CID, the same CID `ipfs add` prints."""
    from .store import _chunks
    from .unixfs import compute_cid

    if only_hash:
        click.echo(str(compute_cid(_chunks(file), cid_version, raw_leaves)))
        return
    label = name or (Path(file.name).name if file.name not in ("<stdin>", "-") else None)
    with closing(get_backend_for(store_dir)) as backend:
        cid = backend.add(file, cid_version=cid_version, raw_leaves=raw_leaves, pin=pin, name=label)
    click.echo(str(cid))


@ipfs.command()
@click.argument("cid")
@click.option("-o", "--output", type=click.File("wb"), default="-", help="Write here instead of stdout.")
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--length", type=click.IntRange(0), default=None)
@dir_option
def cat(cid: str, output: BinaryIO, offset: int, length: int | None, store_dir: Path | None) -> None:
    """Write the file a CID names."""
    with closing(get_backend_for(store_dir)) as backend:
        for piece in backend.cat(cid, offset, length):
            output.write(piece)
    output.flush()


@ipfs.group(cls=_Group)
def pin() -> None:
    """Pins: content that gc keeps."""


@pin.command("add")
@click.argument("cid")
@click.option("--name", default=None)
@dir_option
def pin_add(cid: str, name: str | None, store_dir: Path | None) -> None:
    """Pin CID recursively (every block must be present)."""
    with closing(get_backend_for(store_dir)) as backend:
        backend.pin(cid, name)
    click.echo(f"pinned {cid}")


@pin.command("rm")
@click.argument("cid")
@dir_option
def pin_rm(cid: str, store_dir: Path | None) -> None:
    """Unpin CID; its blocks go at the next gc."""
    with closing(get_backend_for(store_dir)) as backend:
        backend.unpin(cid)
    click.echo(f"unpinned {cid}")


@pin.command("ls")
@dir_option
def pin_ls(store_dir: Path | None) -> None:
    """List the embedded store's pins."""
    from .backends import open_store

    for p in open_store(_settings(store_dir)).pins():
        click.echo(f"{p.cid} recursive {p.name or ''}".rstrip())


@ipfs.command()
@dir_option
def gc(store_dir: Path | None) -> None:
    """Delete the embedded store's unpinned blocks."""
    from .backends import open_store

    result = open_store(_settings(store_dir)).gc()
    click.echo(f"removed {len(result.removed)} blocks ({result.freed_bytes} bytes), kept {result.kept}")


@ipfs.command()
@click.argument("cid")
@click.option("-o", "--output", type=click.File("wb"), required=True, help="CAR file to write.")
@dir_option
def export(cid: str, output: BinaryIO, store_dir: Path | None) -> None:
    """Write the DAG under CID as a CAR v1 file."""
    from .backends import open_store
    from .car import write_car
    from .cid import CID

    store = open_store(_settings(store_dir))
    c = CID.parse(cid)
    n = write_car(output, [c], store.walk(c))
    click.echo(f"wrote {n} bytes", err=True)


@ipfs.command()
@click.option("--host", default=None, help="Address of the public gateway (default: FAME_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: FAME_GATEWAY_PORT).")
@click.option(
    "--rpc-host",
    default=None,
    help="Address of the RPC API, the write side (default: FAME_IPFS_RPC_HOST, 127.0.0.1; any other "
    "address needs FAME_IPFS_API_TOKEN).",
)
@click.option(
    "--rpc-port", type=click.IntRange(1, 65535), default=None, help="Port of the RPC API (default: FAME_IPFS_RPC_PORT)."
)
@click.option(
    "--max-upload-bytes",
    type=click.IntRange(0),
    default=None,
    help="Largest /api/v0/add upload, 0 for none (default: FAME_IPFS_MAX_UPLOAD_BYTES).",
)
@click.option(
    "--did-resolver/--no-did-resolver",
    default=True,
    show_default=True,
    help="Also serve did:fame resolution at /1.0/identifiers/{did} (reads the chain at FAME_RPC_URL or "
    "the local anvil, through the deployment manifest, when asked).",
)
@dir_option
def gateway(
    host: str | None,
    port: int | None,
    rpc_host: str | None,
    rpc_port: int | None,
    max_upload_bytes: int | None,
    did_resolver: bool,
    store_dir: Path | None,
) -> None:
    """Serve the embedded store over HTTP: the public gateway (/ipfs/{cid}, DID resolution) and,
    beside it in the same process, the RPC API (the /api/v0 subset) on loopback."""
    from ..config import settings as fame_settings
    from ..procs import port_in_use
    from .backends import open_store
    from .gateway import check_rpc_exposure, serve
    from .settings import secret

    s = _settings(store_dir)
    host = host or fame_settings().host
    port = port or s.gateway_port
    rpc_host = rpc_host or s.ipfs_rpc_host
    rpc_port = rpc_port or s.ipfs_rpc_port
    token = secret(s.ipfs_api_token)
    check_rpc_exposure(rpc_host, token)
    for h, p, variable in ((host, port, "FAME_GATEWAY_PORT"), (rpc_host, rpc_port, "FAME_IPFS_RPC_PORT")):
        if port_in_use(h, p):
            raise FameError(f"port {p} on {h} is taken; stop what uses it or set {variable}")
    store = open_store(s)
    limit: int | None = s.ipfs_max_upload_bytes if max_upload_bytes is None else max_upload_bytes
    limit = limit or None  # 0: no limit
    resolver = None
    if did_resolver:
        from ..did.resolver import LiveResolver

        resolver = LiveResolver(gateway_url=f"http://{host}:{port}")
    click.echo(
        f"IPFS gateway on http://{host}:{port} serving {store.path}"
        + (f"; DID resolver at http://{host}:{port}/1.0/identifiers/<did>" if resolver else "")
        + f"; RPC API on http://{rpc_host}:{rpc_port}/api/v0"
        + ("" if token else " (no token: loopback only)"),
        err=True,
    )
    serve(
        store,
        host,
        port,
        rpc_host,
        rpc_port,
        max_upload_bytes=limit,
        api_token=token,
        log_level="warning",
        did_resolver=resolver,
    )


main = ipfs

if __name__ == "__main__":
    ipfs()
