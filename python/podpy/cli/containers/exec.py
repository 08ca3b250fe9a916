"""podpy exec: run a process in a running container; its exit code is ours."""

from __future__ import annotations

import click

from podpy.cli.common import parse_key_values
from podpy.cli.state import cli_state


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
def exec_(detach: bool, env: tuple[str, ...], interactive: bool, tty: bool, user: str, workdir: str,
          privileged: bool, detach_keys: str | None, container: str, command: tuple[str, ...]) -> int:
    import sys

    from podpy.engine.entities import ExecOptions

    if tty and interactive and not sys.stdin.isatty():
        from podpy.util import log

        log.warning("The input device is not a TTY. The --tty and --interactive flags might not work properly")
    opts = ExecOptions(command=list(command), env=parse_key_values(env, "environment variable"), user=user,
                       workdir=workdir, detach=detach, interactive=interactive, tty=tty, privileged=privileged,
                       detach_keys=detach_keys)
    return cli_state().engine.containers.exec(container, opts)
