"""The `live` command group (`fame live ...`, declared as a fame.commands entry point)."""

from __future__ import annotations

import click


@click.group(help="The live-event room server (docs/live.md).")
def live() -> None:
    pass
