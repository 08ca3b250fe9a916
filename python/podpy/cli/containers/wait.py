"""podpy wait: block until containers reach a condition (exited by default) and print their exit codes."""

from __future__ import annotations

import click

from podpy.cli.common import error_line
from podpy.cli.state import cli_state


@click.command("wait", help="Block on one or more containers")
@click.option("--condition", "conditions", multiple=True,
              help="Condition to wait on (configured, created, exited, paused, running, stopped, ...)")
@click.option("-i", "--interval", default="", help="Time Interval to wait before polling for completion")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podpy is aware of")
@click.option("--ignore", is_flag=True, help="Ignore if a container does not exist")
@click.argument("names", nargs=-1)
def wait(conditions: tuple[str, ...], interval: str, latest: bool, ignore: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError
    from podpy.util.timefmt import parse_go_duration

    engine = cli_state().engine
    if latest:
        from podpy.engine.entities import PsOptions

        rows = engine.containers.list_containers(PsOptions(all=True, latest=True))
        names = (*names, *(r.ID for r in rows))
    if not names:
        raise UsageError("wait requires at least one argument")
    seconds = 0.0
    if interval:
        try:
            seconds = parse_go_duration(interval)
        except ValueError:
            raise UsageError(f"time: invalid duration {interval!r}") from None
    code = 0
    for report in engine.containers.wait(names, conditions, seconds):
        if report.error:
            if ignore and report.missing:
                click.echo(-1)
                continue
            error_line(report.error)
            code = 125
        else:
            click.echo(report.exit_code)
    return code
