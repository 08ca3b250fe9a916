"""Pull progress on stderr: Podman's plain lines when it is not a terminal, one bar per blob when it is."""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


class Progress:
    """Silent (``pull -q``); the base of the two renderers."""

    def line(self, text: str) -> None:
        pass

    def blobs(self, items: list[tuple[str, int, bool]]) -> None:
        """The layers about to be copied: (digest, size, already present)."""

    def advance(self, digest: str, count: int) -> None:
        pass

    def finish_blobs(self) -> None:
        pass

    def warning(self, text: str) -> None:
        from podpy.util.log import warning

        warning("%s", text)


class PlainProgress(Progress):
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def blobs(self, items: list[tuple[str, int, bool]]) -> None:
        for digest, _size, _present in items:
            self.line(f"Copying blob {digest}")


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f}{unit}" if unit != "B" else f"{int(n)}B"
        n /= 1024
    return f"{n:.1f}GiB"


class TtyProgress(PlainProgress):
    """A block of bars redrawn in place (at most ten times a second) while blobs download."""

    _WIDTH = 30

    def __init__(self, out: TextIO) -> None:
        import threading

        super().__init__(out)
        self._lock = threading.Lock()
        self._items: list[tuple[str, int, bool]] = []
        self._done: dict[str, int] = {}
        self._drawn = 0
        self._last = 0.0
        self._start = time.monotonic()

    def blobs(self, items: list[tuple[str, int, bool]]) -> None:
        with self._lock:
            self._items = list(items)
            self._done = {d: (s if present else 0) for d, s, present in items}
            self._start = time.monotonic()
            self._draw(force=True)

    def advance(self, digest: str, count: int) -> None:
        with self._lock:
            self._done[digest] = self._done.get(digest, 0) + count
            self._draw(force=False)

    def finish_blobs(self) -> None:
        with self._lock:
            for digest, size, _present in self._items:
                self._done[digest] = max(self._done.get(digest, 0), size)
            self._draw(force=True, final=True)
            self._items = []
            self._drawn = 0

    def _draw(self, *, force: bool, final: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        lines = []
        elapsed = max(now - self._start, 1e-3)
        for digest, size, present in self._items:
            done = self._done.get(digest, 0)
            short = digest.removeprefix("sha256:")[:12]
            if present:
                lines.append(f"Copying blob {short} skipped: already exists")
                continue
            if final or (size and done >= size):
                lines.append(f"Copying blob {short} done   {_size(size)}")
                continue
            frac = done / size if size else 0.0
            fill = int(frac * self._WIDTH)
            bar = "=" * fill + (">" if fill < self._WIDTH else "") + " " * max(self._WIDTH - fill - 1, 0)
            lines.append(f"Copying blob {short} [{bar}] {_size(done)} / {_size(size)} "
                         f"({_size(done / elapsed)}/s)")
        text = (f"\x1b[{self._drawn}A" if self._drawn else "") + "".join(f"\r\x1b[2K{ln}\n" for ln in lines)
        self.out.write(text)
        self.out.flush()
        self._drawn = len(lines)


def for_stream(out: TextIO | None) -> Progress:
    if out is None:
        return Progress()
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        tty = False
    return TtyProgress(out) if tty else PlainProgress(out)
