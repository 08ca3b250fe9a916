"""podpy pod rm: the pods' containers (running ones with -f), infra containers, cgroups and records."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("rm", help="Remove one or more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Remove all running pods")
@click.option("-f", "--force", is_flag=True, help="Force removal of a running pod by first stopping all containers, "
              "then removing all containers in the pod")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified pod is missing")
@click.option("-t", "--time", "timeout", type=int, default=None, help="Seconds to wait for pod stop before "
              "killing the container")
@click.option("--pod-id-file", "id_files", multiple=True, help="Read the pod ID from the file")
@click.argument("names", nargs=-1)
def rm(all_pods: bool, force: bool, ignore: bool, timeout: int | None, id_files: tuple[str, ...],
       names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.cli.pods._verbs import names_or_all, with_id_files
    from podpy.engine.entities import PodRmOptions

    names = with_id_files(names, id_files)
    names_or_all(names, all_pods)
    opts = PodRmOptions(force=force, all=all_pods, ignore=ignore, timeout=timeout)
    return print_item_reports(cli_state().engine.pods.remove(names, opts))
