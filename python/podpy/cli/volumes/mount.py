"""podpy volume mount: print the volume's data path (a volume with a type or device is mounted, counted)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("mount", help="Mount volume")
@click.argument("name")
def mount(name: str) -> int:
    import sys

    sys.stdout.write(cli_state().engine.volumes.mount(name) + "\n")
    return 0
