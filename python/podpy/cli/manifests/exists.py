"""podpy manifest exists: 0 for a local list, 1 when no image has the name (an image that is no list: 125)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("exists", help="Check if a manifest list exists in local storage")
@click.argument("name")
def exists(name: str) -> int:
    return 0 if cli_state().engine.manifests.exists(name) else 1
