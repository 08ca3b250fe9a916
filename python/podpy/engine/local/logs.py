"""Reading the k8s-file logs the monitor writes: `TIMESTAMP STREAM F|P TEXT`."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from podpy.engine.entities import LogLine


def parse_k8s_line(raw: bytes, container: str = "") -> LogLine | None:
    parts = raw.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    partial = parts[2] == b"P"
    return LogLine(stream=parts[1].decode(), timestamp=parts[0].decode(), text=text if partial else text + b"\n",
                   partial=partial, container=container)


def read_k8s_log(path: str, *, tail: int = -1, container: str = "") -> Iterator[LogLine]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, iterated lazily
    except FileNotFoundError:
        return
    with f:
        if tail < 0:
            for raw in f:
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
