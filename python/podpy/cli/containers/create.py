"""podpy create: make a container without starting it."""

from __future__ import annotations

import click

from podpy.cli.containers.create_options import CONTEXT, create_options
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("create", context_settings=CONTEXT, help="Create but do not start a container")
@create_options
@click.argument("image")
@click.argument("command", nargs=-1)
def create(**params: Any) -> int:
    from podpy.cli.containers.create_body import create as body

    return body(cli_state(), **params)
