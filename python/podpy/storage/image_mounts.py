"""Read-only mounts of images' root filesystems (`image mount`), reference-counted.

An image is mounted at ``merged`` in its top layer's directory, as Podman does. The counts
live in the run root (``image-mounts.json``), so that they vanish with the mounts at a
reboot; a count whose mount point is no longer a mount is dropped when next read.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager

from podpy.errors import StorageError
from podpy.storage.drivers import unmount
from podpy.storage.layers import LayerStore
from podpy.storage.paths import StorePaths
from podpy.util.atomic import atomic_write_text
from podpy.util.jsonfast import loads
from podpy.util.locks import flocked


class ImageMounts:
    def __init__(self, paths: StorePaths, layers: LayerStore) -> None:
        self.paths = paths
        self.layers = layers

    @property
    def _counts_path(self) -> str:
        return os.path.join(self.paths.run_root, "image-mounts.json")

    def mount_point(self, top_layer: str) -> str:
        return os.path.join(self.paths.layer_dir(top_layer), "merged")

    def _read(self) -> dict[str, int]:
        try:
            with open(self._counts_path) as f:
                raw = loads(f.read())
        except (FileNotFoundError, ValueError):
            return {}
        mounted = _mount_points()
        return {str(k): int(v) for k, v in raw.items() if int(v) > 0 and self.mount_point(str(k)) in mounted}

    def _write(self, counts: dict[str, int]) -> None:
        from json import dumps

        os.makedirs(self.paths.run_root, exist_ok=True)
        atomic_write_text(self._counts_path, dumps(counts), mode=0o600, fsync=False)

    def _lock(self) -> AbstractContextManager[int]:
        os.makedirs(self.paths.run_root, exist_ok=True)
        return flocked(os.path.join(self.paths.run_root, "image-mounts.lock"))

    def mounted(self) -> dict[str, int]:
        """Mounted top layers and their counts."""
        with self._lock():
            return self._read()

    def mount(self, top_layer: str) -> str:
        """Mount (or count once more) the image whose top layer is ``top_layer``; the mount point."""
        target = self.mount_point(top_layer)
        with self._lock():
            counts = self._read()
            if counts.get(top_layer, 0) == 0:
                self._mount(top_layer, target)
            counts[top_layer] = counts.get(top_layer, 0) + 1
            self._write(counts)
        return target

    def unmount(self, top_layer: str, *, force: bool = False) -> bool:
        """Drop one reference (all with ``force``); unmounted at zero. False if it was not mounted."""
        with self._lock():
            counts = self._read()
            count = counts.get(top_layer, 0)
            if count == 0:
                return False
            count = 0 if force else count - 1
            if count == 0:
                self._unmount(self.mount_point(top_layer))
                counts.pop(top_layer, None)
            else:
                counts[top_layer] = count
            self._write(counts)
        return True

    def _mount(self, top_layer: str, target: str) -> None:
        os.makedirs(target, mode=0o700, exist_ok=True)
        try:
            self.layers.driver.mount_image(self.layers.lower_dirs(top_layer), target)
        except OSError as e:
            raise StorageError(f"mounting image layer {top_layer[:12]}: {e.strerror or e}") from e

    @staticmethod
    def _unmount(target: str) -> None:
        unmount(target)


def _mount_points() -> set[str]:
    """Mount points of this mount namespace (a bind mount within one filesystem escapes os.path.ismount)."""
    points = set()
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            fields = line.split(b" ")
            if len(fields) > 4:
                raw = fields[4]
                for code in (b"\\040", b"\\011", b"\\012", b"\\134"):
                    raw = raw.replace(code, bytes([int(code[1:], 8)]))
                points.add(os.fsdecode(raw))
    return points
