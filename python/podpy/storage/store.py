"""The store facade: one database, the layer, image and rootfs stores, and the store lock.

Writers that create or delete layers and images take the store lock (a flock on
``storage.lock`` in the graph root) for the whole operation; readers need no
lock, because records only become visible once complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.storage.images import ImageStore
from podpy.storage.layers import LayerStore
from podpy.storage.paths import StorePaths
from podpy.storage.rootfs import RootfsStore
from podpy.storage.schema import MIGRATIONS
from podpy.util.locks import flocked
from podpy.util.sqlitedb import Database


class Store:
    def __init__(self, paths: StorePaths, db: Database) -> None:
        self.paths = paths
        self.db = db
        db.ensure_schema("storage", MIGRATIONS)
        self.layers = LayerStore(db, paths)
        self.images = ImageStore(db)
        self.rootfs = RootfsStore(db, paths, self.layers)
        if not os.path.isdir(paths.links_dir):
            os.makedirs(paths.links_dir, mode=0o700, exist_ok=True)
            os.makedirs(paths.containers_dir, mode=0o700, exist_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive store lock for creating or deleting layers and images; sweeps crash leftovers."""
        with flocked(self.paths.store_lock):
            self.layers.sweep_incomplete()
            yield
