"""The container half of `commit` and `diff`: a container's writable layer read as changes or as a layer tar."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from podpy.define.states import ContainerStatus
from podpy.runtime.runtime import Runtime
from podpy.state.records import Container
from podpy.storage.layers import LayerTar


def upper_dir(rt: Runtime, container_id: str) -> str:
    """The overlay upper directory holding what the container changed (vfs: the container's whole tree)."""
    return os.path.join(rt.store.paths.layer_dir(container_id), "diff")


def _image_lowers(rt: Runtime, ctr: Container) -> list[str]:
    image = rt.store.images.get(ctr.config.image_id)
    return rt.store.layers.lower_dirs(image.top_layer) if image is not None and image.top_layer else []


# Mount points the engine makes in every container: Podman leaves them out of a container's diff.
INIT_PATHS = frozenset({"/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/run", "/run/notify",
                        "/run/.containerenv", "/run/secrets", "/run/podman-init", "/sys", "/sys/fs", "/sys/fs/cgroup"})


def container_changes(rt: Runtime, name_or_id: str) -> list[tuple[str, str]]:
    ctr = rt.state.lookup_container(name_or_id)
    changes = rt.store.layers.changes(upper_dir(rt, ctr.id), _image_lowers(rt, ctr))
    return [(kind, path) for kind, path in changes if path not in INIT_PATHS]


def settings(ctr: Container) -> dict[str, Any]:
    """The container's run settings in image-config form (they become the committed image's defaults)."""
    import signal

    cfg = ctr.config
    out: dict[str, Any] = {"Env": list(cfg.env), "Cmd": list(cfg.command), "Entrypoint": list(cfg.entrypoint),
                           "WorkingDir": cfg.workdir, "User": cfg.user, "Labels": dict(cfg.labels)}
    if cfg.stop_signal and cfg.stop_signal != signal.SIGTERM:
        try:
            out["StopSignal"] = signal.Signals(cfg.stop_signal).name
        except ValueError:
            out["StopSignal"] = str(cfg.stop_signal)
    return out


@contextmanager
def layer_tar(rt: Runtime, name_or_id: str, *, pause: bool, squash: bool) -> Iterator[tuple[Container, str, LayerTar]]:
    """The container's changes (its whole root filesystem with ``squash``) as a layer tar in a temp file.

    Yields the container, a path to the tar and its digest; a running container is paused for the
    time the tar takes when ``pause``.
    """
    from podpy.runtime.control import pause as freeze
    from podpy.runtime.control import unpause
    from podpy.runtime.sync import sync

    ctr = sync(rt, rt.state.lookup_container(name_or_id))
    paused = False
    if pause and ctr.state.status is ContainerStatus.RUNNING:
        freeze(rt, ctr.id)
        paused = True
    tmp_dir = os.path.join(rt.store.paths.graph_root, "tmp")
    os.makedirs(tmp_dir, mode=0o700, exist_ok=True)
    with tempfile.TemporaryFile(dir=tmp_dir, prefix="podpy-commit-") as tmp:
        try:
            if squash:
                made = _squashed(rt, ctr, tmp.fileno())
            else:
                made = rt.store.layers.diff_tar(upper_dir(rt, ctr.id), _image_lowers(rt, ctr), tmp.fileno())
        finally:
            if paused:
                unpause(rt, ctr.id)
        with tempfile.TemporaryFile(dir=tmp_dir, prefix="podpy-commit-") as clean:
            if not squash:
                filtered = _without_mount_points(tmp, clean)
                if filtered is not None:
                    yield ctr, f"/proc/self/fd/{clean.fileno()}", filtered
                    return
            yield ctr, f"/proc/self/fd/{tmp.fileno()}", made


# Files the runtime creates in the writable layer as targets of podpy's bind mounts: Podman leaves them
# out of committed images (what the container wrote there went to the mount's source, not the layer).
_MOUNT_POINT_FILES = frozenset({"etc/hosts", "etc/hostname", "etc/resolv.conf", "run/.containerenv",
                                "run/podman-init"})


def _without_mount_points(tar_file: Any, out: Any) -> LayerTar | None:
    """The layer tar without mount-point files, or None when it has none (the tar is then used as is)."""
    import hashlib
    import tarfile

    tar_file.seek(0)
    with tarfile.open(fileobj=tar_file, mode="r|") as tar:
        if not any(m.name.lstrip("./") in _MOUNT_POINT_FILES and m.isfile() for m in tar):
            return None
    tar_file.seek(0)
    with tarfile.open(fileobj=tar_file, mode="r|") as src, \
            tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as dst:
        for member in src:
            if member.name.lstrip("./") in _MOUNT_POINT_FILES and member.isfile():
                continue
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    out.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: out.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    out.seek(0)
    return LayerTar(diff_id="sha256:" + digest.hexdigest(), size=size, original=False)


def _squashed(rt: Runtime, ctr: Container, fd: int) -> LayerTar:
    from podpy.runtime.mounting import container_root

    with container_root(rt, ctr.id) as (_, rootfs):
        return rt.store.layers.diff_tar(rootfs, [], fd)
