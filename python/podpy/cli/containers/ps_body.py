"""podpy ps without click: what the command does once its flags are parsed (see podpy.cli.fastpath)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.cli.state import CliState

DEFAULT_FORMAT = ("table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t"
                  "{{.Ports}}\t{{.Names}}")
HEADERS = {"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "CreatedAt": "CREATED", "Created": "CREATED",
           "Pod": "POD ID", "PodName": "PODNAME"}


class PsRow:
    """What `--format` templates see: Podman's ps reporter, with its methods as attributes."""

    def __init__(self, data: Any, no_trunc: bool) -> None:
        self._data = data
        self._no_trunc = no_trunc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)

    @property
    def ID(self) -> str:  # noqa: N802 - template field names are Podman's
        return str(self._data.ID if self._no_trunc else self._data.ID[:12])

    @property
    def Names(self) -> str:  # noqa: N802
        return str(self._data.Names[0]) if self._data.Names else ""

    @property
    def Command(self) -> str:  # noqa: N802
        command = " ".join(self._data.Command)
        if not self._no_trunc and len(command) > 17:
            return command[:17] + "..."
        return command

    @property
    def Pod(self) -> str:  # noqa: N802
        return str(self._data.Pod if self._no_trunc else self._data.Pod[:12])

    @property
    def CreatedHuman(self) -> str:  # noqa: N802
        return str(self._data.CreatedAt)

    @property
    def Created(self) -> str:  # noqa: N802
        return str(self._data.CreatedAt)

    @property
    def Ports(self) -> str:  # noqa: N802
        return ""

    @property
    def Labels(self) -> str:  # noqa: N802
        return ",".join(f"{k}={v}" for k, v in sorted(self._data.Labels.items()))

    @property
    def Size(self) -> str:  # noqa: N802
        size = self._data.Size
        if not size:
            return ""
        from podpy.util.units import human_size

        return f"{human_size(size['RwSize'])} (virtual {human_size(size['RootFsSize'])})"

    def Label(self, name: str) -> str:  # noqa: N802
        return str(self._data.Labels.get(name, ""))


SORT_KEYS = ("command", "created", "id", "image", "names", "runningfor", "size", "status")


def _sorted(rows: list[Any], key: str) -> list[Any]:
    """Podman's --sort orders: newest first for created/runningfor, ascending for the rest."""
    if key in ("created", "runningfor"):
        return sorted(rows, key=lambda r: r.Created, reverse=True)
    getters = {
        "command": lambda r: " ".join(r.Command), "id": lambda r: r.ID, "image": lambda r: r.Image,
        "names": lambda r: r.Names[0] if r.Names else "", "status": lambda r: r.Status,
        "size": lambda r: (r.Size or {}).get("RootFsSize", 0),
    }
    return sorted(rows, key=getters[key])


def ps(state: CliState, *, show_all: bool, latest: bool, last: int, quiet: bool, no_trunc: bool, noheading: bool,
       fmt: str | None, filters: tuple[str, ...], size: bool = False, sort: str = "created",
       show_pod: bool = False) -> int:
    from podpy.cli.common import parse_filters
    from podpy.cli.render import is_json, render
    from podpy.engine.entities import PsOptions
    from podpy.errors import UsageError

    if sort not in SORT_KEYS:
        raise UsageError(f"invalid option for --sort, options are: {', '.join(SORT_KEYS)}")
    rows = state.engine.containers.list_containers(
        PsOptions(all=show_all, latest=latest, last=last, filters=parse_filters(filters), size=size))
    if sort != "created":
        rows = _sorted(rows, sort)
    if quiet and not fmt:
        for row in rows:
            sys.stdout.write((row.ID if no_trunc else row.ID[:12]) + "\n")
        return 0
    if fmt is not None and is_json(fmt):
        render(rows, fmt, default_format=DEFAULT_FORMAT, out=sys.stdout, json_indent=2, json_escape_html=True)
        return 0
    default = DEFAULT_FORMAT + ("\t{{.Size}}" if size else "") + ("\t{{.Pod}}\t{{.PodName}}" if show_pod else "")
    render([PsRow(r, no_trunc) for r in rows], fmt, default_format=default, headers=HEADERS, out=sys.stdout,
           noheading=noheading)
    return 0
