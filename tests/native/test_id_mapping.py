"""extract_layer's uid/gid mapping (container id ranges → host id ranges) through the binding."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator

import pytest

from podpy import _native

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="chown to other ids needs root")


@pytest.fixture
def tmp() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="podpy-native-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _layer(path: str) -> str:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        d = tarfile.TarInfo("home/user")
        d.type, d.mode, d.uid, d.gid = tarfile.DIRTYPE, 0o750, 1000, 1000
        tar.addfile(d)
        f = tarfile.TarInfo("usr/bin/su")
        f.size, f.mode, f.uid, f.gid = 2, 0o4755, 0, 0
        tar.addfile(f, io.BytesIO(b"su"))
        big = tarfile.TarInfo("home/user/big-id")  # an id past the ustar field: PAX carries it
        big.size, big.mode, big.uid, big.gid = 0, 0o644, 3_000_000, 0
        tar.addfile(big, io.BytesIO(b""))
    return path


def test_ids_are_mapped_and_modes_kept(tmp: str) -> None:
    layer = _layer(os.path.join(tmp, "layer.tar"))
    dest = os.path.join(tmp, "root")
    os.mkdir(dest)
    unmapped = _native.extract_layer(layer, dest, whiteouts="apply")
    shutil.rmtree(dest)
    os.mkdir(dest)
    stats = _native.extract_layer(layer, dest, whiteouts="apply",
                                  uid_map=[(0, 100000, 65536), (3_000_000, 900_000, 1)],
                                  gid_map=[(0, 200000, 65536)])
    assert stats.diff_id == unmapped.diff_id  # the map changes the files, not what the layer is
    st = os.lstat(os.path.join(dest, "home/user"))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (101000, 201000, 0o750)
    st = os.lstat(os.path.join(dest, "usr/bin/su"))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (100000, 200000, 0o4755)
    assert os.lstat(os.path.join(dest, "home/user/big-id")).st_uid == 900_000


def test_an_unmapped_id_is_refused(tmp: str) -> None:
    layer = _layer(os.path.join(tmp, "layer.tar"))
    dest = os.path.join(tmp, "root")
    os.mkdir(dest)
    with pytest.raises(_native.CorruptArchiveError, match="cannot be mapped"):
        _native.extract_layer(layer, dest, uid_map=[(0, 100000, 1000)])
