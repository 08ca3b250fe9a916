"""Containers' writable layers and their root filesystems (the driver makes and mounts them).

A container's directory lives under the driver directory next to the image layers (same
filesystem, as overlayfs needs for its upper and work directories).
"""

from __future__ import annotations

import os
import stat

from podpy.errors import StorageError
from podpy.storage.layers import LayerStore
from podpy.storage.paths import StorePaths
from podpy.util.fs import remove_tree
from podpy.util.jsonfast import loads
from podpy.util.sqlitedb import Database
from podpy.util.timefmt import now_rfc3339


class RootfsStore:
    def __init__(self, db: Database, paths: StorePaths, layers: LayerStore) -> None:
        self.db = db
        self.paths = paths
        self.layers = layers
        self.driver = layers.driver

    def _dir(self, container_id: str) -> str:
        return self.paths.layer_dir(container_id)

    def merged_dir(self, container_id: str) -> str:
        return os.path.join(self._dir(container_id), "merged")

    def create(self, container_id: str, image_id: str) -> None:
        """Record the writable layer (it pins the image) and make its directories."""
        with self.db.write() as conn:
            conn.execute("INSERT INTO rw_layers(id, image_id, created) VALUES(?, ?, ?)",
                         (container_id, image_id, now_rfc3339()))
        row = self.db.conn.execute("SELECT layers FROM images WHERE id=?", (image_id,)).fetchone()
        layers = loads(str(row[0])) if row else []
        image_root = self.layers.diff_dir(layers[-1]) if layers else None
        try:
            self.driver.create_rootfs(self._dir(container_id), image_root)
        except OSError as e:
            raise StorageError(f"creating container {container_id[:12]} rootfs: {e.strerror or e}") from e
        os.makedirs(self.paths.container_userdata(container_id), mode=0o700, exist_ok=True)

    def mount(self, container_id: str, top_layer: str, *, volatile: bool = False) -> str:
        """Mount the container's root filesystem; returns its path. ``volatile``: see the driver."""
        lowers = self.layers.lower_dirs(top_layer) if top_layer else []
        try:
            return self.driver.mount_rootfs(self._dir(container_id), lowers, volatile=volatile)
        except OSError as e:
            raise StorageError(f"mounting container {container_id[:12]} rootfs: {e.strerror or e}") from e

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
        self.driver.unmount_rootfs(self._dir(container_id))

    def delete(self, container_id: str) -> None:
        self.unmount(container_id)
        remove_tree(self._dir(container_id))
        remove_tree(os.path.dirname(self.paths.container_userdata(container_id)))
        with self.db.write() as conn:
            conn.execute("DELETE FROM rw_layers WHERE id=?", (container_id,))


