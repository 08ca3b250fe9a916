"""podpy export: a container's filesystem as a tar archive, to a file (-o) or stdout."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("export", help="Export container's filesystem contents as a tar archive")
@click.option("-o", "--output", default="", help="Write to a specified file (default: stdout)")
@click.argument("container")
def export(output: str, container: str) -> int:
    from podpy.errors import UsageError

    engine = cli_state().engine
    if output:
        with open(output, "wb") as f:
            engine.containers.export(container, f)
        return 0
    if sys.stdout.isatty():
        raise UsageError("refusing to export to terminal. Use -o flag or redirect")
    engine.containers.export(container, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0
