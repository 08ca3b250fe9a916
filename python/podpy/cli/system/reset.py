"""podpy system reset: remove every container, pod, image, volume, secret and network of the store."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

_WARNING = """WARNING! This will remove:
        - all containers
        - all pods
        - all images
        - all networks
        - all build cache
        - all machines
        - all volumes
Are you sure you want to continue? [y/N] """


@click.command("reset", help="Reset podman storage")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
def reset(force: bool) -> int:
    if not force:
        sys.stdout.write(_WARNING)
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            return 0
    errors = cli_state().engine.system.reset()
    for error in errors:
        sys.stderr.write(f"Error: {error}\n")
    return 125 if errors else 0
