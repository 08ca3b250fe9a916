"""podpy restart: stop, then start again."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("restart", help="Restart one or more containers")
@click.option("-a", "--all", "restart_all", is_flag=True, help="Restart all non-running containers")
@click.option("-t", "--time", "timeout", type=int, default=None,
              help="Seconds to wait for stop before killing the container")
@click.argument("names", nargs=-1)
def restart(restart_all: bool, timeout: int | None, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import StopOptions
    from podpy.errors import UsageError

    if not names and not restart_all:
        raise UsageError("you must provide at least one container name or id")
    reports = cli_state().engine.containers.restart(names, StopOptions(all=restart_all, timeout=timeout))
    return print_item_reports(reports)
