"""podpy volume unmount: undo one `volume mount` (the last one unmounts a tmpfs or device volume)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("unmount", help="Unmount volume")
@click.argument("name")
def unmount(name: str) -> int:
    import sys

    cli_state().engine.volumes.unmount(name)
    sys.stdout.write(name + "\n")
    return 0
