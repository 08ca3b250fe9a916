"""podpy inspect: containers first, then images, as Podman's generic inspect does."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("inspect", help="Display the configuration of object denoted by ID")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.option("-t", "--type", "kind", type=click.Choice(["all", "container", "image"]), default="all",
              help="Specify inspect-object type")
@click.option("-s", "--size", is_flag=True, help="Display total file size")
@click.argument("names", nargs=-1, required=True)
def inspect(**params: Any) -> int:
    from podpy.cli.system.inspect_body import inspect as body

    return body(cli_state(), **params)
