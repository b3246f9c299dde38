"""The `fame` command composes the groups that packages declare as `fame.commands` entry points.

Invariants: every group declared in pyproject.toml is mounted under its name and loaded only
when used; a new package's entry point is mounted without editing the CLI; two packages
claiming one name is an error, not a silent override; a FameError is one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import types
from importlib.metadata import EntryPoint

import click
import pytest
from click.testing import CliRunner

from fame.config import PROJECT_ROOT
from fame.errors import FameError
from stack.cli import COMMANDS_GROUP, FameGroup, main

DECLARED = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["entry-points"][COMMANDS_GROUP]


def test_pyproject_declares_each_service_and_library_group():
    assert set(DECLARED) == {"oracle", "worker", "content", "audit", "did", "ipfs", "zk", "social", "live"}


def test_help_lists_the_declared_groups_and_the_top_floor_commands():
    out = CliRunner().invoke(main, ["--help"])
    assert out.exit_code == 0, out.output
    listed = {line.split()[0] for line in out.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == {*DECLARED, "up", "deployment"}


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_each_declared_group_loads_and_has_help(name):
    out = CliRunner().invoke(main, [name, "--help"], prog_name="fame")
    assert out.exit_code == 0, out.output
    assert f"Usage: fame {name}" in out.output


def test_a_group_is_imported_only_when_used():
    code = (
        "import sys; from click.testing import CliRunner; from stack.cli import main; "
        "CliRunner().invoke(main, ['zk', '--help']); "
        "print(sorted(m for m in ('oracle.cli', 'ai_worker.cli', 'zk.cli') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "['zk.cli']"


def _module_with(group: click.Group) -> str:
    module = types.ModuleType("fame_test_plugin")
    module.group = group  # type: ignore[attr-defined]
    sys.modules["fame_test_plugin"] = module
    return "fame_test_plugin:group"


def _fresh_cli() -> FameGroup:
    @click.group(cls=FameGroup)
    def cli() -> None:
        """test CLI"""

    return cli  # type: ignore[return-value]


def test_a_new_entry_point_is_mounted_without_editing_the_cli():
    @click.group()
    def social() -> None:
        """The social service."""

    @social.command()
    def hello() -> None:
        click.echo("hello from a new service")

    cli = _fresh_cli()
    cli.declare([EntryPoint("social", _module_with(social), COMMANDS_GROUP)])
    out = CliRunner().invoke(cli, ["social", "hello"])
    assert out.exit_code == 0 and out.output == "hello from a new service\n"


def test_two_packages_declaring_one_name_is_refused():
    cli = _fresh_cli()
    point = EntryPoint("social", "a:b", COMMANDS_GROUP)
    with pytest.raises(RuntimeError, match="two packages declare the `fame social` command"):
        cli.declare([point, EntryPoint("social", "c:d", COMMANDS_GROUP)])


def test_an_entry_point_that_is_not_a_command_is_refused():
    cli = _fresh_cli()
    sys.modules["fame_test_plugin_bad"] = types.ModuleType("fame_test_plugin_bad")
    sys.modules["fame_test_plugin_bad"].thing = 42  # type: ignore[attr-defined]
    cli.declare([EntryPoint("bad", "fame_test_plugin_bad:thing", COMMANDS_GROUP)])
    with pytest.raises(RuntimeError, match="is not a click command"):
        cli.get_command(click.Context(cli), "bad")


def test_a_fame_error_is_one_line_and_its_exit_code():
    @click.group()
    def broken() -> None:
        """Fails."""

    @broken.command()
    def go() -> None:
        raise FameError("the node at http://127.0.0.1:1 is not reachable")

    cli = _fresh_cli()
    cli.declare([EntryPoint("broken", _module_with(broken), COMMANDS_GROUP)])
    out = CliRunner().invoke(cli, ["broken", "go"])
    assert out.exit_code == 2
    assert out.output == "error: the node at http://127.0.0.1:1 is not reachable\n"
