"""podpy network prune: remove the networks no container uses (the default one stays)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("prune", help="Prune unused networks")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
@click.option("--filter", "filters", multiple=True, help="Provide filter values (e.g. 'label=<key>=<value>')")
def prune(force: bool, filters: tuple[str, ...]) -> int:
    import sys

    if filters:
        from podpy.errors import UsageError

        raise UsageError("network prune --filter is not supported yet")
    if not force:
        sys.stdout.write("WARNING! This will remove all networks not used by at least one container.\n"
                         "Are you sure you want to continue? [y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    for name in cli_state().engine.networks.prune():
        sys.stdout.write(name + "\n")
    return 0
