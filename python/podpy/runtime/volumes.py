"""Named and anonymous volumes of the local driver: a directory under the graph root, or a tmpfs on it.

A volume is in use while a container's config names it; removal is refused then (or, forced, removes
those containers first). A new volume takes a copy of the image's content at its mount point the first
time a container mounts it, unless the mount says nocopy.
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
    from typing import Any

    from podpy.runtime.runtime import Runtime
    from podpy.specgen.mounts import UserMount
    from podpy.state.records import Container

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_OPTION_KEYS = ("type", "device", "o", "uid", "gid", "size", "copy", "nocopy")


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
        raise UsageError(f"invalid volume name {name!r}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                         "invalid argument")
    for key in options or {}:
        if key not in _OPTION_KEYS:
            raise UsageError(f"invalid mount option {key} for driver 'local': invalid argument")
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
    except BaseException:
        vs.remove(vol.name)
        raise
    return vol


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
            "CreatedAt": vol.created_at, "Labels": dict(vol.labels), "Scope": "local",
            "Options": dict(vol.options), "MountCount": _mount_count(rt, vol),
            "NeedsCopyUp": vol.needs_copy_up, "NeedsChown": vol.needs_copy_up}


def _mount_count(rt: Runtime, vol: Volume) -> int:
    if vol.options.get("type") or vol.options.get("device"):
        return 1 if os.path.ismount(mountpoint(rt, vol.name)) else 0
    return 0


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
    from podpy.util.fs import remove_tree

    mp = mountpoint(rt, vol.name)
    if os.path.ismount(mp):
        subprocess.run(["umount", mp], check=False, capture_output=True)
    remove_tree(volume_dir(rt, vol.name))
    store(rt).remove(vol.name)


def prune(rt: Runtime) -> list[str]:
    used = {m["source"] for c in rt.state.list_containers() for m in c.config.mounts if m["type"] == "volume"}
    removed: list[str] = []
    for vol in list_volumes(rt):
        if vol.name not in used:
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
            create_volume(rt, m.source, ignore=True)
        out.append(m)
    return out


def resolve(rt: Runtime, mounts: list[UserMount], rootfs: str) -> list[UserMount]:
    """Volume mounts become bind mounts of their data (a tmpfs volume mounted first; a new one copied up)."""
    from podpy.specgen.mounts import UserMount

    out: list[UserMount] = []
    for m in mounts:
        if m.type != "volume":
            out.append(m)
            continue
        vol = get_volume(rt, m.source)
        mp = mountpoint(rt, vol.name)
        _mount_device(vol, mp)
        if vol.needs_copy_up:
            if "nocopy" not in m.options:
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


def _mount_device(vol: Volume, mp: str) -> None:
    kind, device = vol.options.get("type", ""), vol.options.get("device", "")
    if not kind and not device:
        return
    if os.path.ismount(mp):
        return
    args = ["mount"]
    if kind:
        args += ["-t", kind]
    if vol.options.get("o"):
        args += ["-o", vol.options["o"]]
    args += [device or kind, mp]
    res = subprocess.run(args, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise PodpyError(f"mounting volume {vol.name}: {res.stderr.strip()}")


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
