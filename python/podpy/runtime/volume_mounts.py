"""Mounts of volumes with a `type`/`device` option: mounted for their first user, unmounted after the last.

Users are the containers that run with the volume (each counted once, so a repeated release is harmless)
and `volume mount` calls (counted each time, undone by `volume unmount`). They are recorded under the
runroot, which a reboot empties together with the mounts themselves; a per-volume flock orders concurrent
starts and stops.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from contextlib import contextmanager

from podpy.errors import PodpyError
from podpy.util.atomic import atomic_write
from podpy.util.locks import flocked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from podpy.runtime.runtime import Runtime
    from podpy.runtime.volumes import Volume


def needs_mount(vol: Volume) -> bool:
    return bool(vol.options.get("type") or vol.options.get("device"))


def _users_file(rt: Runtime, name: str) -> str:
    return os.path.join(rt.opts.run_root, "volumes", name + ".users")


@contextmanager
def _locked(rt: Runtime, name: str) -> Iterator[None]:
    os.makedirs(rt.run_paths.locks_dir, mode=0o700, exist_ok=True)
    with flocked(os.path.join(rt.run_paths.locks_dir, f"volume-{name}.lock")):
        yield


def _read(rt: Runtime, name: str) -> tuple[list[str], int]:
    """The containers using the mount and the number of `volume mount` calls not yet undone."""
    try:
        with open(_users_file(rt, name), encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return [], 0
    return [str(c) for c in data.get("containers", [])], int(data.get("manual", 0))


def _write(rt: Runtime, name: str, containers: list[str], manual: int) -> None:
    os.makedirs(os.path.dirname(_users_file(rt, name)), mode=0o700, exist_ok=True)
    atomic_write(_users_file(rt, name), json.dumps({"containers": containers, "manual": manual}).encode(),
                 fsync=False)


def mount_count(rt: Runtime, name: str) -> int:
    containers, manual = _read(rt, name)
    return len(containers) + manual


def acquire(rt: Runtime, vol: Volume, mountpoint: str, holder: str | None) -> None:
    """Mount the volume if nobody has yet; ``holder`` is a container ID, None a `volume mount`."""
    with _locked(rt, vol.name):
        containers, manual = _read(rt, vol.name)
        if not is_mounted(mountpoint):
            _mount(vol, mountpoint)
        if holder is None:
            manual += 1
        elif holder not in containers:
            containers.append(holder)
        _write(rt, vol.name, containers, manual)


def release(rt: Runtime, vol: Volume, mountpoint: str, holder: str | None) -> None:
    """Undo one acquire; the last one unmounts."""
    with _locked(rt, vol.name):
        containers, manual = _read(rt, vol.name)
        if holder is None:
            manual = max(0, manual - 1)
        elif holder in containers:
            containers.remove(holder)
        else:
            return
        if not containers and not manual:
            unmount(mountpoint)
            _forget(rt, vol.name)
        else:
            _write(rt, vol.name, containers, manual)


def _forget(rt: Runtime, name: str) -> None:
    try:
        os.unlink(_users_file(rt, name))
    except FileNotFoundError:
        pass


def drop(rt: Runtime, name: str, mountpoint: str) -> None:
    """The volume is being deleted: unmount whatever holds it."""
    with _locked(rt, name):
        unmount(mountpoint)
        _forget(rt, name)


def is_mounted(path: str) -> bool:
    """From mountinfo: os.path.ismount misses a bind mount of a directory of the same filesystem."""
    real = os.path.realpath(path)
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            target = line.split(" ", 5)[4]
            if "\\" in target:
                target = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), target)
            if target == real:
                return True
    return False


def unmount(mountpoint: str) -> None:
    while is_mounted(mountpoint):
        res = subprocess.run(["umount", mountpoint], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise PodpyError(f"unmounting volume {mountpoint}: {res.stderr.strip()}")


def _mount(vol: Volume, mountpoint: str) -> None:
    kind, device = vol.options.get("type", ""), vol.options.get("device", "")
    args = ["mount"]
    if kind:
        args += ["-t", kind]
    if vol.options.get("o"):
        args += ["-o", vol.options["o"]]
    args += [device or kind, mountpoint]
    res = subprocess.run(args, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise PodpyError(f"mounting volume {vol.name}: {res.stderr.strip()}")
    uid, gid = vol.options.get("uid"), vol.options.get("gid")
    if uid is not None or gid is not None:
        os.chown(mountpoint, int(uid) if uid is not None else -1, int(gid) if gid is not None else -1)
