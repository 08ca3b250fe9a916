"""podpy pod exists: exit 0 if the pod is known, 1 if not."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("exists", help="Check if a pod exists in local storage")
@click.argument("name")
def exists(name: str) -> int:
    return 0 if cli_state().engine.pods.exists(name) else 1
