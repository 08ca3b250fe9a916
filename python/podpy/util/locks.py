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
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def flocked(path: str, *, shared: bool = False) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield fd
    finally:
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
