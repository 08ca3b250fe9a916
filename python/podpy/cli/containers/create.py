"""podpy create: make a container without starting it."""

from __future__ import annotations

from typing import Any

import click

from podpy.cli.containers.create_options import CONTEXT, create_options, run_options
from podpy.cli.state import cli_state


@click.command("create", context_settings=CONTEXT, help="Create but do not start a container")
@create_options
@click.argument("image")
@click.argument("command", nargs=-1)
def create(image: str, command: tuple[str, ...], **flags: Any) -> int:
    click.echo(cli_state().engine.containers.create(run_options(image, command, detach=True, **flags)))
    return 0
