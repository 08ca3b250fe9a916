"""Paths inside a container's root filesystem resolved the way the container sees them: symlinks are
followed within the root (an absolute target starts at the container's `/`, `..` stops at it), never
into the host. Kept apart from `cp` so that `run`, which only needs this, imports no tarfile."""

from __future__ import annotations

import os
import stat

from podpy.errors import UsageError

_MAX_LINKS = 40


def resolve_in_root(root: str, path: str, *, follow_last: bool = True) -> str:
    """The host path of ``path`` as seen from inside ``root`` (which must be a real directory)."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    resolved: list[str] = []
    links = 0
    while parts:
        name = parts.pop(0)
        if name == "..":
            if resolved:
                resolved.pop()
            continue
        candidate = os.path.join(root, *resolved, name)
        try:
            st = os.lstat(candidate)
        except FileNotFoundError:
            resolved.append(name)
            continue
        if stat.S_ISLNK(st.st_mode) and (parts or follow_last):
            links += 1
            if links > _MAX_LINKS:
                raise UsageError(f"{path}: too many levels of symbolic links")
            target = os.readlink(candidate)
            if target.startswith("/"):
                resolved = []
            parts = [p for p in target.split("/") if p not in ("", ".")] + parts
            continue
        resolved.append(name)
    return os.path.join(root, *resolved)
