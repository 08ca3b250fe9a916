"""podpy secret inspect: Podman 4's JSON (metadata only: the data is never shown)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Inspect a secret")
@click.option("-f", "--format", "fmt", default=None, help="Format output using Go template")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, names: tuple[str, ...]) -> int:
    from podpy.cli.inspecting import print_inspect

    return print_inspect(cli_state().engine.secrets.inspect(names), fmt)
