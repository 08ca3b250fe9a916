"""The store facade: one database, the layer, image and rootfs stores, and the store lock.

Writers that create or delete layers and images take the store lock (a flock on
``storage.lock`` in the graph root) for the whole operation; readers need no
lock, because records only become visible once complete.
"""

from __future__ import annotations

import os

from podpy.errors import StorageError
from podpy.storage.images import ImageStore
from podpy.storage.paths import StorePaths
from podpy.storage.schema import MIGRATIONS
from podpy.util.cached import cached_property
from podpy.util.locks import flocked
from podpy.util.sqlitedb import Database

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.storage.image_mounts import ImageMounts
    from podpy.storage.layers import LayerStore
    from podpy.storage.rootfs import RootfsStore

_FS_IOC_GETFLAGS = 0x80086601
_FS_IOC_SETFLAGS = 0x40086602
_FS_TOPDIR_FL = 0x00020000


def mark_top_directory(path: str) -> None:
    """`chattr +T`: ext4 then spreads the layer directories below over block groups.

    Without it, ext4's Orlov allocator packs each new layer's many small files next to the
    freshly freed inodes of deleted ones, which made extraction several times slower on this
    kind of disk. Filesystems without the flag simply refuse it; that is fine.
    """
    import array
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
        flags[0] |= _FS_TOPDIR_FL
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, flags, True)
    except OSError:
        pass
    finally:
        os.close(fd)


class StoreLock:
    """`with store.locked():` (a class, not a generator: contextlib costs every command its import)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = flocked(store.paths.store_lock)

    def __enter__(self) -> None:
        self._lock.__enter__()
        try:
            self._store.layers.sweep_incomplete()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__()


class Store:
    def __init__(self, paths: StorePaths, db: Database) -> None:
        self.paths = paths
        self.db = db
        db.ensure_schema("storage", MIGRATIONS)
        self._bind_driver()
        self.images = ImageStore(db)
        if not os.path.isdir(paths.links_dir):
            os.makedirs(paths.layers_dir, mode=0o700, exist_ok=True)
            mark_top_directory(paths.layers_dir)
            os.makedirs(paths.links_dir, mode=0o700, exist_ok=True)
            os.makedirs(paths.containers_dir, mode=0o700, exist_ok=True)

    def _bind_driver(self) -> None:
        """A store's layers are laid out by one driver: refuse to read them with another."""
        stored = self.db.meta("storage_driver")
        if stored is None:
            with self.db.write() as conn:
                used = conn.execute("SELECT 1 FROM layers LIMIT 1").fetchone() is not None
                # stores made before the driver was recorded were all overlay
                stored = "overlay" if used else self.paths.driver
                self.db.set_meta(conn, "storage_driver", stored)
        if stored != self.paths.driver:
            raise StorageError(f"database storage graph driver {stored!r} does not match our storage graph driver "
                               f"{self.paths.driver!r}: database configuration mismatch")

    # The layer side (and the Rust extension behind it) is built on first use: listing images needs
    # only the image records.
    @cached_property
    def layers(self) -> LayerStore:
        from podpy.storage.layers import LayerStore

        return LayerStore(self.db, self.paths)

    @cached_property
    def rootfs(self) -> RootfsStore:
        from podpy.storage.rootfs import RootfsStore

        return RootfsStore(self.db, self.paths, self.layers)

    @cached_property
    def image_mounts(self) -> ImageMounts:
        from podpy.storage.image_mounts import ImageMounts

        return ImageMounts(self.paths, self.layers)

    def locked(self) -> StoreLock:
        """Exclusive store lock for creating or deleting layers and images; sweeps crash leftovers."""
        return StoreLock(self)

    def remove_image(self, image_id: str) -> list[str]:
        """Delete an image record and the layers no other image needs; the layer IDs deleted.

        Refused (NameInUse) while a container's writable layer is based on the image.
        """
        with self.locked():
            image = self.images.get(image_id)
            if image is None:
                return []
            self.images.delete(image_id)
            if image.top_layer and not any(i.top_layer == image.top_layer for i in self.images.list()):
                self.image_mounts.unmount(image.top_layer, force=True)
            needed: set[str] = set()
            for other in self.images.list():
                needed.update(other.layers)
            deleted = []
            for layer_id in reversed(image.layers):
                if layer_id in needed or self.layers.in_use(layer_id):
                    break
                self.layers.delete(layer_id)
                deleted.append(layer_id)
            return deleted
