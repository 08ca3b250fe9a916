"""podpy network rm: refused while containers use the network unless -f (which removes them)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("rm", help="Remove networks")
@click.option("-f", "--force", is_flag=True, help="Remove any containers using network")
@click.option("-t", "--time", "timeout", type=int, default=None, help="Seconds to wait for running containers "
              "to stop before killing the container")
@click.argument("names", nargs=-1, required=True)
def rm(force: bool, timeout: int | None, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports

    return print_item_reports(cli_state().engine.networks.remove(names, force=force), shown=list(names))
