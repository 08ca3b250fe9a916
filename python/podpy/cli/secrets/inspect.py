"""podpy secret inspect: Podman 4's JSON, a template, or --pretty (metadata only: the data is never shown)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("inspect", help="Inspect a secret")
@click.option("-f", "--format", "fmt", default=None, help="Format output using Go template")
@click.option("--pretty", is_flag=True, help="Print inspect output in human-readable format")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, pretty: bool, names: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import error_line
    from podpy.cli.inspecting import print_inspect

    reports = cli_state().engine.secrets.inspect(names)
    if fmt is not None and fmt.strip().lower() != "json":
        return print_inspect(reports, fmt)
    if not pretty:
        from podpy.cli.render import render_json

        render_json([r.data for r in reports if r.data is not None], out=sys.stdout, escape_html=True)
    code = 0
    for report in reports:
        if report.data is not None and pretty:
            sys.stdout.write(_pretty(report.data))
        if report.error:
            error_line(report.error)
            code = 125
    return code


def _pretty(data: dict[str, Any]) -> str:
    spec = data["Spec"]
    lines = [f"{'ID:':<17}{data['ID']}", f"{'Name:':<19}{spec['Name']}"]
    if spec["Labels"]:
        lines.append("Labels:")
        lines += [f" - {k}={v}" if v else f" - {k}" for k, v in sorted(spec["Labels"].items())]
    lines += [f"{'Driver:':<19}{spec['Driver']['Name']}", f"{'Created at:':<19}{_go_time(data['CreatedAt'])}",
              f"{'Updated at:':<19}{_go_time(data['UpdatedAt'])}"]
    return "\n".join(lines) + "\n"


def _go_time(stamp: str) -> str:
    """RFC 3339 in UTC as Go's time.Time prints it (`2006-01-02 15:04:05.999999999 +0000 UTC`)."""
    main = stamp.rstrip("Z").replace("T", " ")
    if "." in main:
        main = main.rstrip("0").rstrip(".")
    return main + " +0000 UTC"
