"""podpy load: load images from an archive or an OCI layout directory."""

from __future__ import annotations

import os

import click

from podpy.cli.state import cli_state
from podpy.errors import UsageError

STDIN = "/dev/stdin"


@click.command("load", help="Load image(s) from a tar archive")
@click.option("-i", "--input", "source", default=None, help="Read from specified archive file (default: stdin)")
@click.option("-q", "--quiet", is_flag=True, help="Suppress the output")
def load(source: str | None, quiet: bool) -> int:
    del quiet  # Podman's -q silences copy progress, which podpy never prints; "Loaded image" lines stay
    if source is None:
        # Podman reads the archive from stdin when it is redirected; a terminal is refused.
        if _stdin_is_terminal():
            raise UsageError("cannot read from terminal, use command-line redirection or the --input flag")
        source = STDIN
    report = cli_state().engine.images.load(source)
    for name in report.names:
        click.echo(f"Loaded image: {name}")
    return 0


def _stdin_is_terminal() -> bool:
    try:
        return os.isatty(0)
    except OSError:
        return False
