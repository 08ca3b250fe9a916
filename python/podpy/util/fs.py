"""Filesystem helpers that keep heavy stdlib imports (shutil pulls in compression modules) off hot paths."""

from __future__ import annotations

import os
import stat


def remove_tree(path: str) -> None:
    """Remove ``path`` recursively, without following symlinks; a missing path is fine, errors are ignored."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    for dirpath, dirnames, filenames in os.walk(path, topdown=False):
        for name in filenames:
            try:
                os.unlink(os.path.join(dirpath, name))
            except OSError:
                pass
        for name in dirnames:
            full = os.path.join(dirpath, name)
            try:
                if os.path.islink(full):
                    os.unlink(full)
                else:
                    os.rmdir(full)
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass
