"""Named and anonymous volumes of the local driver: a directory under the graph root, or a filesystem
(tmpfs, a device, a bind) mounted on it while it is used (podpy.runtime.volume_mounts).

A volume is in use while a container's config names it; removal is refused then (or, forced, removes
those containers first). A new volume takes a copy of the image's content at its mount point the first
time a container mounts it, unless the mount or the volume says nocopy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

from podpy.errors import NameInUse, NoSuchVolume, PodpyError, UsageError, VolumeInUse
from podpy.state.volumes import VolumeStore
from podpy.util.record import asdict, field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from podpy.runtime.runtime import Runtime
    from podpy.specgen.mounts import UserMount
    from podpy.state.records import Container

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_OPTION_KEYS = ("type", "device", "o", "uid", "gid", "size", "inodes", "copy", "nocopy")


@record
class Volume:
    name: str
    created_at: str
    labels: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False
    needs_copy_up: bool = True
    driver: str = "local"

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def store(rt: Runtime) -> VolumeStore:
    return VolumeStore(rt.db)


def volume_dir(rt: Runtime, name: str) -> str:
    return os.path.join(rt.opts.graph_root, "volumes", name)


def mountpoint(rt: Runtime, name: str) -> str:
    return os.path.join(volume_dir(rt, name), "_data")


def _load(name: str, text: str) -> Volume:
    data = json.loads(text)
    data["name"] = name
    return Volume(**data)


def create_volume(rt: Runtime, name: str = "", *, labels: dict[str, str] | None = None,
                  options: dict[str, str] | None = None, anonymous: bool = False, ignore: bool = False) -> Volume:
    from podpy.util.ids import new_id
    from podpy.util.timefmt import now_rfc3339

    if name and not _NAME.match(name):
        raise UsageError("running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                         "invalid argument")
    _check_options(options or {})
    vol = Volume(name=name or new_id(), created_at=now_rfc3339(), labels=dict(labels or {}),
                 options=dict(options or {}), anonymous=anonymous)
    vs = store(rt)
    try:
        vs.add(vol.name, vol.to_json())
    except NameInUse:
        if ignore:
            return get_volume(rt, vol.name)
        raise
    try:
        os.makedirs(volume_dir(rt, vol.name), mode=0o700, exist_ok=True)
        os.makedirs(mountpoint(rt, vol.name), mode=0o755, exist_ok=True)
        if "uid" in vol.options or "gid" in vol.options:
            os.chown(mountpoint(rt, vol.name), int(vol.options.get("uid", -1)), int(vol.options.get("gid", -1)))
    except BaseException:
        vs.remove(vol.name)
        raise
    return vol


def _check_options(options: dict[str, str]) -> None:
    for key, value in options.items():
        if key not in _OPTION_KEYS:
            raise UsageError(f"invalid mount option {key} for driver 'local': invalid argument")
        if key in ("size", "inodes"):  # quotas: not on the filesystems podpy supports (tmpfs takes o=size=)
            raise UsageError("volume options size and inodes not supported. Filesystem does not support Project "
                             "Quota")
        if key in ("uid", "gid") and not value.isdigit():
            raise UsageError(f"cannot convert {key} {value} to integer: invalid argument")


def get_volume(rt: Runtime, name: str) -> Volume:
    text = store(rt).get(name)
    if text is None:
        raise NoSuchVolume(f'no volume with name "{name}" found: no such volume')
    return _load(name, text)


def list_volumes(rt: Runtime) -> list[Volume]:
    return [_load(n, t) for n, t in store(rt).all()]


def users(rt: Runtime, name: str) -> list[Container]:
    return [c for c in rt.state.list_containers()
            if any(m["type"] == "volume" and m["source"] == name for m in c.config.mounts)]


def inspect(rt: Runtime, vol: Volume) -> dict[str, Any]:
    return {"Name": vol.name, "Driver": vol.driver, "Mountpoint": mountpoint(rt, vol.name),
            "CreatedAt": vol.created_at, "Labels": dict(sorted(vol.labels.items())), "Scope": "local",
            "Options": dict(sorted(vol.options.items())), "MountCount": _mount_count(rt, vol),
            "NeedsCopyUp": vol.needs_copy_up, "NeedsChown": vol.needs_copy_up}


def _mount_count(rt: Runtime, vol: Volume) -> int:
    from podpy.runtime import volume_mounts

    return volume_mounts.mount_count(rt, vol.name) if volume_mounts.needs_mount(vol) else 0


def remove_volume(rt: Runtime, name: str, *, force: bool) -> None:
    from podpy.runtime import container

    vol = get_volume(rt, name)
    in_use = users(rt, vol.name)
    if in_use and not force:
        raise VolumeInUse(f"volume {vol.name} is being used by the following container(s): "
                          f"{', '.join(c.id for c in in_use)}: volume is being used")
    for ctr in in_use:
        container.remove(rt, ctr.id, force=True)
    _delete(rt, vol)


def _delete(rt: Runtime, vol: Volume) -> None:
    from podpy.runtime import volume_mounts
    from podpy.util.fs import remove_tree

    volume_mounts.drop(rt, vol.name, mountpoint(rt, vol.name))
    remove_tree(volume_dir(rt, vol.name))
    store(rt).remove(vol.name)


def used_names(rt: Runtime) -> set[str]:
    return {str(m["source"]) for c in rt.state.list_containers() for m in c.config.mounts if m["type"] == "volume"}


def prune(rt: Runtime, keep: Callable[[Volume], bool] | None = None) -> list[str]:
    """Delete the volumes no container uses (and that ``keep`` does not hold back)."""
    used = used_names(rt)
    removed: list[str] = []
    for vol in list_volumes(rt):
        if vol.name not in used and not (keep and keep(vol)):
            _delete(rt, vol)
            removed.append(vol.name)
    return removed


def with_image_volumes(image_config: str, mounts: list[UserMount]) -> list[UserMount]:
    """The image's VOLUME paths that no mount of the user covers become anonymous volumes."""
    from podpy.specgen.mounts import UserMount

    paths = (json.loads(image_config).get("config") or {}).get("Volumes") or {}
    taken = {m.destination for m in mounts}
    extra = [UserMount(os.path.normpath(p), "volume", "", []) for p in sorted(paths)
             if os.path.normpath(p) not in taken]
    return [*mounts, *extra]


