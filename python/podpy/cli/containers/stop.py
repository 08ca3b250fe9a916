"""podpy stop: the stop signal, then SIGKILL after the timeout."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("stop", help="Stop one or more containers")
@click.option("-a", "--all", "stop_all", is_flag=True, help="Stop all running containers")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified container is missing")
@click.option("-t", "--time", "timeout", type=int, default=None,
              help="Seconds to wait for stop before killing the container")
@click.argument("names", nargs=-1)
def stop(**params: Any) -> int:
    from podpy.cli.containers.stop_body import stop as body

    return body(cli_state(), **params)
