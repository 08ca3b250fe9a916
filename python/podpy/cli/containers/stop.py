"""podpy stop: the stop signal, then SIGKILL after the timeout."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("stop", help="Stop one or more containers")
@click.option("-a", "--all", "stop_all", is_flag=True, help="Stop all running containers")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified container is missing")
@click.option("-t", "--time", "timeout", type=int, default=None,
              help="Seconds to wait for stop before killing the container")
@click.argument("names", nargs=-1)
def stop(stop_all: bool, ignore: bool, timeout: int | None, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import StopOptions
    from podpy.errors import UsageError

    if not names and not stop_all:
        raise UsageError("you must provide at least one name or id")
    reports = cli_state().engine.containers.stop(names, StopOptions(all=stop_all, ignore=ignore, timeout=timeout))
    return print_item_reports(reports)
