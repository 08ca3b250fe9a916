"""podpy container inspect."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("inspect", help="Display the configuration of a container")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.option("-s", "--size", is_flag=True, help="Display total file size")
@click.argument("names", nargs=-1, required=True)
def inspect(**params: Any) -> int:
    from podpy.cli.containers.inspect_body import inspect as body

    return body(cli_state(), **params)
