"""`verify`: checks a content file's credentials from the command line. The `fame` CLI mounts
it as `fame content verify <cid or file>`, passing `make_verify_command(fetch=...)` a
function that reads a CID from IPFS; this module knows no IPFS, so without one it accepts
file paths only.

Exit status: 0 when no check fails (skipped ones are named in the output), 1 naming the
checks that failed, 2 for a usage problem (no such file, an unreadable trust root).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

Fetch = Callable[[str], bytes]


def make_verify_command(fetch: Fetch | None = None, name: str = "verify") -> click.Command:
    """The click command; fetch(cid) -> bytes reads content that is not a local file."""

    @click.command(name=name)
    @click.argument("source")
    @click.option(
        "--trust-root",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="PEM root CA to trust (a worker's root-ca.pem).",
    )
    @click.option("--anchor", default=None, help="On-chain anchor: 0x sha256 (bytes32) or the content CID.")
    @click.option("--worker", "expected_worker", default=None, help="Worker address that fulfilled the request.")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    def verify_cmd(
        source: str, trust_root: Path | None, anchor: str | None, expected_worker: str | None, as_json: bool
    ) -> None:
        """Verify SOURCE (a file, or a CID when IPFS is available): C2PA signature and chain, AI
        disclosure, worker, on-chain anchor, invisible watermark."""
        from .verify import report_json, report_text, verify

        data = _load(source, fetch)
        root = trust_root.read_bytes() if trust_root else None
        report = verify(data, anchor, root, expected_worker=expected_worker)
        click.echo(report_json(report) if as_json else report_text(report))
        if not report.ok:
            raise click.exceptions.Exit(1)

    return verify_cmd


def _load(source: str, fetch: Fetch | None) -> bytes:
    path = Path(source)
    if path.is_file():
        return path.read_bytes()
    if fetch is None:
        raise click.UsageError(f"{source} is not a file (this command reads CIDs only where IPFS is configured)")
    try:
        return fetch(source)
    except Exception as err:  # noqa: BLE001 - any fetch failure is reported the same way
        raise click.UsageError(f"cannot fetch {source}: {err}") from None


verify = make_verify_command()
