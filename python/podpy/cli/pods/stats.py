"""podpy pod stats: the resource use of the running containers of the pods (container stats' table)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("stats", help="Display a live stream of resource usage statistics for the containers in one or "
               "more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Provide stats for all pods")
@click.option("--no-stream", is_flag=True, help="Disable streaming stats and only pull the first result")
@click.option("--no-reset", is_flag=True, help="Disable resetting the screen between intervals")
@click.option("--format", "fmt", default=None, help="Pretty-print container statistics to JSON or using a Go "
              "template")
@click.option("-i", "--interval", default=5, help="Time in seconds between stats reports")
@click.argument("names", nargs=-1)
@click.pass_context
def stats(ctx: click.Context, all_pods: bool, no_stream: bool, no_reset: bool, fmt: str | None, interval: int,
          names: tuple[str, ...]) -> int:
    from podpy.cli.containers.stats import stats as container_stats

    pods = cli_state().engine.pods
    if all_pods or not names:
        names = tuple(p.Id for p in pods.list_pods())
    ids = tuple(cid for name in names for cid in pods.member_names(name, running=True))
    if not ids:
        return 0
    result: int = ctx.invoke(container_stats, show_all=False, no_stream=no_stream, no_reset=no_reset,
                             no_trunc=False, fmt=fmt, interval=interval, latest=False, names=ids)
    return result
