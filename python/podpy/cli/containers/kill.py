"""podpy kill: send a signal to containers' main processes."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("kill", help="Kill one or more running containers with a specific signal")
@click.option("-a", "--all", "kill_all", is_flag=True, help="Signal all running containers")
@click.option("-s", "--signal", "sig", default="KILL", help="Signal to send to the container")
@click.argument("names", nargs=-1)
def kill(**params: Any) -> int:
    from podpy.cli.containers.kill_body import kill as body

    return body(cli_state(), **params)
