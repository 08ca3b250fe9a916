"""podpy pod inspect: Podman's pod JSON, or a Go template per pod."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Displays a pod configuration")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest pod podman is aware of")
@click.argument("names", nargs=-1)
def inspect(fmt: str | None, latest: bool, names: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.gostruct import GoStruct
    from podpy.cli.render import is_json, render_json, render_template_lines
    from podpy.errors import UsageError

    engine = cli_state().engine.pods
    if latest:
        pods = engine.list_pods()
        names = (max(pods, key=lambda p: p.Created).Id,) if pods else ()
    if not names:
        raise UsageError("you must provide at least one name or id")
    reports = engine.inspect(names)
    if fmt is None or is_json(fmt):
        render_json(reports[0] if len(reports) == 1 else reports, out=sys.stdout, indent=5)  # Podman: 5 spaces
        return 0
    render_template_lines([GoStruct(r) for r in reports], fmt, out=sys.stdout)
    return 0
