"""podpy tag / untag: add or remove names of a local image."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("tag", help="Add an additional name to a local image")
@click.argument("image")
@click.argument("targets", nargs=-1, required=True)
def tag(image: str, targets: tuple[str, ...]) -> int:
    cli_state().engine.images.tag(image, targets)
    return 0


@click.command("untag", help="Remove a name from a local image")
@click.argument("image")
@click.argument("names", nargs=-1)
def untag(image: str, names: tuple[str, ...]) -> int:
    cli_state().engine.images.untag(image, names)
    return 0
