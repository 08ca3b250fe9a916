"""`export`: a container's root filesystem as a tar stream (mounted for the time it takes if needed)."""

from __future__ import annotations

import os
import tarfile

from podpy.runtime.container import locked
from podpy.runtime.runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO


def export_rootfs(rt: Runtime, name_or_id: str, out: BinaryIO) -> None:
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id) or ctr
        mounted_here = not current.state.rootfs
        if mounted_here:
            image = rt.store.images.get(ctr.config.image_id)
            rootfs = rt.store.rootfs.mount(ctr.id, image.top_layer if image else "")
        else:
            rootfs = current.state.rootfs
        try:
            with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                for entry in sorted(os.listdir(rootfs)):
                    tar.add(os.path.join(rootfs, entry), arcname=entry, recursive=True)
        finally:
            if mounted_here:
                rt.store.rootfs.unmount(ctr.id)
