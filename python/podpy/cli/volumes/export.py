"""podpy volume export: a volume's data as a tar archive, to a file (-o) or stdout."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("export", help="Export volumes")
@click.option("-o", "--output", default="", help="Write to a specified file (default: stdout, which must be "
              "redirected)")
@click.argument("volume")
def export(output: str, volume: str) -> int:
    import sys

    from podpy.errors import NoSuchVolume, UsageError

    engine = cli_state().engine
    if not engine.volumes.exists(volume):
        raise NoSuchVolume(f"no such volume {volume}")
    if output:
        with open(output, "wb") as f:
            engine.volumes.export(volume, f)
        return 0
    if sys.stdout.isatty():
        raise UsageError("cannot write to terminal, use command-line redirection or the --output flag")
    engine.volumes.export(volume, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0
