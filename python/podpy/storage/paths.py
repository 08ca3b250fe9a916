"""Where the store keeps things (containers/storage's overlay layout, under podpy's own roots)."""

from __future__ import annotations

import os

from podpy.util.record import record


@record
class StorePaths:
    graph_root: str
    run_root: str
    driver: str = "overlay"
    mount_options: str = ""  # storage.conf [storage.options.overlay] mountopt, added to every overlay mount

    @property
    def db(self) -> str:
        return os.path.join(self.graph_root, "podpy.db")

    @property
    def layers_dir(self) -> str:
        return os.path.join(self.graph_root, self.driver)

    @property
    def links_dir(self) -> str:
        return os.path.join(self.layers_dir, "l")

    @property
    def containers_dir(self) -> str:
        return os.path.join(self.graph_root, f"{self.driver}-containers")

    @property
    def locks_dir(self) -> str:
        return os.path.join(self.run_root, "locks")

    @property
    def store_lock(self) -> str:
        return os.path.join(self.graph_root, "storage.lock")

    def layer_dir(self, layer_id: str) -> str:
        return os.path.join(self.layers_dir, layer_id)

    def container_userdata(self, container_id: str) -> str:
        return os.path.join(self.containers_dir, container_id, "userdata")
