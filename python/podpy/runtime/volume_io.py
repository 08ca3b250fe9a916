"""`volume export` and `volume import`: a volume's data as a tar stream, and a tar stream into a volume.

Entries are named relative to the data directory (`f`, `d/`), as Podman writes them. Import refuses
entries that would land outside the volume (absolute names, `..`, links pointing out), strips set-id
and group/other write bits (tarfile's `tar` filter) and keeps numeric owners; gzip, bzip2 and xz
streams are recognised. Podman imports into an unmounted tmpfs volume's hidden directory; podpy refuses.
"""

from __future__ import annotations

import lzma
import os
import shutil
import tarfile
import tempfile
import zlib
from contextlib import contextmanager

from podpy.errors import PodpyError
from podpy.runtime import volume_mounts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
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
                tar.add(os.path.join(data, entry), arcname=entry, recursive=True, filter=_numeric)
    finally:
        volumes.unmount(rt, vol.name)


def _numeric(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Numeric owners only, as Podman writes them (the host's user names mean nothing in a volume)."""
    info.uname = info.gname = ""
    return info


def import_volume(rt: Runtime, name: str, source: BinaryIO) -> None:
    from podpy.runtime import volumes

    vol = volumes.get_volume(rt, name)
    if vol.options.get("type") in _MEMORY_FS and not volume_mounts.mount_count(rt, vol.name):
        raise PodpyError(f"volume {vol.name} is a {vol.options['type']} that is not mounted: the imported data "
                         "would be lost (mount it with `volume mount`, or import while a container uses it)")
    data = volumes.mount(rt, vol.name)
    try:
        with _spooled(source, volumes.volume_dir(rt, vol.name)) as archive, \
                tarfile.open(fileobj=archive, mode="r:*") as tar:
            members = tar.getmembers()
            for member in members:
                tarfile.tar_filter(member, data)  # refuse the archive before anything is written
            tar.extractall(data, members=members, numeric_owner=True, filter="tar")  # checked again, as written
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as e:
        if isinstance(e, OSError) and e.errno is not None:
            raise  # the disk's trouble, not the archive's
        raise PodpyError(f"importing into volume {vol.name}: {e}") from e
    finally:
        volumes.unmount(rt, vol.name)


@contextmanager
def _spooled(source: BinaryIO, directory: str) -> Iterator[BinaryIO]:
    """A seekable copy of a pipe (in the volume's own directory: same filesystem, root's only), so the
    whole archive is checked before the first entry is written."""
    if source.seekable():
        yield source
        return
    with tempfile.TemporaryFile(dir=directory) as spool:
        shutil.copyfileobj(source, spool, 1 << 20)
        spool.seek(0)
        yield spool

