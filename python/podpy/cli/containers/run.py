"""podpy run: create and start a container, attached unless -d."""

from __future__ import annotations

import click

from podpy.cli.containers.create_options import CONTEXT, create_options
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("run", context_settings=CONTEXT, help="Run a command in a new container")
@click.option("-d", "--detach", is_flag=True, help="Run container in background and print container ID")
@click.option("--detach-keys", default=None, metavar="KEYS",
              help="Override the key sequence for detaching a container. Format is a single character [a-Z] "
                   "or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, "
                   "`[`, `\\`, `]`, `^` or `_`")
@click.option("--sig-proxy", type=click.BOOL, default=True, show_default=True,
              help="Proxy received signals to the process")
@create_options
@click.argument("image")
@click.argument("command", nargs=-1)
def run(**params: Any) -> int:
    from podpy.cli.containers.run_body import run as body

    return body(cli_state(), **params)
