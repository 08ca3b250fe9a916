"""podpy network exists: exit 0 when the network is there, 1 when not."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("exists", help="Network exists")
@click.argument("name")
def exists(name: str) -> int:
    return 0 if cli_state().engine.networks.exists(name) else 1
