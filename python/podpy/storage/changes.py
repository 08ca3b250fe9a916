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


def _same_entry(new: os.stat_result, old: os.stat_result, new_path: str, old_path: str) -> bool:
    """vfs's rule: same type, mode, owner, size, device, mtime (and link target); contents are not read."""
    if (new.st_mode != old.st_mode or new.st_uid != old.st_uid or new.st_gid != old.st_gid
            or new.st_rdev != old.st_rdev or not _same_time(new.st_mtime_ns, old.st_mtime_ns)):
        return False
    if stat.S_ISDIR(new.st_mode):
        return True
    if new.st_size != old.st_size:
        return False
    if stat.S_ISLNK(new.st_mode):
        return os.readlink(new_path) == os.readlink(old_path)
    return True


def tree_changes(new_root: str, old_root: str) -> list[tuple[str, str]]:
    """Changes of a full tree against another (the vfs driver's naive diff), sorted by path.

    Added and changed entries are listed; a deleted directory is one "D" entry (not its contents).
    """
    changes: list[tuple[str, str]] = []

    def visit(new_dir: str, old_dir: str | None, prefix: str) -> None:
        try:
            new_entries = {e.name: e for e in os.scandir(new_dir)}
        except OSError:
            return
        old_entries: dict[str, os.DirEntry[str]] = {}
        if old_dir is not None:
            try:
                old_entries = {e.name: e for e in os.scandir(old_dir)}
            except OSError:
                old_entries = {}
        for name in sorted(set(new_entries) | set(old_entries)):
            path = prefix + "/" + name
            entry = new_entries.get(name)
            old = old_entries.get(name)
            if entry is None:
                changes.append((DELETED, path))
                continue
            st = entry.stat(follow_symlinks=False)
            old_st = old.stat(follow_symlinks=False) if old is not None else None
            is_dir = stat.S_ISDIR(st.st_mode)
            both_dirs = old_st is not None and is_dir and stat.S_ISDIR(old_st.st_mode)
            if old_st is None:
                changes.append((ADDED, path))
            elif not _same_entry(st, old_st, entry.path, old.path if old else ""):
                changes.append((CHANGED, path))
            if is_dir:
                visit(entry.path, old.path if both_dirs and old is not None else None, path)

    visit(new_root, old_root, "")
    changes.sort(key=lambda c: c[1])
    return changes


def _copy_dir_metadata(src: str, dst: str) -> None:
    st = os.lstat(src)
    os.chown(dst, st.st_uid, st.st_gid)
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    try:
        for name in os.listxattr(src, follow_symlinks=False):
            os.setxattr(dst, name, os.getxattr(src, name, follow_symlinks=False), follow_symlinks=False)
    except OSError:
        pass


def whiteout_upper(new_root: str, old_root: str, dest: str) -> None:
    """Lay out the changes of ``new_root`` against ``old_root`` as an overlay upper directory in ``dest``.

    Files are hard links (``dest`` must be on the same filesystem), deletions 0:0 character
    devices and directories copies of their metadata, so that the overlay diff writer turns
    the result into a layer tar. Directory mtimes are set last, deepest first.
    """
    dirs: list[tuple[str, str]] = []

    def ensure_dir(rel: str) -> None:
        if not rel or os.path.isdir(os.path.join(dest, rel)):
            return
        ensure_dir(os.path.dirname(rel))
        os.mkdir(os.path.join(dest, rel))
        _copy_dir_metadata(os.path.join(new_root, rel), os.path.join(dest, rel))
        dirs.append((rel, os.path.join(new_root, rel)))

    for kind, path in tree_changes(new_root, old_root):
        rel = path.lstrip("/")
        ensure_dir(os.path.dirname(rel))
        target = os.path.join(dest, rel)
        if kind == DELETED:
            os.mknod(target, stat.S_IFCHR | 0o600, 0)
            continue
        source = os.path.join(new_root, rel)
        if stat.S_ISDIR(os.lstat(source).st_mode):
            ensure_dir(rel)
        else:
            os.link(source, target, follow_symlinks=False)
    for rel, source in sorted(dirs, key=lambda d: d[0].count("/"), reverse=True):
        st = os.lstat(source)
        os.utime(os.path.join(dest, rel), ns=(st.st_atime_ns, st.st_mtime_ns))
