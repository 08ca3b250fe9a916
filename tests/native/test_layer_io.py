"""The layer I/O of podpy._native against the real kernel: tar-split round trips and a real overlay upper."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator

import pytest

from podpy import _native

needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="overlay mounts, whiteout devices and trusted xattrs need root")


@pytest.fixture
def tmp() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="podpy-native-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    yield path
    subprocess.run(["umount", "-R", os.path.join(path, "merged")], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


def _tar(entries: list[tarfile.TarInfo | tuple[str, bytes]], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tar.addfile(entry)
            else:
                info = tarfile.TarInfo(entry[0])
                info.size, info.mode, info.mtime = len(entry[1]), 0o644, 1_600_000_000
                tar.addfile(info, io.BytesIO(entry[1]))
    return buf.getvalue()


def _info(name: str, kind: bytes, **attrs: object) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mtime, info.mode = kind, 1_600_000_000, 0o755
    for key, value in attrs.items():
        setattr(info, key, value)
    return info


def _extract(data: bytes, dest: str, split: str | None = None) -> _native.LayerStats:
    os.makedirs(dest, exist_ok=True)
    path = dest + ".tar"
    with open(path, "wb") as f:
        f.write(data)
    return _native.extract_layer(path, dest, split_path=split)


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT])
def test_extract_then_assemble_gives_the_same_bytes(tmp: str, fmt: int) -> None:
    entries: list[tarfile.TarInfo | tuple[str, bytes]] = [
        _info("dir", tarfile.DIRTYPE),
        ("dir/file", b"content"),
        ("dir/" + "x" * 90, b"long enough for ustar's prefix field"),
        _info("dir/link", tarfile.SYMTYPE, linkname="file", mode=0o777),
        _info("dir/hard", tarfile.LNKTYPE, linkname="dir/file", mode=0o644),
        _info("dir/fifo", tarfile.FIFOTYPE, mode=0o600),
        (".wh.removed", b""),
    ]
    if fmt != tarfile.USTAR_FORMAT:
        entries.append(("dir/" + "y" * 200, b"needs a long-name record"))
    data = _tar(entries, fmt)
    layer, split = os.path.join(tmp, "layer"), os.path.join(tmp, "split.zst")
    stats = _extract(data, layer, split)
    assert stats.diff_id == "sha256:" + hashlib.sha256(data).hexdigest()
    out = os.path.join(tmp, "out.tar")
    assert _native.assemble_layer(split, layer, out) == (stats.diff_id, len(data))
    with open(out, "rb") as f:
        assert f.read() == data
    fd = os.open(os.path.join(tmp, "via-fd.tar"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"prefix")
        _native.assemble_layer(split, layer, fd)
        assert os.pread(fd, len(data) + 6, 0) == b"prefix" + data
    finally:
        os.close(fd)


def test_assemble_refuses_a_changed_layer(tmp: str) -> None:
    data = _tar([("f", b"12345")])
    layer, split = os.path.join(tmp, "layer"), os.path.join(tmp, "split.zst")
    _extract(data, layer, split)
    with open(os.path.join(layer, "f"), "wb") as f:
        f.write(b"123")
    with pytest.raises(_native.CorruptArchiveError):
        _native.assemble_layer(split, layer, os.path.join(tmp, "out.tar"))


def _cap_blob() -> bytes:
    """A VFS_CAP_REVISION_2 security.capability value granting CAP_NET_BIND_SERVICE (effective)."""
    bit = 1 << 10
    return struct.pack("<IIIII", 0x02000001, bit, bit, 0, 0)


@needs_root
def test_diff_of_a_real_overlay_upper(tmp: str) -> None:
    base = _tar([_info("etc", tarfile.DIRTYPE), ("etc/passwd", b"root\n"), ("etc/group", b"root\n"),
                 _info("var", tarfile.DIRTYPE), _info("var/cache", tarfile.DIRTYPE), ("var/cache/a", b"a"),
                 ("bin-tool", b"#!/bin/sh\n")])
    lower = os.path.join(tmp, "lower")
    _extract(base, lower)
    upper, work, merged = (os.path.join(tmp, d) for d in ("upper", "work", "merged"))
    for d in (upper, work, merged):
        os.makedirs(d)
    _native.mount_overlay([lower], upper, work, merged)
    try:
        os.unlink(os.path.join(merged, "etc/group"))  # a whiteout device
        shutil.rmtree(os.path.join(merged, "var/cache"))
        os.mkdir(os.path.join(merged, "var/cache"))  # an opaque directory
        with open(os.path.join(merged, "var/cache/b"), "w") as f:
            f.write("b")
        with open(os.path.join(merged, "new"), "w") as f:
            f.write("new")
        os.link(os.path.join(merged, "new"), os.path.join(merged, "new-link"))
        os.setxattr(os.path.join(merged, "bin-tool"), "security.capability", _cap_blob())
        os.setxattr(os.path.join(merged, "new"), "user.keep", b"1")
    finally:
        _native.unmount(merged)
    assert os.getxattr(os.path.join(upper, "var/cache"), "trusted.overlay.opaque") == b"y"
    out = os.path.join(tmp, "diff.tar")
    stats = _native.diff_layer(upper, [lower], out)
    with open(out, "rb") as f:
        data = f.read()
    assert stats.diff_id == stats.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    with tarfile.open(out) as tar:
        members = {m.name: m for m in tar}
    names = list(members)
    assert "etc/.wh.group" in names and "var/cache/.wh..wh..opq" in names
    assert names.index("var/cache") < names.index("var/cache/.wh..wh..opq") < names.index("var/cache/b")
    assert members["new-link"].islnk() and members["new-link"].linkname == "new"
    assert members["bin-tool"].pax_headers.get("SCHILY.xattr.security.capability") is not None
    assert members["new"].pax_headers.get("SCHILY.xattr.user.keep") == "1"
    assert not any("overlay" in key for m in members.values() for key in m.pax_headers)
    # Same content, same bytes; compressed output keeps the diffID.
    assert _native.diff_layer(upper, [lower], os.path.join(tmp, "again.tar")).diff_id == stats.diff_id
    gz = _native.diff_layer(upper, [lower], os.path.join(tmp, "diff.tar.gz"), "gzip")
    assert gz.diff_id == stats.diff_id and gz.digest != stats.diff_id
    # Unpacked as a layer over the base, the diff gives the container's view.
    layer = os.path.join(tmp, "layer2")
    _extract(data, layer)
    for d in (os.path.join(tmp, "u2"), os.path.join(tmp, "w2")):
        os.makedirs(d)
    _native.mount_overlay([layer, lower], os.path.join(tmp, "u2"), os.path.join(tmp, "w2"), merged)
    try:
        assert not os.path.exists(os.path.join(merged, "etc/group"))
        assert sorted(os.listdir(os.path.join(merged, "var/cache"))) == ["b"]
        assert os.getxattr(os.path.join(merged, "bin-tool"), "security.capability") == _cap_blob()
        assert os.stat(os.path.join(merged, "new")).st_nlink == 2
    finally:
        _native.unmount(merged)
