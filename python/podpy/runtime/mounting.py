"""`mount` / `umount`: a container's root filesystem on the host, outside of running it."""

from __future__ import annotations

from podpy.errors import InvalidStateError
from podpy.runtime.container import locked
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import sync


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
