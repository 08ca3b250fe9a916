"""podpy secret ls: Podman's table (ID, NAME, DRIVER, CREATED, UPDATED), -q, --format, --filter."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_FORMAT = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}"
HEADERS = {"CreatedAt": "CREATED", "UpdatedAt": "UPDATED"}


class SecretRow:
    """What --format templates see: Podman's secret list fields (never the data)."""

    def __init__(self, data: dict[str, Any]) -> None:
        from podpy.util.timefmt import time_ago

        self.ID = data["ID"]
        self.Name = data["Spec"]["Name"]
        self.Driver = data["Spec"]["Driver"]["Name"]
        self.Labels = data["Spec"]["Labels"]
        self.CreatedAt = time_ago(data["CreatedAt"])
        self.UpdatedAt = time_ago(data["UpdatedAt"])


@click.command("ls", help="List secrets")
@click.option("-q", "--quiet", is_flag=True, help="Print secret IDs only")
@click.option("--noheading", "-n", is_flag=True, help="Do not print headers")
@click.option("--format", "fmt", default=None, help="Format secret output using Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter secret output")
def ls(quiet: bool, noheading: bool, fmt: str | None, filters: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import parse_filters
    from podpy.cli.render import is_json, render, render_json

    found = cli_state().engine.secrets.list_secrets(parse_filters(filters))
    if fmt is not None and is_json(fmt):
        render_json(found, out=sys.stdout)
        return 0
    if quiet and not fmt:
        for item in found:
            sys.stdout.write(item["ID"] + "\n")
        return 0
    render([SecretRow(s) for s in found], fmt, default_format=DEFAULT_FORMAT, headers=HEADERS, out=sys.stdout,
           noheading=noheading)
    return 0
