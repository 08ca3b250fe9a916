"""podpy volume inspect: Podman 4's JSON objects, or one template line per volume."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Display detailed information on one or more volumes")
@click.option("-f", "--format", "fmt", default=None, help="Format volume output using Go template")
@click.option("-a", "--all", "all_volumes", is_flag=True, help="Inspect all volumes")
@click.argument("names", nargs=-1)
def inspect(fmt: str | None, all_volumes: bool, names: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import error_line
    from podpy.cli.inspecting import print_inspect
    from podpy.cli.render import render_json

    engine = cli_state().engine.volumes
    if all_volumes:
        names = tuple(v["Name"] for v in engine.list_volumes())
    reports = engine.inspect(names)
    if fmt is not None and fmt.strip().lower() != "json":
        return print_inspect(reports, fmt)
    render_json([r.data for r in reports if r.data is not None], out=sys.stdout, indent=5)  # Podman's 5 spaces
    for report in reports:
        if report.error:
            error_line(report.error)
    return 125 if any(r.error for r in reports) else 0
