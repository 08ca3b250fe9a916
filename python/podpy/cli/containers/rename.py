"""podpy rename."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("rename", help="Rename an existing container")
@click.argument("name")
@click.argument("new_name")
def rename(name: str, new_name: str) -> int:
    cli_state().engine.containers.rename(name, new_name)
    return 0
