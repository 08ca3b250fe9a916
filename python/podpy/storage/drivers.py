"""Storage drivers: how layers are stacked and how containers get a root filesystem.

overlay (the default): each layer directory holds only what its tar holds, whiteouts in
overlay form; images and containers are overlay mounts of the layer chain.

vfs (the fallback, for hosts or graph roots without overlay): each layer directory is its
parent's tree plus the layer applied (deletions carried out), so layers are unpacked in
chain order; a container's root filesystem is a full copy of its image's top layer and
its changes are found by comparing the two trees. Unchanged files of a layer are hard
links to its parent's: the extractor replaces a file rather than writing into it, and
nothing writes into an image layer afterwards. Containers get real copies.

The choice of driver is made here only (``driver_for``).
"""

from __future__ import annotations

import errno
import os

from podpy import _native
from podpy.errors import ConfigError, StorageError
from podpy.storage.paths import StorePaths
from podpy.util.fs import remove_tree

_MS_RDONLY = 1
_MS_REMOUNT = 32
_MS_BIND = 4096
_PAGE = 4096

DRIVERS = ("overlay", "vfs")


TYPE_CHECKING = False
if TYPE_CHECKING:
    # Type checking only: importing typing costs several milliseconds of every command's start.
    from typing import Protocol

    class Driver(Protocol):
        name: str
        whiteouts: str  # the extractor's whiteout mode for this driver's layers
        stacked: bool  # a layer directory holds its parents' files too: unpack in chain order

        def prepare_layer(self, parent_diff: str | None, diff: str) -> None:
            """Fill a new layer's (empty) directory before its tar is applied."""

        def mount_image(self, lowers: list[str], target: str) -> None:
            """A read-only mount of an image's root filesystem (``lowers`` top first)."""

        def create_rootfs(self, base: str, image_root: str | None) -> None:
            """A container's writable layer directories under ``base``; ``image_root`` is the top layer's tree."""

        def mount_rootfs(self, base: str, lowers: list[str], *, volatile: bool) -> str:
            """The container's root filesystem, mounted if need be; its path."""

        def unmount_rootfs(self, base: str) -> None: ...


def driver_for(paths: StorePaths) -> Driver:
    if paths.driver == "overlay":
        return OverlayDriver(paths)
    if paths.driver == "vfs":
        return VfsDriver(paths)
    raise ConfigError(f"unknown storage driver {paths.driver!r} (supported: {', '.join(DRIVERS)})")


def unmount(target: str) -> None:
    """Unmount ``target``; not mounted is fine, busy detaches it."""
    try:
        _native.unmount(target, False)
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.ENOENT):
            return
        if e.errno == errno.EBUSY:
            _native.unmount(target, True)
            return
        raise StorageError(f"unmounting {target}: {e.strerror or e}") from e


# mount(2) flags among storage.conf's mountopt words; the rest are overlay's own options.
_FLAG_WORDS = {"ro": 1, "nosuid": 2, "nodev": 4, "noexec": 8, "sync": 16, "noatime": 1024, "nodiratime": 2048,
               "relatime": 1 << 21, "strictatime": 1 << 24}


def mount_options(mountopt: str) -> tuple[int, str]:
    """storage.conf's overlay `mountopt` as mount flags and extra data (`,key=value…`), as containers/storage
    splits it."""
    flags = 0
    data: list[str] = []
    for word in (w.strip() for w in mountopt.split(",")):
        if not word:
            continue
        if word in _FLAG_WORDS:
            flags |= _FLAG_WORDS[word]
        else:
            data.append(word)
    return flags, "".join("," + d for d in data)


def _mount_in(base: str, lowers: list[str], build: str, target: str, flags: int) -> None:
    """An overlay mount whose option string is limited to one page: with many layers (128 and more) the
    lower dirs are given relative to ``base``, which the mount call runs in (as containers/storage does)."""
    data = build.format(lowers=":".join(lowers))
    if len(data) + 64 < _PAGE:
        _native.mount("overlay", target, "overlay", flags, data)
        return
    data = build.format(lowers=":".join(os.path.relpath(lower, base) for lower in lowers))
    previous = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.chdir(base)
        _native.mount("overlay", target, "overlay", flags, data)
    finally:
        os.fchdir(previous)
        os.close(previous)


