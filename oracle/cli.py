"""The `oracle` command group (wired into the `fame` CLI as `fame oracle`).

oracle run --operator-index N --key-file K --transmitter-key-file T [--password-file P]
oracle dev-keys --n 4          write the local stack's dev keystores, print the committee
oracle status --n 4            /health of every operator
oracle report-layout           the packed observation layout
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from fame.errors import FameError


class _OracleGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FameError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=_OracleGroup)
def oracle() -> None:
    """Engagement oracle: operator nodes and their tools."""


@oracle.command()
@click.option("--operator-index", type=click.IntRange(0, 30), required=True, help="Position in the committee.")
@click.option(
    "--key-file",
    required=True,
    help="Signing key: an eth-account keystore file, or ape:<alias> for an `ape accounts` account.",
)
@click.option(
    "--transmitter-key-file",
    default=None,
    help="Transmitter key (pays gas for `transmit`), same forms. Without it the node never transmits.",
)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File holding the keystore password (default: FAME_ORACLE_KEYSTORE_PASSWORD).",
)
@click.option("--host", default=None, help="Bind address (default: FAME_HOST).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (default: FAME_ORACLE_BASE_PORT + operator index).",
)
@click.option("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil).")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    hidden=True,
    help="Test-only fault injection: lie-x1000, crash-after-send, crash-as-leader.",
)
def run(
    operator_index: int,
    key_file: str,
    transmitter_key_file: str | None,
    password_file: Path | None,
    host: str | None,
    port: int | None,
    rpc_url: str | None,
    faults: tuple[str, ...],
) -> None:
    """Run one operator node (HTTP API, round driver, relayer) in the foreground."""
    import uvicorn

    from fame.config import oracle_settings
    from fame.config import settings as fame_settings

    from .keys import load_key, read_password
    from .launch import build_node
    from .node.app import create_app

    fame = fame_settings()
    cfg = oracle_settings()
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format=f"%(asctime)s operator-{operator_index} %(name)s %(levelname)s %(message)s",
    )
    secret = cfg.keystore_password.get_secret_value() if cfg.keystore_password else None
    password = read_password(password_file, secret, "FAME_ORACLE_KEYSTORE_PASSWORD")
    signer = load_key(key_file, password)
    transmitter = load_key(transmitter_key_file, password) if transmitter_key_file else None
    try:
        service = build_node(
            operator_index,
            signer,
            transmitter,
            cfg,
            rpc_url=rpc_url or fame.effective_rpc_url,
            deployments_dir=fame.deployments_dir,
            state_dir=cfg.state_dir,
            faults=faults,
        )
    except ValueError as exc:
        raise FameError(str(exc)) from None
    bind_host = host or fame.host
    bind_port = port or cfg.base_port + operator_index
    logging.getLogger("fame.oracle").info(
        "operator %d: signer %s, transmitter %s, adapter %s, listening on %s:%d",
        operator_index,
        signer.address,
        transmitter.address if transmitter else "none",
        service.adapter.name,
        bind_host,
        bind_port,
    )
    uvicorn.run(create_app(service), host=bind_host, port=bind_port, log_level="warning", access_log=False)


@oracle.command("dev-keys")
@click.option("--n", "n", type=click.IntRange(4, 31), default=4, show_default=True, help="Number of operators.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where keys go (default: FAME_STATE_DIR/oracle/keys).",
)
def dev_keys(n: int, state_dir: Path | None) -> None:
    """Write keystores of the local stack's dev operator keys (anvil mnemonic; public test keys)."""
    from fame.config import oracle_settings

    from .keys import dev_committee, write_dev_keystores

    folder = state_dir or oracle_settings().state_dir
    files = write_dev_keystores(folder, n)
    signers, transmitters = dev_committee(n)
    for f, s, t in zip(files, signers, transmitters, strict=False):
        click.echo(f"operator {f.index}: signer {s} ({f.signer.name}), transmitter {t} ({f.transmitter.name})")
    click.echo(f"keystores and password file in {files[0].signer.parent}")


@oracle.command()
@click.option("--n", "n", type=click.IntRange(1, 31), default=4, show_default=True, help="Number of operators.")
@click.option("--json", "as_json", is_flag=True, help="Print the raw /health answers.")
def status(n: int, as_json: bool) -> None:
    """/health of every operator (FAME_ORACLE_PEERS, or the local ports)."""
    import httpx

    from fame.config import oracle_settings

    answers = {}
    for i, url in enumerate(oracle_settings().peer_urls(n)):
        try:
            answers[i] = httpx.get(f"{url}/health", timeout=3).json()
        except Exception as exc:  # noqa: BLE001
            answers[i] = {"status": "down", "error": type(exc).__name__, "url": url}
    if as_json:
        click.echo(json.dumps(answers, indent=2))
        return
    for i, h in answers.items():
        chain = h.get("chain") or {}
        relayer = h.get("relayer") or {}
        click.echo(
            f"operator {i}: {h.get('status')}  epoch {h.get('epoch', '-')}  chain epoch "
            f"{chain.get('latest_epoch', '-')}  relayer confirmed {relayer.get('confirmed', '-')} "
            f"queued {relayer.get('queued', '-')}"
        )


@oracle.command("report-layout")
def report_layout() -> None:
    """Print the packed observation layout (one uint256 per persona)."""
    from . import report

    click.echo(report.__doc__)


def main() -> None:
    oracle()


if __name__ == "__main__":
    main()
