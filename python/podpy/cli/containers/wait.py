"""podpy wait: block until containers exit and print their exit codes."""

from __future__ import annotations

import click

from podpy.cli.common import error_line
from podpy.cli.state import cli_state


@click.command("wait", help="Block on one or more containers")
@click.argument("names", nargs=-1, required=True)
def wait(names: tuple[str, ...]) -> int:
    code = 0
    for report in cli_state().engine.containers.wait(names):
        if report.error:
            error_line(report.error)
            code = 125
        else:
            click.echo(report.exit_code)
    return code
