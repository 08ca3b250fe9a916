"""podpy run: create and start a container, attached unless -d."""

from __future__ import annotations

from typing import Any

import click

from podpy.cli.containers.create_options import CONTEXT, create_options, run_options
from podpy.cli.state import cli_state


@click.command("run", context_settings=CONTEXT, help="Run a command in a new container")
@click.option("-d", "--detach", is_flag=True, help="Run container in background and print container ID")
@create_options
@click.argument("image")
@click.argument("command", nargs=-1)
def run(image: str, command: tuple[str, ...], detach: bool, **flags: Any) -> int:
    report = cli_state().engine.containers.run(run_options(image, command, detach=detach, **flags))
    if report.exit_code is None:
        click.echo(report.id)
        return 0
    return report.exit_code
