"""podpy pod kill: a signal to every running container of the pods."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("kill", help="Send the specified signal or SIGKILL to containers in pod")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Kill all containers in all pods")
@click.option("-s", "--signal", "sig", default="KILL", help="Signal to send to the containers in the pod")
@click.argument("names", nargs=-1)
def kill(all_pods: bool, sig: str, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all
    from podpy.define.signals import parse_signal

    names_or_all(names, all_pods)
    return print_item_reports(cli_state().engine.pods.kill(names, parse_signal(sig), all_pods=all_pods))
