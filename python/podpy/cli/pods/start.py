"""podpy pod start: the infra container first, then the pod's other containers."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("start", help="Start one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Start all pods")
@click.option("--pod-id-file", "id_files", multiple=True, help="Read the pod ID from the file")
@click.argument("names", nargs=-1)
def start(all_pods: bool, id_files: tuple[str, ...], names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all, with_id_files

    names = with_id_files(names, id_files)
    names_or_all(names, all_pods)
    return print_item_reports(cli_state().engine.pods.start(names, all_pods=all_pods))
