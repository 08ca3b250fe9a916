"""podpy start: start created or exited containers; -a attaches to one."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("start", help="Start one or more containers")
@click.option("-a", "--attach", is_flag=True, help="Attach container's STDOUT and STDERR")
@click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached")
@click.option("--detach-keys", default=None, metavar="KEYS",
              help="Select the key sequence for detaching a container. Format is a single character [a-Z] "
                   "or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _")
@click.option("--sig-proxy", type=click.BOOL, default=None,
              help="Proxy received signals to the process (default true if attaching, false otherwise)")
@click.argument("names", nargs=-1, required=True)
def start(**params: Any) -> int:
    from podpy.cli.containers.start_body import start as body

    return body(cli_state(), **params)
