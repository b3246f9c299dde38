"""Click commands of the avatar package, for the `fame` CLI to mount:

from ai_worker.avatar.cli import avatar, diversity
fame_audit_group.add_command(diversity)      # `fame audit diversity`
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .contact_sheet import main as contact_sheet_command


@click.command("diversity")
@click.option("--n", "n", type=click.IntRange(0, 2000), default=48, show_default=True, help="Random specs to audit.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder (default docs/img/diversity).",
)
@click.option(
    "--specs",
    "specs_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="JSON file of approved specs (one spec or a list); default: the repo's demo personas.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random specs.")
@click.option("--strict", is_flag=True, help="Exit with status 3 when an axis is flagged.")
def diversity(n: int, out: Path | None, specs_file: Path | None, seed: int, strict: bool) -> None:
    """Audit the spread of skin tone (measured from pixels), presentation and age of rendered personas."""
    from .diversity import DEFAULT_OUT, run_audit

    summary = run_audit(n, out or DEFAULT_OUT, specs_file, seed)
    click.echo(json.dumps({"n": summary["n"], "flags": summary["flags"], "files": summary.get("files", [])}))
    if strict and summary["flags"]:
        sys.exit(3)


@click.group("avatar")
def avatar() -> None:
    """The persona avatar rig: contact sheet and diversity audit."""


avatar.add_command(diversity)
avatar.add_command(contact_sheet_command)
