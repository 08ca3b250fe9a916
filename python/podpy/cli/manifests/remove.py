"""podpy manifest remove: drop one entry (by digest) from a list; the list's ID."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("remove", help="Remove an entry from a manifest list or image index")
@click.argument("name")
@click.argument("digest")
def remove(name: str, digest: str) -> int:
    click.echo(cli_state().engine.manifests.remove_instance(name, digest))
    return 0
