"""podpy volume rm: refused while containers use the volume (exit 2) unless -f, which removes them."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("rm", help="Remove one or more volumes")
@click.option("-f", "--force", is_flag=True, help="Remove a volume by force, even if it is being used by a container")
@click.option("-a", "--all", "all_volumes", is_flag=True, help="Remove all volumes")
@click.option("-t", "--time", "timeout", type=int, default=None, help="Seconds to wait for running containers to "
              "stop before killing the container")
@click.argument("names", nargs=-1)
def rm(force: bool, all_volumes: bool, timeout: int | None, names: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import error_line
    from podpy.errors import UsageError

    if not names and not all_volumes:
        raise UsageError("choose either one or more volumes or all")
    code = 0
    for report in cli_state().engine.volumes.remove(names, force=force, all_volumes=all_volumes):
        if report.error:
            error_line(report.error)
            code = report.exit_code or 125  # the last failure decides, as in Podman (in use: 2, missing: 1)
        else:
            sys.stdout.write(report.id + "\n")
    return code
