"""podpy pod restart: stop, then start, each pod."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("restart", help="Restart one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Restart all running pods")
@click.argument("names", nargs=-1)
def restart(all_pods: bool, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all

    names_or_all(names, all_pods)
    return print_item_reports(cli_state().engine.pods.restart(names, all_pods=all_pods))
