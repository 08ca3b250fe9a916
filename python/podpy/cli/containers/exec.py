"""podpy exec: run a process in a running container; its exit code is ours."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("exec", context_settings={"allow_interspersed_args": False},
               help="Run a process in a running container")
@click.option("-d", "--detach", is_flag=True, help="Run the exec session in detached mode (backgrounded)")
@click.option("-e", "--env", multiple=True, help="Set environment variables")
@click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached")
@click.option("-t", "--tty", is_flag=True, help="Allocate a pseudo-TTY")
@click.option("-u", "--user", default="", help="Sets the username or UID used and optionally the groupname or GID")
@click.option("-w", "--workdir", default="", help="Working directory inside the container")
@click.option("--privileged", is_flag=True, help="Give the process extended Linux capabilities")
@click.option("--detach-keys", default=None, metavar="KEYS",
              help="Select the key sequence for detaching a container. Format is a single character [a-Z] "
                   "or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _")
@click.argument("container")
@click.argument("command", nargs=-1, required=True)
def exec_(**params: Any) -> int:
    from podpy.cli.containers.exec_body import exec_ as body

    return body(cli_state(), **params)
