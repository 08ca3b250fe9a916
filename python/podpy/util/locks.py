"""Advisory file locks (flock) for long operations across podpy processes.

The SQLite database gives atomic metadata updates; these locks serialise the
slow work on one object (mounting a rootfs, extracting a layer, removing a
container) without holding a database transaction open. Lock files live under
the runroot (``locks/``) so they vanish with it; flock is released by the kernel
when a process dies, so a killed podpy never leaves a lock behind.
"""

from __future__ import annotations

import fcntl
import os


class flocked:  # noqa: N801 - used like the function it was: `with flocked(path) as fd:`
    """An flock held for a `with` block (a class, not a generator: contextlib costs every command its import).

    The file is opened on entry and closed on exit, which releases the lock."""

    __slots__ = ("_path", "_shared", "_fd")

    def __init__(self, path: str, *, shared: bool = False) -> None:
        self._path = path
        self._shared = shared
        self._fd = -1

    def __enter__(self) -> int:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH if self._shared else fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return fd

    def __exit__(self, *exc: object) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)


def try_flock(path: str) -> int | None:
    """Take an exclusive lock without waiting; the fd to close, or None if held elsewhere."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
