"""podpy mount / umount: a container's root filesystem on the host."""

from __future__ import annotations

import sys

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("mount", help="Mount a working container's root filesystem")
@click.option("--no-trunc", is_flag=True, help="Do not truncate output")
@click.argument("names", nargs=-1)
def mount(no_trunc: bool, names: tuple[str, ...]) -> int:
    pairs = cli_state().engine.containers.mount(names)
    for container_id, path in pairs:
        if names:
            sys.stdout.write(path + "\n")
        else:
            sys.stdout.write(f"{container_id if no_trunc else container_id[:12]} {path}\n")
    return 0


@click.command("unmount", help="Unmount working container's root filesystem")
@click.option("-a", "--all", "all_containers", is_flag=True, help="Unmount all of the currently mounted containers")
@click.option("-f", "--force", is_flag=True, help="Force the complete unmount of the specified mounted containers")
@click.argument("names", nargs=-1)
def unmount(all_containers: bool, force: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError

    if not names and not all_containers:
        raise UsageError("when using the --all switch, you may not pass any containers names or IDs")
    reports = cli_state().engine.containers.unmount(names, all_containers=all_containers, force=force)
    return print_item_reports(reports)
