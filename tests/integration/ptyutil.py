"""Drive a podpy command on a real pseudo-terminal, as a user at a terminal would."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time

from tests.support.podpy import Podpy, podpy_env


class PtySession:
    """One podpy command with a pty as its controlling terminal and stdio."""

    def __init__(self, podpy: Podpy, *args: str, rows: int = 24, cols: int = 80,
                 env: dict[str, str] | None = None) -> None:
        env = env or podpy_env()
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.execvpe(podpy.argv[0], [*podpy.argv, *args], env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = b""
        self.status: int | None = None
        self.resize(rows, cols)

    def resize(self, rows: int, cols: int) -> None:
        """What a terminal emulator does: set the size (the kernel sends SIGWINCH to the foreground)."""
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def read_until(self, needle: bytes, timeout: float = 20) -> bytes:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} not seen; output so far: {self.output!r}")
            if not self._read(left) and needle not in self.output:
                raise AssertionError(f"EOF before {needle!r}; output: {self.output!r}")
        return self.output

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], min(timeout, 0.5))
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def wait(self, timeout: float = 30) -> int:
        """The command's exit code (reading its output meanwhile)."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                self.close()
                raise AssertionError(f"command did not end; output: {self.output!r}")
            self._read(0.1)
        while self._read(0.05) and select.select([self.fd], [], [], 0)[0]:
            pass
        return self.status

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.status = -9
        try:
            os.close(self.fd)
        except OSError:
            pass

    def __enter__(self) -> PtySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
