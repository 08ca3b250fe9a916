"""podpy kill: send a signal to containers' main processes."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("kill", help="Kill one or more running containers with a specific signal")
@click.option("-a", "--all", "kill_all", is_flag=True, help="Signal all running containers")
@click.option("-s", "--signal", "sig", default="KILL", help="Signal to send to the container")
@click.argument("names", nargs=-1)
def kill(kill_all: bool, sig: str, names: tuple[str, ...]) -> int:
    from podpy.define.signals import parse_signal
    from podpy.engine.entities import KillOptions
    from podpy.errors import UsageError

    if not names and not kill_all:
        raise UsageError("you must provide at least one name or id")
    reports = cli_state().engine.containers.kill(names, KillOptions(signal=parse_signal(sig), all=kill_all))
    return print_item_reports(reports)
