"""podpy rm: remove containers, reporting each; Podman's exit codes 1 (no such) and 2 (running)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("rm", help="Remove one or more containers")
@click.option("-f", "--force", is_flag=True, help="Force removal of a running or unusable container")
@click.option("-a", "--all", "remove_all", is_flag=True, help="Remove all containers")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified container is missing")
@click.option("-t", "--time", "timeout", default=10, help="Seconds to wait for stop before killing the container")
@click.option("-v", "--volumes", is_flag=True, help="Remove anonymous volumes associated with the container")
@click.argument("names", nargs=-1)
def rm(**params: Any) -> int:
    from podpy.cli.containers.rm_body import rm as body

    return body(cli_state(), **params)
