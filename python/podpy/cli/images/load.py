"""podpy load: load images from an archive or an OCI layout directory."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("load", help="Load image(s) from a tar archive")
@click.option("-i", "--input", "source", required=True, help="Read from specified archive file or directory")
@click.option("-q", "--quiet", is_flag=True, help="Suppress the output")
def load(source: str, quiet: bool) -> int:
    report = cli_state().engine.images.load(source)
    if not quiet:
        for name in report.names:
            click.echo(f"Loaded image: {name}")
    return 0