def ensure_for_create(rt: Runtime, mounts: list[UserMount]) -> list[UserMount]:
    """Volumes the new container names that do not exist yet are made now (anonymous ones get a name)."""
    out: list[UserMount] = []
    for m in mounts:
        if m.type == "volume" and not m.source:
            m = replace(m, source=create_volume(rt, anonymous=True).name)
        elif m.type == "volume" and store(rt).get(m.source) is None:
            try:
                create_volume(rt, m.source, ignore=True)
            except UsageError as e:
                raise UsageError(f'creating named volume "{m.source}": {e}') from e
        out.append(m)
    return out


def resolve(rt: Runtime, mounts: list[UserMount], rootfs: str, *, holder: str) -> list[UserMount]:
    """Volume mounts become bind mounts of their data (a tmpfs volume mounted first; a new one copied up).

    ``holder``: the container that will use the mounts (released by `release_for`)."""
    from podpy.runtime import volume_mounts
    from podpy.specgen.mounts import UserMount

    out: list[UserMount] = []
    for m in mounts:
        if m.type != "volume":
            out.append(m)
            continue
        vol = get_volume(rt, m.source)
        mp = mountpoint(rt, vol.name)
        if volume_mounts.needs_mount(vol):
            volume_mounts.acquire(rt, vol, mp, holder)
        if vol.needs_copy_up:
            if "nocopy" not in m.options and "nocopy" not in vol.options:
                _copy_up(os.path.join(rootfs, m.destination.lstrip("/")), mp)
            store(rt).update(vol.name, replace(vol, needs_copy_up=False).to_json())
        opts = [o for o in m.options if o in ("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec")]
        out.append(UserMount(m.destination, "bind", mp, ["rbind", *opts, "rprivate"]))
    return out


def chown_for_user(rt: Runtime, mounts: list[dict[str, Any]], uid: int, gid: int) -> None:
    """`:U`: the volume's content belongs to the container's user (recursively, as Podman does)."""
    for m in mounts:
        if m["type"] != "volume" or "U" not in m["options"]:
            continue
        top = mountpoint(rt, str(m["source"]))
        os.lchown(top, uid, gid)
        for parent, dirs, files in os.walk(top):
            for entry in (*dirs, *files):
                os.lchown(os.path.join(parent, entry), uid, gid)


def _copy_up(source: str, dest: str) -> None:
    if not os.path.isdir(source) or os.path.islink(source) or os.listdir(dest):
        return
    if os.listdir(source):
        res = subprocess.run(["cp", "-a", "--", source + "/.", dest + "/"], capture_output=True, text=True,
                             check=False)
        if res.returncode != 0:
            raise PodpyError(f"copying up into volume: {res.stderr.strip()}")
    st = os.stat(source)
    os.chown(dest, st.st_uid, st.st_gid)
    os.chmod(dest, st.st_mode & 0o7777)


def release_for(rt: Runtime, ctr: Container) -> None:
    """The container stopped: its hold on mounted (tmpfs, device) volumes ends."""
    from podpy.runtime import volume_mounts

    for m in ctr.config.mounts:
        if m["type"] != "volume":
            continue
        text = store(rt).get(str(m["source"]))
        if text is not None and volume_mounts.needs_mount(vol := _load(str(m["source"]), text)):
            volume_mounts.release(rt, vol, mountpoint(rt, vol.name), ctr.id)


def mount(rt: Runtime, name: str) -> str:
    """`volume mount`: the data path, mounted first for a volume with a type or device (counted)."""
    from podpy.runtime import volume_mounts

    vol = get_volume(rt, name)
    mp = mountpoint(rt, vol.name)
    if volume_mounts.needs_mount(vol):
        volume_mounts.acquire(rt, vol, mp, None)
    return mp


def unmount(rt: Runtime, name: str) -> None:
    from podpy.runtime import volume_mounts

    vol = get_volume(rt, name)
    if volume_mounts.needs_mount(vol):
        volume_mounts.release(rt, vol, mountpoint(rt, vol.name), None)


def remove_anonymous(rt: Runtime, ctr: Container) -> None:
    """`rm -v` and `--rm`: the container's anonymous volumes go with it (if no other container uses them)."""
    for m in ctr.config.mounts:
        if m["type"] != "volume":
            continue
        text = store(rt).get(str(m["source"]))
        if text is None or not _load(str(m["source"]), text).anonymous:
            continue
        if any(c.id != ctr.id for c in users(rt, str(m["source"]))):
            continue
        _delete(rt, _load(str(m["source"]), text))
