"""podpy rm: remove containers, reporting each; Podman's exit codes 1 (no such) and 2 (running)."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("rm", help="Remove one or more containers")
@click.option("-f", "--force", is_flag=True, help="Force removal of a running or unusable container")
@click.option("-a", "--all", "remove_all", is_flag=True, help="Remove all containers")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors when a specified container is missing")
@click.option("-t", "--time", "timeout", default=10, help="Seconds to wait for stop before killing the container")
@click.option("-v", "--volumes", is_flag=True, help="Remove anonymous volumes associated with the container")
@click.argument("names", nargs=-1)
def rm(force: bool, remove_all: bool, ignore: bool, timeout: int, volumes: bool, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import RmOptions
    from podpy.errors import UsageError

    if not names and not remove_all:
        raise UsageError("must specify at least one container name or ID")
    reports = cli_state().engine.containers.remove(
        names, RmOptions(force=force, all=remove_all, ignore=ignore, timeout=timeout))
    code = print_item_reports(reports, shown=None if remove_all else list(names))
    reasons = {r.reason for r in reports if r.error}
    if not code or reasons - {"no_such_container", "invalid_state"}:
        return code
    return 2 if "invalid_state" in reasons else 1
