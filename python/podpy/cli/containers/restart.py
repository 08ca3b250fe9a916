"""podpy restart: stop, then start again."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("restart", help="Restart one or more containers")
@click.option("-a", "--all", "restart_all", is_flag=True, help="Restart all non-running containers")
@click.option("-t", "--time", "timeout", type=int, default=None,
              help="Seconds to wait for stop before killing the container")
@click.option("--running", is_flag=True, help="Restart only running containers")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podpy is aware of")
@click.argument("names", nargs=-1)
def restart(restart_all: bool, timeout: int | None, running: bool, latest: bool, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import PsOptions, StopOptions
    from podpy.errors import UsageError

    engine = cli_state().engine
    if latest:
        names = (*names, *(r.ID for r in engine.containers.list_containers(PsOptions(all=True, latest=True))))
    if not names and not restart_all:
        raise UsageError("you must provide at least one container name or id")
    if running and not restart_all:
        raise UsageError("--running requires --all")
    reports = engine.containers.restart(names, StopOptions(all=restart_all, timeout=timeout, running=running))
    return print_item_reports(reports)
