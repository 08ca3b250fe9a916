"""Containers' writable layers and their overlay mounts.

The upper and work directories live under the driver directory next to the
image layers (same filesystem, as overlayfs needs); the lower layers are
referenced by their short link names so that the mount option string stays
under one page even for images with many layers.
"""

from __future__ import annotations

import errno
import os
import stat

from podpy import _native
from podpy.errors import StorageError
from podpy.storage.layers import LayerStore
from podpy.storage.paths import StorePaths
from podpy.util.fs import remove_tree
from podpy.util.sqlitedb import Database
from podpy.util.timefmt import now_rfc3339


class RootfsStore:
    def __init__(self, db: Database, paths: StorePaths, layers: LayerStore) -> None:
        self.db = db
        self.paths = paths
        self.layers = layers

    def _dir(self, container_id: str) -> str:
        return self.paths.layer_dir(container_id)

    def merged_dir(self, container_id: str) -> str:
        return os.path.join(self._dir(container_id), "merged")

    def create(self, container_id: str, image_id: str) -> None:
        """Record the writable layer (it pins the image) and make its directories."""
        with self.db.write() as conn:
            conn.execute("INSERT INTO rw_layers(id, image_id, created) VALUES(?, ?, ?)",
                         (container_id, image_id, now_rfc3339()))
        base = self._dir(container_id)
        for sub in ("diff", "work", "merged"):
            os.makedirs(os.path.join(base, sub), mode=0o755, exist_ok=True)
        os.makedirs(self.paths.container_userdata(container_id), mode=0o700, exist_ok=True)

    def mount(self, container_id: str, top_layer: str, *, volatile: bool = False) -> str:
        """Mount the container's root filesystem; returns the mount point.

        ``volatile`` (for containers removed when they exit, as Podman does for --rm) skips the
        sync of the whole upper filesystem that unmounting an overlay otherwise does: 0.1 ms instead
        of 15 ms and more on a busy disk. The kernel leaves a marker in the work directory that
        refuses the next volatile mount; a throw-away layer has nothing to protect, so it goes.
        """
        base = self._dir(container_id)
        merged = os.path.join(base, "merged")
        upper, work = os.path.join(base, "diff"), os.path.join(base, "work")
        options = ""
        if volatile:
            options = "volatile"
            marker = os.path.join(work, "work", "incompat")
            if os.path.lexists(marker):
                remove_tree(marker)
        try:
            if top_layer:
                self._mount_overlay(self.layers.lower_dirs(top_layer), upper, work, merged, options)
            else:
                _native.mount(upper, merged, "none", _MS_BIND, None)
        except OSError as e:
            raise StorageError(f"mounting container {container_id[:12]} rootfs: {e.strerror or e}") from e
        return merged

    def _mount_overlay(self, lowers: list[str], upper: str, work: str, merged: str, options: str) -> None:
        """The mount data is limited to one page: with many layers (128 and more) the lower dirs are given
        relative to the driver directory, which the mount call runs in (as containers/storage does)."""
        length = sum(len(lower) + 1 for lower in lowers) + len(upper) + len(work) + len(options) + 64
        if length < _PAGE:
            _native.mount_overlay(lowers, upper, work, merged, options)
            return
        base = self.paths.layers_dir
        relative = [os.path.relpath(lower, base) for lower in lowers]
        previous = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.chdir(base)
            _native.mount_overlay(relative, upper, work, merged, options)
        finally:
            os.fchdir(previous)
            os.close(previous)

    def rw_size(self, container_id: str) -> int:
        """Bytes in the writable layer (apparent sizes, each inode once), as `ps --size` shows."""
        seen: set[tuple[int, int]] = set()
        total = 0
        for root, dirs, files in os.walk(os.path.join(self._dir(container_id), "diff")):
            for name in (*dirs, *files):
                try:
                    st = os.lstat(os.path.join(root, name))
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) not in seen and not stat.S_ISDIR(st.st_mode):
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_size
        return total

    def unmount(self, container_id: str) -> None:
        merged = self.merged_dir(container_id)
        try:
            _native.unmount(merged, False)
        except OSError as e:
            if e.errno in (errno.EINVAL, errno.ENOENT):
                return  # not mounted
            if e.errno == errno.EBUSY:
                _native.unmount(merged, True)
                return
            raise StorageError(f"unmounting {merged}: {e.strerror or e}") from e

    def delete(self, container_id: str) -> None:
        self.unmount(container_id)
        remove_tree(self._dir(container_id))
        remove_tree(os.path.dirname(self.paths.container_userdata(container_id)))
        with self.db.write() as conn:
            conn.execute("DELETE FROM rw_layers WHERE id=?", (container_id,))


_MS_BIND = 4096
_PAGE = 4096
