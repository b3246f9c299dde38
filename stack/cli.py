"""The `fame` command line (top floor).

It defines `fame up` and `fame deployment` itself; every other command group comes from the
`fame.commands` entry points (pyproject.toml), one per service or ground-floor library:
`fame oracle`, `fame worker`, `fame did`, `fame ipfs`, `fame zk`. A group's module is imported
only when that group is used (or listed by `fame --help`), so one broken or heavy service never
slows or breaks the others' commands.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import click

from fame.errors import FameError

#: The entry-point group a package declares its `fame` subcommands under.
COMMANDS_GROUP = "fame.commands"


class FameGroup(click.Group):
    """Prints a FameError as one line and exits with its code instead of a traceback, and mounts
    the command groups the installed packages declare."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._declared: dict[str, EntryPoint] = {}

    def declare(self, points: list[EntryPoint]) -> None:
        for point in points:
            if point.name in self.commands or point.name in self._declared:
                raise RuntimeError(f"two packages declare the `fame {point.name}` command ({point.value})")
            self._declared[point.name] = point

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._declared})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self._declared:
            command = self._declared[name].load()
            if not isinstance(command, click.Command):
                raise RuntimeError(f"entry point {self._declared[name].value} is not a click command")
            self.add_command(command, name)
        return self.commands.get(name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FameError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=FameGroup)
def main() -> None:
    """FameEngine: community-owned AI virtual influencers."""


@main.command()
def up() -> None:
    """Start the local stack (same as `make up`)."""
    from .up import main as stack_main

    stack_main()


@main.group()
def deployment() -> None:
    """Inspect the deployment manifest."""


@deployment.command("show")
@click.option("--rpc-url", default=None, help="Node to ask for the chain id (default: FAME_RPC_URL or local).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole manifest as JSON.")
def deployment_show(rpc_url: str | None, as_json: bool) -> None:
    """Addresses of the deployment on the connected chain."""
    from fame.chain import Chain

    c = Chain.from_settings(rpc_url)
    m = c.manifest
    if as_json:
        click.echo(json.dumps(m.to_json(), indent=2))
        return
    click.echo(
        f"chain {m.chain_id} ({m.network}), deployed by {m.deployer} from block {m.deploy_block}, commit {m.git_commit}"
    )
    for name, contract in m.contracts.items():
        click.echo(f"  {name:<20} {contract.address}")


main.declare(list(entry_points(group=COMMANDS_GROUP)))


if __name__ == "__main__":
    main()
