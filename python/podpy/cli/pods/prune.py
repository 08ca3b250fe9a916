"""podpy pod prune: remove every exited pod with its containers."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("prune", help="Remove all stopped pods and their containers")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
def prune(force: bool) -> int:
    import sys

    from podpy.cli.common import print_item_reports

    if not force:
        sys.stdout.write("WARNING! This will remove all stopped/exited pods..\nAre you sure you want to continue? "
                         "[y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    return print_item_reports(cli_state().engine.pods.prune())
