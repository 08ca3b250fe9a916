"""podpy volume prune: remove the volumes no container uses."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("prune", help="Remove all unused volumes")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
@click.option("--filter", "filters", multiple=True, help="Provide filter values (e.g. 'label=<key>=<value>')")
def prune(force: bool, filters: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import parse_filters

    wanted = parse_filters(filters)
    engine = cli_state().engine.volumes
    if not force and set(wanted) <= {"label", "until"}:
        sys.stdout.write("WARNING! This will remove all volumes not used by at least one container. "
                         "The following volumes will be removed:\n")
        for vol in engine.list_volumes({**wanted, "dangling": ["true"]}):
            sys.stdout.write(vol["Name"] + "\n")
        sys.stdout.write("Are you sure you want to continue? [y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    for name in engine.prune(wanted):
        sys.stdout.write(name + "\n")
    return 0
