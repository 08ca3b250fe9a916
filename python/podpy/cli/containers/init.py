"""podpy init: create containers in the runtime without starting their process."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("init", help="Initialize one or more containers")
@click.option("-a", "--all", "init_all", is_flag=True, help="Initialize all containers")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podpy is aware of")
@click.argument("names", nargs=-1)
def init(init_all: bool, latest: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError

    if init_all and (names or latest):
        raise UsageError("no arguments are needed with --all")
    if latest and names:
        raise UsageError("--latest and containers cannot be used together")
    if not (names or init_all or latest):
        raise UsageError("you must provide at least one name or id")
    engine = cli_state().engine
    if latest:
        from podpy.engine.entities import PsOptions
        from podpy.errors import NoSuchContainer

        rows = engine.containers.list_containers(PsOptions(all=True, latest=True))
        if not rows:
            raise NoSuchContainer("no such container")
        names = (rows[0].ID,)
    reports = engine.containers.init(names, all_containers=init_all)
    return print_item_reports(reports, shown=None if init_all or latest else list(names))
