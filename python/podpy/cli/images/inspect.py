"""podpy image inspect."""

from __future__ import annotations

import click

from podpy.cli.inspecting import print_inspect
from podpy.cli.state import cli_state


@click.command("inspect", help="Display the configuration of an image")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, names: tuple[str, ...]) -> int:
    return print_inspect(cli_state().engine.images.inspect(names), fmt)
