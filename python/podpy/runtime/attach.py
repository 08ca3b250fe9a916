"""The CLI's side of an attach session: our terminal and stdin ↔ the monitor's attach socket.

Detach keys are recognised here, in the client, as Podman does: the monitor only sees the
bytes before them, and detaching is closing the connection. With a container tty, our own
terminal is in raw mode for the whole session (restored on every way out) and window size
changes travel as resize packets. The packet format is documented in ``runtime/monitor.py``.
"""

from __future__ import annotations

import os
import select
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.errors import InvalidStateError, PodpyError, UsageError
from podpy.runtime.monitor import (
    ATTACH_SOCKET,
    PKT_EXIT,
    PKT_MAX_DATA,
    PKT_RESIZE,
    PKT_STDERR,
    PKT_STDIN,
    PKT_STDIN_EOF,
    PKT_STDOUT,
)
from podpy.util.record import record

DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q"
_CTRL_SPECIALS = {"@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, "_": 31}


@record
class AttachStreams:
    stdin: bool  # forward our stdin to the container
    tty: bool  # the container has a terminal: raw mode and resizes
    detach_keys: bytes = b"\x10\x11"  # b"": detaching disabled


@record
class AttachResult:
    exit_code: int | None  # None: the monitor went away without telling (or we detached)
    detached: bool = False


def parse_detach_keys(spec: str) -> bytes:
    """Podman's detach-key syntax: comma-separated single characters or ``ctrl-X``; "" disables."""
    if spec == "":
        return b""
    out = bytearray()
    for item in spec.split(","):
        if len(item) == 1:
            out.append(ord(item))
            continue
        if item.startswith("ctrl-") and len(item) == 6:
            c = item[5]
            if "a" <= c <= "z":
                out.append(ord(c) - ord("a") + 1)
                continue
            if c in _CTRL_SPECIALS:
                out.append(_CTRL_SPECIALS[c])
                continue
        raise UsageError(f"invalid detach keys: {spec}")
    return bytes(out)


class DetachMatcher:
    """Finds the detach sequence in a byte stream, holding back a partial match until it resolves."""

    def __init__(self, keys: bytes) -> None:
        self.keys = keys
        self.matched = 0

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """(bytes to forward, whether the full sequence was typed)."""
        if not self.keys:
            return data, False
        out = bytearray()
        for byte in data:
            if byte == self.keys[self.matched]:
                self.matched += 1
                if self.matched == len(self.keys):
                    self.matched = 0
                    return bytes(out), True
                continue
            if self.matched:
                out += self.keys[: self.matched]
                self.matched = 0
                if byte == self.keys[0]:
                    self.matched = 1
                    continue
            out.append(byte)
        return bytes(out), False


def connect(run_dir: str) -> int:
    """Connect to a container's attach socket (through its directory's fd: no path-length limit)."""
    import _socket

    try:
        dir_fd = os.open(run_dir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidStateError("you can only attach to running containers") from None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_SEQPACKET)
    try:
        sock.connect(f"/proc/self/fd/{dir_fd}/{ATTACH_SOCKET}")
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        raise InvalidStateError("you can only attach to running containers") from None
    except OSError as e:
        sock.close()
        raise PodpyError(f"cannot attach: {e.strerror or e}") from e
    finally:
        os.close(dir_fd)
    return int(sock.detach())


def _winsize(fd: int) -> tuple[int, int] | None:
    import fcntl
    import struct
    import termios

    try:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    except OSError:
        return None
    return (rows, cols) if rows and cols else None


def terminal_size() -> tuple[int, int] | None:
    """Our terminal's (rows, cols), from stdin or else stdout; None without a terminal."""
    for fd in (0, 1):
        if os.isatty(fd):
            size = _winsize(fd)
            if size:
                return size
    return None


def _send(sock: int, packet: bytes) -> bool:
    try:
        os.write(sock, packet)
        return True
    except OSError:
        return False


def _resize_packet(size: tuple[int, int]) -> bytes:
    return bytes([PKT_RESIZE]) + size[0].to_bytes(2, "big") + size[1].to_bytes(2, "big")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


@contextmanager
def raw_terminal(enabled: bool) -> Iterator[None]:
    """Our stdin terminal in raw mode; restored however the session ends (signals included)."""
    if not enabled or not os.isatty(0):
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(0)

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        tty.setraw(0, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _winch_pipe(enabled: bool) -> Iterator[int]:
    """A pipe that becomes readable when our window size changes (-1 when not wanted)."""
    if not enabled:
        yield -1
        return
    r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def winch(_signum: int, _frame: object) -> None:
        try:
            os.write(w, b"w")
        except OSError:
            pass

    previous = signal.signal(signal.SIGWINCH, winch)
    try:
        yield r
    finally:
        signal.signal(signal.SIGWINCH, previous)
        os.close(r)
        os.close(w)


def stream(sock: int, streams: AttachStreams) -> AttachResult:
    """Copy between our stdio and the attach socket until the container exits or we detach."""
    resizing = streams.tty and terminal_size() is not None
    with raw_terminal(streams.tty), _winch_pipe(resizing) as winch:
        if resizing:
            size = terminal_size()
            if size:
                _send(sock, _resize_packet(size))
        return _pump(sock, streams, winch)


def _pump(sock: int, streams: AttachStreams, winch: int) -> AttachResult:
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    reading_stdin = streams.stdin
    if reading_stdin:
        try:
            poller.register(0, select.POLLIN)
        except (OSError, ValueError):
            reading_stdin = False
    if winch >= 0:
        poller.register(winch, select.POLLIN)
    matcher = DetachMatcher(streams.detach_keys)
    output_ok = {1: True, 2: True}
    while True:
        for fd, _ in poller.poll():
            if fd == sock:
                try:
                    packet = os.read(sock, PKT_MAX_DATA + 1)
                except OSError:
                    packet = b""
                if not packet:
                    return AttachResult(None)
                kind, data = packet[0], packet[1:]
                if kind == PKT_EXIT and len(data) == 4:
                    return AttachResult(int.from_bytes(data, "big", signed=True))
                target = 1 if kind == PKT_STDOUT or streams.tty else 2 if kind == PKT_STDERR else 0
                if target and output_ok[target]:
                    try:
                        _write_all(target, data)
                    except OSError:
                        output_ok[target] = False  # a closed pipe downstream: keep the session going
            elif fd == 0:
                try:
                    data = os.read(0, PKT_MAX_DATA)
                except OSError:
                    data = b""
                if not data:
                    poller.unregister(0)
                    if not streams.tty:
                        _send(sock, bytes([PKT_STDIN_EOF]))
                    continue
                forward, detached = matcher.feed(data)
                if forward:
                    _send(sock, bytes([PKT_STDIN]) + forward)
                if detached:
                    return AttachResult(None, detached=True)
            elif fd == winch:
                try:
                    os.read(winch, 64)
                except OSError:
                    pass
                size = terminal_size()
                if size:
                    _send(sock, _resize_packet(size))
