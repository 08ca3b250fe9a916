"""`export`: a container's root filesystem as a tar stream (mounted for the time it takes if needed)."""

from __future__ import annotations

import os
import tarfile

from podpy.runtime.mounting import container_root
from podpy.runtime.runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO


def export_rootfs(rt: Runtime, name_or_id: str, out: BinaryIO) -> None:
    with container_root(rt, name_or_id) as (_, rootfs), \
            tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(os.listdir(rootfs)):
            tar.add(os.path.join(rootfs, entry), arcname=entry, recursive=True)
