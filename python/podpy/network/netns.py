"""Network namespaces bind-mounted on a file (under the runroot), made and entered from a helper thread.

A network namespace is a per-thread attribute, so a short-lived thread can unshare or setns without
touching the rest of the process; the bind mount keeps the namespace alive after the thread ends.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MNT_DETACH = 0x2

_libc = ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _in_thread(fn: Callable[[], T]) -> T:
    box: dict[str, object] = {}

    def body() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e

    worker = threading.Thread(target=body, name="podpy-netns")
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def create(path: str) -> None:
    """A new network namespace bound on ``path`` (made; an existing mount is left as is)."""
    if os.path.exists(path) and os.path.ismount(path):
        return
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o600))

    def make() -> None:
        _check(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
        own = f"/proc/self/task/{threading.get_native_id()}/ns/net"
        _check(_libc.mount(own.encode(), path.encode(), b"none", MS_BIND, None), f"bind mount on {path}")

    _in_thread(make)


def remove(path: str) -> None:
    if os.path.ismount(path):
        _check(_libc.umount2(path.encode(), MNT_DETACH), f"unmount {path}")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def run_in(path: str, fn: Callable[[], T]) -> T:
    """Call ``fn`` in a thread that has joined the namespace bound on ``path``."""
    def entered() -> T:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            _check(_libc.setns(fd, CLONE_NEWNET), f"setns {path}")
        finally:
            os.close(fd)
        return fn()

    return _in_thread(entered)
