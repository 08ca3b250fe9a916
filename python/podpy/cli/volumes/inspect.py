"""podpy volume inspect: Podman 4's JSON objects, or one template line per volume."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Display detailed information on one or more volumes")
@click.option("-f", "--format", "fmt", default=None, help="Format volume output using Go template")
@click.option("-a", "--all", "all_volumes", is_flag=True, help="Inspect all volumes")
@click.argument("names", nargs=-1)
def inspect(fmt: str | None, all_volumes: bool, names: tuple[str, ...]) -> int:
    from podpy.cli.inspecting import print_inspect

    engine = cli_state().engine.volumes
    if all_volumes:
        names = tuple(v["Name"] for v in engine.list_volumes())
    return print_inspect(engine.inspect(names), fmt)
