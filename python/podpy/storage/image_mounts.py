"""Read-only mounts of images' root filesystems (`image mount`), reference-counted.

An image is mounted at ``merged`` in its top layer's directory, as Podman does. The counts
live in the run root (``image-mounts.json``), so that they vanish with the mounts at a
reboot; a count whose mount point is no longer a mount is dropped when next read.
"""

from __future__ import annotations

import errno
import json
import os
from contextlib import AbstractContextManager

from podpy import _native
from podpy.errors import StorageError
from podpy.storage.layers import LayerStore
from podpy.storage.paths import StorePaths
from podpy.util.atomic import atomic_write_text
from podpy.util.locks import flocked

_MS_RDONLY = 1
_MS_BIND = 4096
_MS_REMOUNT = 32


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
                raw = json.load(f)
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): int(v) for k, v in raw.items()
                if int(v) > 0 and os.path.ismount(self.mount_point(str(k)))}

    def _write(self, counts: dict[str, int]) -> None:
        os.makedirs(self.paths.run_root, exist_ok=True)
        atomic_write_text(self._counts_path, json.dumps(counts), mode=0o600, fsync=False)

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
        lowers = self.layers.lower_dirs(top_layer)
        try:
            if self.paths.driver == "vfs":
                source = self.layers.diff_dir(top_layer)
                _native.mount(source, target, "none", _MS_BIND, None)
                _native.mount("none", target, "none", _MS_BIND | _MS_REMOUNT | _MS_RDONLY, None)
                return
            if len(lowers) == 1:
                # overlayfs wants two lower directories when there is no upper one
                empty = os.path.join(self.paths.layer_dir(top_layer), "empty")
                os.makedirs(empty, mode=0o700, exist_ok=True)
                lowers.append(empty)
            _mount_overlay_ro(self.paths.layers_dir, lowers, target)
        except OSError as e:
            raise StorageError(f"mounting image layer {top_layer[:12]}: {e.strerror or e}") from e

    @staticmethod
    def _unmount(target: str) -> None:
        try:
            _native.unmount(target, False)
        except OSError as e:
            if e.errno in (errno.EINVAL, errno.ENOENT):
                return
            if e.errno == errno.EBUSY:
                _native.unmount(target, True)
                return
            raise StorageError(f"unmounting {target}: {e.strerror or e}") from e


def _mount_overlay_ro(base: str, lowers: list[str], target: str) -> None:
    """A read-only overlay of ``lowers``; given relative to ``base`` when the option string would pass a page."""
    data = "lowerdir=" + ":".join(lowers)
    if len(data) < 4000:
        _native.mount("overlay", target, "overlay", _MS_RDONLY, data)
        return
    data = "lowerdir=" + ":".join(os.path.relpath(lower, base) for lower in lowers)
    previous = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.chdir(base)
        _native.mount("overlay", target, "overlay", _MS_RDONLY, data)
    finally:
        os.fchdir(previous)
        os.close(previous)
