"""The container's working directory, made on the way to the start when the image lacks it (as Podman does)."""

from __future__ import annotations

import os

from podpy.runtime.rootpath import resolve_in_root


def ensure_workdir(rootfs: str, workdir: str, uid: int, gid: int) -> None:
    """Create ``workdir`` inside ``rootfs`` (resolved within it) with the directories it needs, owned by the
    container's user; an existing path is left alone (the runtime reports a file in the way)."""
    if not workdir or workdir == "/":
        return
    target = resolve_in_root(rootfs, workdir)
    if os.path.lexists(target):
        return
    missing = []
    path = target
    while not os.path.lexists(path) and path != rootfs:
        missing.append(path)
        path = os.path.dirname(path)
    for directory in reversed(missing):
        os.mkdir(directory, 0o755)
        os.chown(directory, uid, gid)
