"""Reading the k8s-file logs the monitor writes: `TIMESTAMP STREAM F|P TEXT`."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO

from podpy.engine.entities import LogLine


def parse_k8s_line(raw: bytes, container: str = "") -> LogLine | None:
    parts = raw.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    partial = parts[2] == b"P"
    return LogLine(stream=parts[1].decode(), timestamp=parts[0].decode(), text=text if partial else text + b"\n",
                   partial=partial, container=container)


def read_k8s_log(path: str, *, tail: int = -1, container: str = "",
                 follow: Callable[[], bool] | None = None) -> Iterator[LogLine]:
    """The log's records; with ``follow``, keep reading while ``follow()`` says the container runs."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, iterated lazily
    except FileNotFoundError:
        if follow is None:
            return
        while follow():
            time.sleep(0.05)
            try:
                f = open(path, "rb")  # noqa: SIM115
                break
            except FileNotFoundError:
                continue
        else:
            return
    with f:
        yield from _existing(f, tail, container)
        if follow is not None:
            yield from _follow(f, container, follow)


def _existing(f: IO[bytes], tail: int, container: str) -> Iterator[LogLine]:
    if tail < 0:
        for raw in iter(f.readline, b""):
            if not raw.endswith(b"\n"):
                f.seek(-len(raw), 1)  # a record still being written: follow picks it up
                return
            line = parse_k8s_line(raw, container)
            if line is not None:
                yield line
        return
    # --tail counts whole lines: partial records join the full line that ends them.
    groups: deque[list[LogLine]] = deque(maxlen=tail if tail > 0 else 1)
    current: list[LogLine] = []
    for raw in f:
        line = parse_k8s_line(raw, container)
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


def _follow(f: IO[bytes], container: str, running: Callable[[], bool]) -> Iterator[LogLine]:
    pending = b""
    while True:
        raw = f.readline()
        if raw:
            pending += raw
            if pending.endswith(b"\n"):
                line = parse_k8s_line(pending, container)
                pending = b""
                if line is not None:
                    yield line
            continue
        if not running():
            rest = f.read()
            if rest:
                f.seek(-len(rest), 1)
                continue
            return
        time.sleep(0.05)
