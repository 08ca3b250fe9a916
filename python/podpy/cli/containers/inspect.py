"""podpy container inspect."""

from __future__ import annotations

import click

from podpy.cli.inspecting import print_inspect
from podpy.cli.state import cli_state


@click.command("inspect", help="Display the configuration of a container")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.option("-s", "--size", is_flag=True, help="Display total file size")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, size: bool, names: tuple[str, ...]) -> int:
    return print_inspect(cli_state().engine.containers.inspect(names), fmt)
