"""podpy secret exists: exit 0 when the secret is there, 1 when not."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("exists", help="Check if a secret exists")
@click.argument("name")
def exists(name: str) -> int:
    return 0 if cli_state().engine.secrets.exists(name) else 1
