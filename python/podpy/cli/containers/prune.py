"""podpy container prune: remove every container that is not running."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("prune", help="Remove all non running containers")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
def prune(force: bool) -> int:
    if not force and sys.stdin.isatty():
        sys.stderr.write("WARNING! This will remove all non running containers.\n"
                         "Are you sure you want to continue? [y/N] ")
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    for container_id in cli_state().engine.containers.prune():
        sys.stdout.write(container_id + "\n")
    return 0
