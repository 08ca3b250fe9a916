"""podpy pod stop: the pod's containers, then its infra container."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("stop", help="Stop one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Stop all running pods")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified pod is missing")
@click.option("-t", "--time", "timeout", type=int, default=None, help="Seconds to wait for pod stop before "
              "killing the container")
@click.option("--pod-id-file", "id_files", multiple=True, help="Read the pod ID from the file")
@click.argument("names", nargs=-1)
def stop(all_pods: bool, ignore: bool, timeout: int | None, id_files: tuple[str, ...], names: tuple[str, ...]
         ) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all, with_id_files

    names = with_id_files(names, id_files)
    names_or_all(names, all_pods)
    reports = cli_state().engine.pods.stop(names, all_pods=all_pods, timeout=timeout)
    if ignore:
        reports = [r for r in reports if r.reason != "no_such_pod"]
    return print_item_reports(reports)
