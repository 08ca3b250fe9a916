"""podpy history: the layers an image was built from."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_FORMAT = "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
HEADERS = {"ID": "ID", "Created": "CREATED", "CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"}


class HistoryRow:
    """What templates see: Podman's historyReporter (human times and sizes, truncation)."""

    def __init__(self, data: Any, no_trunc: bool, human: bool) -> None:
        self._data = data
        self._no_trunc = no_trunc
        self._human = human

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)

    @property
    def ID(self) -> str:  # noqa: N802 - template field names are Podman's
        value = str(self._data.ID)
        return value if self._no_trunc or value == "<missing>" else value[:12]

    @property
    def Created(self) -> str:  # noqa: N802
        from podpy.util.timefmt import time_ago

        created = str(self._data.Created)
        return time_ago(created) if self._human and created else created

    @property
    def CreatedBy(self) -> str:  # noqa: N802
        text = str(self._data.CreatedBy)
        if not self._no_trunc and len(text) > 45:
            return text[:42] + "..."
        return text

    @property
    def Size(self) -> str:  # noqa: N802
        from podpy.util.units import human_size

        return human_size(self._data.Size) if self._human else str(self._data.Size)


@click.command("history", help="Show history of a specified image")
@click.option("-H", "--human", default=True, type=bool, help="Display sizes and dates in human readable format")
@click.option("--no-trunc", is_flag=True, help="Do not truncate the output")
@click.option("-q", "--quiet", is_flag=True, help="Display the numeric IDs only")
@click.option("--format", "fmt", default=None, help="Change the output to JSON or a Go template")
@click.argument("image")
def history(human: bool, no_trunc: bool, quiet: bool, fmt: str | None, image: str) -> int:
    from podpy.cli.render import is_json, render

    entries = cli_state().engine.images.history(image)
    if quiet:
        for entry in entries:
            sys.stdout.write(HistoryRow(entry, no_trunc, human).ID + "\n")
        return 0
    if is_json(fmt):
        render(entries, fmt, default_format=DEFAULT_FORMAT, out=sys.stdout)
        return 0
    render([HistoryRow(e, no_trunc, human) for e in entries], fmt, default_format=DEFAULT_FORMAT,
           headers=HEADERS, out=sys.stdout)
    return 0
