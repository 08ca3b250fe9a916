"""Reading the logs the monitor writes in the k8s-file format (`TIMESTAMP STREAM F|P TEXT`), which is also
json-file's: Podman 4.3.1 writes json-file logs as k8s-file.

With ``max-size`` the monitor replaces a full log by a new, empty file; a follower notices the new
inode and carries on in it.
"""

from __future__ import annotations

import os
import time
from collections import deque

from podpy.engine.entities import LogLine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator
    from typing import IO

    Parser = Callable[[bytes, str], LogLine | None]

_POLL_S = 0.05


def parse_k8s_line(raw: bytes, container: str = "") -> LogLine | None:
    parts = raw.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    partial = parts[2] == b"P"
    return LogLine(stream=parts[1].decode(), timestamp=parts[0].decode(), text=text if partial else text + b"\n",
                   partial=partial, container=container)


def read_log(path: str, *, driver: str = "k8s-file", tail: int = -1, container: str = "",
             follow: Callable[[], bool] | None = None) -> Iterator[LogLine]:
    """The log's records; with ``follow``, keep reading while ``follow()`` says the container runs.

    ``driver``: k8s-file or json-file, one format (kept for the callers that name it).
    """
    parse: Parser = parse_k8s_line
    f: IO[bytes]
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, iterated lazily
    except FileNotFoundError:
        if follow is None:
            return
        while follow():
            time.sleep(_POLL_S)
            try:
                f = open(path, "rb")  # noqa: SIM115
                break
            except FileNotFoundError:
                continue
        else:
            return
    try:
        yield from _existing(f, tail, container, parse)
        if follow is not None:
            f = yield from _follow(f, path, container, follow, parse)
    finally:
        f.close()


def _existing(f: IO[bytes], tail: int, container: str, parse: Parser) -> Iterator[LogLine]:
    if tail < 0:
        for raw in iter(f.readline, b""):
            if not raw.endswith(b"\n"):
                f.seek(-len(raw), 1)  # a record still being written: follow picks it up
                return
            line = parse(raw, container)
            if line is not None:
                yield line
        return
    # --tail counts whole lines: partial records join the full line that ends them.
    groups: deque[list[LogLine]] = deque(maxlen=tail if tail > 0 else 1)
    current: list[LogLine] = []
    for raw in f:
        line = parse(raw, container)
        if line is None:
            continue
        current.append(line)
        if not line.partial:
            groups.append(current)
            current = []
    if tail == 0:
        return
    for group in groups:
        yield from group
    yield from current


def _replaced(f: IO[bytes], path: str) -> bool:
    """The monitor restarted the log (max-size): the path names another file, or ours shrank."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    ours = os.fstat(f.fileno())
    return (now.st_ino, now.st_dev) != (ours.st_ino, ours.st_dev) or ours.st_size < f.tell()


def _follow(f: IO[bytes], path: str, container: str, running: Callable[[], bool], parse: Parser
            ) -> Generator[LogLine, None, IO[bytes]]:
    """Yield records as they come; returns the file it ended in (the caller closes it)."""
    pending = b""
    last_look = False
    while True:
        raw = f.readline()
        if raw:
            pending += raw
            if pending.endswith(b"\n"):
                line = parse(pending, container)
                pending = b""
                if line is not None:
                    yield line
            continue
        if _replaced(f, path):
            f.close()
            try:
                f = open(path, "rb")  # noqa: SIM115 - returned to the caller, which closes it
            except FileNotFoundError:
                return f
            pending = b""
            continue
        if last_look:
            return f
        if not running():
            last_look = True  # read what the monitor wrote before it reported the exit
            continue
        time.sleep(_POLL_S)
