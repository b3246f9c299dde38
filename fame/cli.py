"""The `fame` command line. Services add their own command groups here lazily, so this
shared package never imports a service at start-up."""

from __future__ import annotations

import json
import sys

import click

from .errors import FameError


class FameGroup(click.Group):
    """Prints a FameError as one line and exits 2 instead of a traceback."""

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
    from .stack import main as stack_main

    stack_main()


@main.group()
def deployment() -> None:
    """Inspect the deployment manifest."""


@deployment.command("show")
@click.option("--rpc-url", default=None, help="Node to ask for the chain id (default: FAME_RPC_URL or local).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole manifest as JSON.")
def deployment_show(rpc_url: str | None, as_json: bool) -> None:
    """Addresses of the deployment on the connected chain."""
    from .chain import Chain

    c = Chain.from_settings(rpc_url)
    m = c.manifest
    if as_json:
        click.echo(json.dumps(m.to_json(), indent=2))
        return
    click.echo(f"chain {m.chain_id} ({m.network}), deployed by {m.deployer} from block {m.deploy_block}, "
               f"commit {m.git_commit}")
    for name, contract in m.contracts.items():
        click.echo(f"  {name:<20} {contract.address}")



def _register_ground_floor_commands() -> None:
    """Command groups of the ground floor (the shared package and zk/), which the CLI may import."""
    from zk.cli import zk

    from .did.cli import did
    from .ipfs.cli import ipfs

    main.add_command(did)
    main.add_command(ipfs)
    main.add_command(zk)


class _LazyServiceGroup(click.Group):
    """A service's command group, imported only when its subcommand runs (the shared
    package never imports a service at start-up)."""

    def __init__(self, name: str, target: str, help_text: str):
        super().__init__(name=name, help=help_text)
        self._target = target

    def _load(self) -> click.Group:
        import importlib

        module, attr = self._target.split(":")
        return getattr(importlib.import_module(module), attr)

    def list_commands(self, ctx):
        return self._load().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._load().get_command(ctx, name)


_register_ground_floor_commands()
main.add_command(_LazyServiceGroup("oracle", "oracle.cli:oracle",
                                   "Engagement oracle operator node: run, dev-keys, status, report layout."))
main.add_command(_LazyServiceGroup("worker", "ai_worker.cli:worker",
                                   "AI worker: claims content requests, generates, pins to IPFS, fulfils on chain."))


if __name__ == "__main__":
    main()