class OverlayDriver:
    name = "overlay"
    whiteouts = "overlay"
    stacked = False

    def __init__(self, paths: StorePaths) -> None:
        self.paths = paths

    def prepare_layer(self, parent_diff: str | None, diff: str) -> None:
        pass

    def mount_image(self, lowers: list[str], target: str) -> None:
        if len(lowers) == 1:
            # overlayfs wants two lower directories when there is no upper one
            empty = os.path.join(os.path.dirname(target), "empty")
            os.makedirs(empty, mode=0o700, exist_ok=True)
            lowers = [*lowers, empty]
        flags, data = mount_options(self.paths.mount_options)
        _mount_in(self.paths.layers_dir, lowers, "lowerdir={lowers}" + data, target, _MS_RDONLY | flags)

    def create_rootfs(self, base: str, image_root: str | None) -> None:
        for sub in ("diff", "work", "merged"):
            os.makedirs(os.path.join(base, sub), mode=0o755, exist_ok=True)

    def mount_rootfs(self, base: str, lowers: list[str], *, volatile: bool) -> str:
        """``volatile`` (for containers removed when they exit, as Podman does for --rm) skips the
        sync of the whole upper filesystem that unmounting an overlay otherwise does: 0.1 ms instead
        of 15 ms and more on a busy disk. The kernel leaves a marker in the work directory that
        refuses the next volatile mount; a throw-away layer has nothing to protect, so it goes."""
        merged = os.path.join(base, "merged")
        upper, work = os.path.join(base, "diff"), os.path.join(base, "work")
        options = ""
        if volatile:
            options = ",volatile"
            marker = os.path.join(work, "work", "incompat")
            if os.path.lexists(marker):
                remove_tree(marker)
        if lowers:
            flags, data = mount_options(self.paths.mount_options)
            build = f"lowerdir={{lowers}},upperdir={upper},workdir={work}{options}{data}"
            _mount_in(self.paths.layers_dir, lowers, build, merged, flags)
        else:
            _native.mount(upper, merged, "none", _MS_BIND, None)
        return merged

    def unmount_rootfs(self, base: str) -> None:
        unmount(os.path.join(base, "merged"))


class VfsDriver:
    name = "vfs"
    whiteouts = "apply"
    stacked = True

    def __init__(self, paths: StorePaths) -> None:
        self.paths = paths

    def prepare_layer(self, parent_diff: str | None, diff: str) -> None:
        if parent_diff:
            _copy_tree(parent_diff, diff, link=True)

    def mount_image(self, lowers: list[str], target: str) -> None:
        _native.mount(lowers[0], target, "none", _MS_BIND, None)
        _native.mount("none", target, "none", _MS_BIND | _MS_REMOUNT | _MS_RDONLY, None)

    def create_rootfs(self, base: str, image_root: str | None) -> None:
        diff = os.path.join(base, "diff")
        os.makedirs(base, mode=0o755, exist_ok=True)
        if image_root and not os.path.isdir(diff):
            tmp = os.path.join(base, ".tmp-diff")
            remove_tree(tmp)
            os.makedirs(tmp, mode=0o755)
            _copy_tree(image_root, tmp, link=False)
            os.rename(tmp, diff)
        os.makedirs(diff, mode=0o755, exist_ok=True)

    def mount_rootfs(self, base: str, lowers: list[str], *, volatile: bool) -> str:
        return os.path.join(base, "diff")

    def unmount_rootfs(self, base: str) -> None:
        pass


def _copy_tree(src: str, dest: str, *, link: bool) -> None:
    """Copy ``src``'s contents into the existing ``dest`` with owners, modes, times, xattrs, devices and
    hard links kept; ``link`` hard-links the files instead of copying them."""
    argv = ["cp", "-a", "--no-target-directory"]
    argv.append("-l" if link else "--reflink=auto")
    import subprocess

    proc = subprocess.run([*argv, src, dest], capture_output=True, text=True)
    if proc.returncode != 0:
        raise StorageError(f"copying {src} to {dest}: {proc.stderr.strip()}")
