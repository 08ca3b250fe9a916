"""`mount` / `umount`: a container's root filesystem on the host, outside of running it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.errors import InvalidStateError
from podpy.runtime.container import locked
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import sync
from podpy.state.records import Container


def mount(rt: Runtime, name_or_id: str) -> str:
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id) or ctr
        if current.state.rootfs:
            return current.state.rootfs
        image = rt.store.images.get(ctr.config.image_id)
        current.state.rootfs = rt.store.rootfs.mount(ctr.id, image.top_layer if image else "")
        rt.state.save_state(ctr.id, current.state)
        return current.state.rootfs


def unmount(rt: Runtime, name_or_id: str, *, force: bool = False) -> str:
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = sync(rt, rt.state.get_container(ctr.id) or ctr)
        if current.state.status.is_active():
            if not force:
                raise InvalidStateError(f"cannot unmount container {ctr.id} as it is running: "
                                        "container state improper")
            return ctr.id
        if current.state.rootfs:
            rt.store.rootfs.unmount(ctr.id)
            current.state.rootfs = ""
            rt.state.save_state(ctr.id, current.state)
        return ctr.id


def mounted(rt: Runtime) -> list[tuple[str, str]]:
    return [(c.id, c.state.rootfs) for c in rt.state.list_containers() if c.state.rootfs]


@contextmanager
def container_root(rt: Runtime, name_or_id: str) -> Iterator[tuple[Container, str]]:
    """The container (under its lock) and its root filesystem on the host, mounted for the time of the
    block if it was not (`cp`, `export`, `commit --squash`); a --rootfs container's own directory."""
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id) or ctr
        if not current.config.rootfs_from_image:
            yield current, current.config.rootfs_path
            return
        mounted_here = not current.state.rootfs or not os.path.ismount(current.state.rootfs)
        if mounted_here:
            image = rt.store.images.get(ctr.config.image_id)
            rootfs = rt.store.rootfs.mount(ctr.id, image.top_layer if image else "")
        else:
            rootfs = current.state.rootfs
        try:
            yield current, rootfs
        finally:
            if mounted_here:
                rt.store.rootfs.unmount(ctr.id)
