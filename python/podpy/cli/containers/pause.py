"""podpy pause / unpause: freeze and thaw all processes of containers."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


def _run(names: tuple[str, ...], all_containers: bool, *, unpause: bool) -> int:
    from podpy.errors import UsageError

    if not names and not all_containers:
        raise UsageError("you must provide at least one container name or id")
    reports = cli_state().engine.containers.pause(names, all_containers=all_containers, unpause=unpause)
    return print_item_reports(reports)


@click.command("pause", help="Pause all the processes in one or more containers")
@click.option("-a", "--all", "all_containers", is_flag=True, help="Pause all running containers")
@click.argument("names", nargs=-1)
def pause(all_containers: bool, names: tuple[str, ...]) -> int:
    return _run(names, all_containers, unpause=False)


@click.command("unpause", help="Unpause the processes in one or more containers")
@click.option("-a", "--all", "all_containers", is_flag=True, help="Unpause all paused containers")
@click.argument("names", nargs=-1)
def unpause(all_containers: bool, names: tuple[str, ...]) -> int:
    return _run(names, all_containers, unpause=True)
