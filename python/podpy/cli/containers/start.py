"""podpy start: start created or exited containers; -a attaches to one."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("start", help="Start one or more containers")
@click.option("-a", "--attach", is_flag=True, help="Attach container's STDOUT and STDERR")
@click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached")
@click.argument("names", nargs=-1, required=True)
def start(attach: bool, interactive: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError

    if attach and len(names) > 1:
        raise UsageError("you cannot start and attach multiple containers at once")
    reports = cli_state().engine.containers.start(names, attach=attach)
    if attach:
        if reports[0].error:
            return print_item_reports(reports)
        return reports[0].exit_code
    return print_item_reports(reports, shown=list(names))
