"""What an overlay upper directory changes in its lower layers (`podman diff`).

The rules are containers/storage's for overlay: a whiteout (0:0 char device, or a file
marked with an overlay whiteout xattr) is a deletion, and so is an opaque directory (its
old contents are gone; what it holds now shows up as additions); anything else is an
addition unless a lower layer has the path, then a change. A directory that is in a lower
layer with the same mode, size and mtime is no change by itself, but a directory whose
child is added or deleted is reported changed.
"""

from __future__ import annotations

import os
import stat

_WHITEOUT_XATTRS = ("trusted.overlay.whiteout", "user.overlay.whiteout")
_OPAQUE_XATTRS = ("trusted.overlay.opaque", "user.overlay.opaque")

ADDED, CHANGED, DELETED = "A", "C", "D"


def _xattr(path: str, name: str) -> bytes | None:
    try:
        return os.getxattr(path, name, follow_symlinks=False)
    except OSError:
        return None


def _is_whiteout(path: str, st: os.stat_result) -> bool:
    if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
        return True
    return stat.S_ISREG(st.st_mode) and st.st_size == 0 and any(
        _xattr(path, name) is not None for name in _WHITEOUT_XATTRS)


def _is_opaque(path: str) -> bool:
    return any(_xattr(path, name) == b"y" for name in _OPAQUE_XATTRS)


def _same_time(a: int, b: int) -> bool:
    """Equal mtimes, or equal seconds where one side has no sub-second part (tar keeps seconds only)."""
    if a == b:
        return True
    return a // 10**9 == b // 10**9 and (a % 10**9 == 0 or b % 10**9 == 0)


def overlay_changes(upper: str, lowers: list[str]) -> list[tuple[str, str]]:
    """(kind, path) pairs sorted by path; kind is "A", "C" or "D"; paths start with "/"."""
    changes: list[tuple[str, str]] = []
    changed_dirs: set[str] = set()

    def lower_stat(path: str) -> os.stat_result | None:
        for lower in lowers:
            try:
                return os.lstat(lower + path)
            except OSError:
                continue
        return None

    def visit(directory: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = prefix + "/" + entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if _is_whiteout(entry.path, st) or (is_dir and _is_opaque(entry.path)):
                kind = DELETED
            else:
                kind = ADDED
                old = lower_stat(path)
                if old is not None:
                    if (is_dir and stat.S_ISDIR(old.st_mode) and st.st_size == old.st_size
                            and st.st_mode == old.st_mode and _same_time(st.st_mtime_ns, old.st_mtime_ns)):
                        visit(entry.path, path)
                        continue
                    kind = CHANGED
            if is_dir:
                changed_dirs.add(path)
            if kind != CHANGED:
                parent = prefix or "/"
                if parent != "/" and parent not in changed_dirs:
                    changes.append((CHANGED, parent))
                    changed_dirs.add(parent)
            changes.append((kind, path))
            if is_dir:
                visit(entry.path, path)

    visit(upper, "")
    changes.sort(key=lambda c: c[1])
    return changes
