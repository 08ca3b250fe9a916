"""podpy container cleanup: run by the monitor when a container exits (its exit command)."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("cleanup", help="Clean up network and mountpoints of one or more containers")
@click.option("--rm", "remove", is_flag=True, help="After cleanup, remove the container entirely")
@click.argument("names", nargs=-1, required=True)
def cleanup(remove: bool, names: tuple[str, ...]) -> int:
    reports = cli_state().engine.containers.cleanup(names, remove=remove)
    return print_item_reports(reports, shown=list(names))
