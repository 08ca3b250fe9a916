"""podpy images (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_FORMAT = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
HEADERS = {"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Created": "CREATED", "Size": "SIZE"}


class ImageRow:
    """What `--format` templates see for one image name (Podman's imageReporter)."""

    def __init__(self, data: Any, name: str, no_trunc: bool) -> None:
        self._data = data
        self._name = name
        self._no_trunc = no_trunc

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._data, attr)

    @property
    def Repository(self) -> str:  # noqa: N802 - template field names are Podman's
        if "@" in self._name:  # pulled by digest: named repo@digest, as Podman names it
            return self._name.split("@", 1)[0]
        return self._name.rsplit(":", 1)[0] if self._name else "<none>"

    @property
    def Tag(self) -> str:  # noqa: N802
        if "@" in self._name:
            return "<none>"
        return self._name.rsplit(":", 1)[1] if ":" in self._name.split("/")[-1] else "<none>"

    @property
    def ID(self) -> str:  # noqa: N802
        return str(self._data.ID if self._no_trunc else self._data.ID[:12])

    @property
    def Created(self) -> str:  # noqa: N802
        from podpy.util.timefmt import time_ago

        return time_ago(self._data.CreatedAt) if self._data.CreatedAt else ""

    @property
    def CreatedSince(self) -> str:  # noqa: N802
        return self.Created

    @property
    def Size(self) -> str:  # noqa: N802
        from podpy.util.units import human_size

        return human_size(self._data.Size)

    @property
    def Digest(self) -> str:  # noqa: N802
        return str(self._data.Digest)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def images(state: CliState, *, show_all: bool, quiet: bool, no_trunc: bool, noheading: bool, digests: bool,
           fmt: str | None, filters: tuple[str, ...], sort: str) -> int:
    from podpy.cli.common import parse_filters
    from podpy.cli.render import is_json, render

    summaries = state.engine.images.list_images(all=show_all, filters=parse_filters(filters))
    if fmt is not None and is_json(fmt):
        render(summaries, fmt, default_format=DEFAULT_FORMAT, out=sys.stdout)
        return 0
    if quiet and not fmt:
        seen: set[str] = set()
        for s in summaries:
            if s.ID not in seen:
                seen.add(s.ID)
                sys.stdout.write((s.ID if no_trunc else s.ID[:12]) + "\n")
        return 0
    rows = [ImageRow(s, name, no_trunc) for s in summaries for name in (s.Names or [""])]
    if sort != "created":
        keys = {"id": lambda r: r.ID, "repository": lambda r: (r.Repository, r.Tag), "tag": lambda r: r.Tag,
                "size": lambda r: -r.VirtualSize}
        rows.sort(key=keys[sort])
    default = DEFAULT_FORMAT
    if digests:
        default = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
    render(rows, fmt, default_format=default, headers=HEADERS, out=sys.stdout, noheading=noheading)
    return 0
