"""podpy top: the processes running in a container."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("top", help="Display the running processes of a container")
@click.argument("container")
@click.argument("descriptors", nargs=-1)
def top(container: str, descriptors: tuple[str, ...]) -> int:
    from podpy.cli.render import TabWriter

    wanted = [d for item in descriptors for d in item.split(",") if d]
    headers, rows = cli_state().engine.containers.top(container, wanted)
    writer = TabWriter(sys.stdout)
    for line in [headers, *rows]:
        writer.write("\t".join(line) + "\n")
    writer.flush()
    return 0
