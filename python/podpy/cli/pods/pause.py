"""podpy pod pause / unpause: freeze or thaw every container of the pods."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


def _freeze(names: tuple[str, ...], all_pods: bool, unpause: bool) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all

    names_or_all(names, all_pods)
    return print_item_reports(cli_state().engine.pods.pause(names, all_pods=all_pods, unpause=unpause))


@click.command("pause", help="Pause one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Pause all running pods")
@click.argument("names", nargs=-1)
def pause(all_pods: bool, names: tuple[str, ...]) -> int:
    return _freeze(names, all_pods, False)


@click.command("unpause", help="Unpause one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Unpause all paused pods")
@click.argument("names", nargs=-1)
def unpause(all_pods: bool, names: tuple[str, ...]) -> int:
    return _freeze(names, all_pods, True)
