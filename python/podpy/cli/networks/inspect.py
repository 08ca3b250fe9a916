"""podpy network inspect: Podman 4's JSON objects, or one template line per network."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Displays the network configuration for one or more networks")
@click.option("-f", "--format", "fmt", default=None, help="Pretty-print network to JSON or using a Go template")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, names: tuple[str, ...]) -> int:
    from podpy.cli.inspecting import print_inspect

    return print_inspect(cli_state().engine.networks.inspect(names), fmt)
