"""podpy volume ls: Podman's table (DRIVER, VOLUME NAME), -q, --format, --filter."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_FORMAT = "table {{.Driver}}\t{{.Name}}"
HEADERS = {"Name": "VOLUME NAME"}


class VolumeRow:
    """What --format templates see: the fields of Podman's volume inspect."""

    def __init__(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            setattr(self, key, value)


@click.command("ls", help="List volumes")
@click.option("-q", "--quiet", is_flag=True, help="Print volume output in quiet mode")
@click.option("--noheading", "-n", is_flag=True, help="Do not print headers")
@click.option("--format", "fmt", default=None, help="Format volume output using Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter volume output")
def ls(quiet: bool, noheading: bool, fmt: str | None, filters: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import parse_filters
    from podpy.cli.render import is_json, render, render_json

    vols = cli_state().engine.volumes.list_volumes(parse_filters(filters))
    if fmt is not None and is_json(fmt):
        render_json(vols, out=sys.stdout, indent=2, escape_html=True)
        return 0
    if quiet and not fmt:
        for vol in vols:
            sys.stdout.write(vol["Name"] + "\n")
        return 0
    render([VolumeRow(v) for v in vols], fmt, default_format=DEFAULT_FORMAT, headers=HEADERS, out=sys.stdout,
           noheading=noheading)
    return 0
