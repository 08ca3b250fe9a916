"""`volume export` and `volume import`: a volume's data as a tar stream, and a tar stream into a volume.

Entries are named relative to the data directory (`f`, `d/`), as Podman writes them. Import refuses
entries that would land outside the volume (absolute names, `..`, links pointing out), strips set-id
and group/other write bits (tarfile's `tar` filter) and keeps numeric owners; gzip, bzip2 and xz
streams are recognised. Podman imports into an unmounted tmpfs volume's hidden directory; podpy refuses.
"""

from __future__ import annotations

import os
import tarfile

from podpy.errors import PodpyError
from podpy.runtime import volume_mounts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from podpy.runtime.runtime import Runtime

_MEMORY_FS = ("tmpfs", "ramfs")


def export_volume(rt: Runtime, name: str, out: BinaryIO) -> None:
    from podpy.runtime import volumes

    vol = volumes.get_volume(rt, name)
    data = volumes.mount(rt, vol.name)
    try:
        with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for entry in sorted(os.listdir(data)):
                tar.add(os.path.join(data, entry), arcname=entry, recursive=True)
    finally:
        volumes.unmount(rt, vol.name)


def import_volume(rt: Runtime, name: str, source: BinaryIO) -> None:
    from podpy.runtime import volumes

    vol = volumes.get_volume(rt, name)
    if vol.options.get("type") in _MEMORY_FS and not volume_mounts.mount_count(rt, vol.name):
        raise PodpyError(f"volume {vol.name} is a {vol.options['type']} that is not mounted: the imported data "
                         "would be lost (mount it with `volume mount`, or import while a container uses it)")
    data = volumes.mount(rt, vol.name)
    try:
        with tarfile.open(fileobj=source, mode="r|*") as tar:
            tar.extractall(data, numeric_owner=True, filter="tar")
    except (tarfile.TarError, EOFError) as e:
        raise PodpyError(f"importing into volume {vol.name}: {e}") from e
    finally:
        volumes.unmount(rt, vol.name)

