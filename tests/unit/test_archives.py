"""Reading image archives without a store: tar indexing, spooling, planning and docker-archive naming."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import tarfile
import threading

import pytest
import zstandard

from podpy.errors import DigestMismatch, ImageFormatError, NotFoundError
from podpy.image import archives, docker_archive
from podpy.image.archives import TarArchive, compression_of, open_archive, plan_images


def _tar(entries: list[tuple[str, bytes | None, str]]) -> bytes:
    """entries: (name, data, link target); data None and a target make a symlink, "@target" a hard link."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, target in entries:
            info = tarfile.TarInfo(name)
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            elif target.startswith("@"):
                info.type, info.linkname = tarfile.LNKTYPE, target[1:]
                tar.addfile(info)
            else:
                info.type, info.linkname = tarfile.SYMTYPE, target
                tar.addfile(info)
    return buf.getvalue()


@pytest.fixture
def workdir(tmp_path: object) -> str:
    return str(tmp_path)


def _archive(workdir: str, data: bytes, name: str = "a.tar") -> TarArchive:
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    fd = os.open(path, os.O_RDONLY)
    return TarArchive(fd, path)


def test_compression_sniffing() -> None:
    tar = _tar([("BZh91AY", b"x", "")])  # a member whose name looks like bzip2's magic is still a tar
    assert compression_of(tar[:512]) == ""
    assert compression_of(gzip.compress(tar)[:512]) == "gzip"
    assert compression_of(zstandard.ZstdCompressor().compress(tar)[:512]) == "zstd"
    assert compression_of(bz2.compress(tar)[:512]) == "bzip2"
    assert compression_of(lzma.compress(tar)[:512]) == "xz"
    assert compression_of(b"garbage") == ""


def test_members_are_read_in_place_and_links_followed(workdir: str) -> None:
    data = _tar([("./blobs/sha256/abc", b"layer bytes", ""), ("id1/layer.tar", None, "../blobs/sha256/abc"),
                 ("hard", None, "@blobs/sha256/abc"), ("loop", None, "loop"), ("out", None, "/etc/passwd")])
    archive = _archive(workdir, data)
    assert archive.read("blobs/sha256/abc", "layer") == b"layer bytes"
    assert archive.read("./id1//layer.tar", "layer") == b"layer bytes"
    assert archive.read("hard", "layer") == b"layer bytes"
    member = archive.member("id1/layer.tar", "layer")
    assert data[member.offset:member.offset + member.size] == b"layer bytes"
    with pytest.raises(ImageFormatError, match="missing"):
        archive.member("nope", "config")
    with pytest.raises(ImageFormatError, match="too many levels"):
        archive.member("loop", "config")
    with pytest.raises(ImageFormatError, match="outside"):
        archive.member("out", "config")
    with pytest.raises(ImageFormatError, match="too large"):
        archive.read("blobs/sha256/abc", "config", limit=3)
    os.close(archive.fd)


def test_stream_feeds_a_member_through_a_pipe(workdir: str) -> None:
    payload = os.urandom(3 << 20)
    threads = threading.active_count()
    archive = _archive(workdir, _tar([("before", b"x" * 1000, ""), ("big", payload, "")]))
    with archive.stream(archive.member("big", "layer")) as path, open(path, "rb") as f:
        assert f.read() == payload
    with archive.stream(archive.member("big", "layer")) as path, open(path, "rb") as f:
        f.read(10)  # a reader that stops early does not hang the feeder
    assert threading.active_count() == threads
    os.close(archive.fd)


@pytest.mark.parametrize("name", ["../x", "/abs", "a/../../x"])
def test_member_names_that_escape_are_refused(workdir: str, name: str) -> None:
    with pytest.raises(ImageFormatError, match="outside the archive"):
        _archive(workdir, _tar([("ok", b"1", ""), (name, b"2", "")]))


def test_truncated_and_damaged_archives_are_refused(workdir: str) -> None:
    data = _tar([("a", os.urandom(5000), ""), ("b", os.urandom(5000), "")])
    for cut in (len(data) // 2, 512 * 3, len(data) - len(data) % 512 - 10240):
        with pytest.raises(ImageFormatError, match="truncated|damaged|not an image archive"):
            _archive(workdir, data[:cut], f"cut{cut}.tar")
    damaged = bytearray(data)
    damaged[512 + 5120: 512 + 5120 + 100] = b"\xff" * 100  # the header of "b"
    with pytest.raises(ImageFormatError):
        _archive(workdir, bytes(damaged), "damaged.tar")
    for junk in (b"", b"not a tar at all" * 100):
        with pytest.raises(ImageFormatError):
            _archive(workdir, junk, "junk.tar")
    os.close(_archive(workdir, data + b"trailing garbage after the end blocks", "ok.tar").fd)


def _write(workdir: str, name: str, data: bytes) -> str:
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


@pytest.mark.parametrize("kind", ["gzip", "zstd", "bzip2", "xz"])
def test_compressed_archives_are_spooled_to_an_anonymous_file(workdir: str, kind: str) -> None:
    data = _tar([("index.json", b"{}", ""), ("blob", os.urandom(100000), "")])
    compress = {"gzip": gzip.compress, "zstd": zstandard.ZstdCompressor().compress, "bzip2": bz2.compress,
                "xz": lzma.compress}[kind]
    path = _write(workdir, "a.tar.x", compress(data))
    tmp = os.path.join(workdir, "tmp")
    with open_archive(path, tmp) as archive:
        assert os.listdir(tmp) == []  # O_TMPFILE (or unlinked at once): nothing to leave behind
        assert archive.read("index.json", "index") == b"{}"
        assert os.pread(archive.fd, len(data), 0) == data
    assert os.listdir(tmp) == []


def _write_and_close(fd: int, data: bytes) -> None:
    with open(fd, "wb") as f:
        f.write(data)


def test_streams_are_spooled(workdir: str) -> None:
    data = _tar([("x", b"hello", "")])
    for payload in (data, gzip.compress(data)):
        r, w = os.pipe()
        writer = threading.Thread(target=_write_and_close, args=(w, payload))
        writer.start()
        with open_archive(f"/proc/self/fd/{r}", os.path.join(workdir, "tmp")) as archive:
            assert archive.read("x", "x") == b"hello"
        writer.join()
        os.close(r)


def test_a_plain_file_is_read_in_place(workdir: str) -> None:
    path = _write(workdir, "a.tar", _tar([("x", b"hello", "")]))
    tmp = os.path.join(workdir, "tmp")
    with open_archive(path, tmp) as archive:
        assert archive.read("x", "x") == b"hello"
    assert not os.path.exists(tmp)


def test_open_errors(workdir: str) -> None:
    with pytest.raises(NotFoundError, match="no such file"), open_archive(os.path.join(workdir, "nope"), workdir):
        pass
    truncated = gzip.compress(_tar([("x", os.urandom(50000), "")]))[:-2000]
    path = _write(workdir, "t.tar.gz", truncated)
    with pytest.raises(ImageFormatError, match="gzip"), open_archive(path, os.path.join(workdir, "tmp")):
        pass
    path = _write(workdir, "t.tar.zst", zstandard.ZstdCompressor().compress(_tar([("x", os.urandom(300000), "")]))
                  [:-2000])
    with pytest.raises(ImageFormatError), open_archive(path, os.path.join(workdir, "tmp")):
        pass
    assert os.listdir(os.path.join(workdir, "tmp")) == []


# --- planning -----------------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _config(layers: list[bytes]) -> bytes:
    return json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                       "rootfs": {"type": "layers", "diff_ids": [f"sha256:{_sha(x)}" for x in layers]}}).encode()


LAYER = _tar([("hello", b"world", "")])


def _docker_entries(tags: list[str] | None, config: bytes, layers: list[bytes],
                    manifest: object = None) -> list[tuple[str, bytes | None, str]]:
    entries: list[tuple[str, bytes | None, str]] = [(f"{_sha(config)}.json", config, "")]
    paths = []
    for i, layer in enumerate(layers):
        entries.append((f"{i:064x}/layer.tar", layer, ""))
        paths.append(f"{i:064x}/layer.tar")
    if manifest is None:
        manifest = [{"Config": f"{_sha(config)}.json", "RepoTags": tags, "Layers": paths}]
    entries.append(("manifest.json", json.dumps(manifest).encode(), ""))
    return entries


def _plans(workdir: str, entries: list[tuple[str, bytes | None, str]]) -> list[archives.ImagePlan]:
    archive = _archive(workdir, _tar(entries))
    try:
        return plan_images(archive)
    finally:
        os.close(archive.fd)


def test_docker_archive_plan(workdir: str) -> None:
    config = _config([LAYER])
    [plan] = _plans(workdir, _docker_entries(["busybox:latest", "quay.io/a/b:1"], config, [LAYER]))
    assert plan.names == ["localhost/busybox:latest", "quay.io/a/b:1"]
    assert plan.image_id == _sha(config)
    assert plan.layers[0].diff_id == plan.layers[0].digest == f"sha256:{_sha(LAYER)}"
    [untagged] = _plans(workdir, _docker_entries(None, config, [LAYER]))
    assert untagged.names == [f"sha256:{_sha(config)}"] and untagged.stored_names == []


def test_docker_archive_plan_errors(workdir: str) -> None:
    config = _config([LAYER])
    entries = _docker_entries(["a:1"], config, [LAYER])
    with pytest.raises(ImageFormatError, match="missing"):
        _plans(workdir, [e for e in entries if not e[0].endswith("layer.tar")])
    bad_config = b"{not json"
    with pytest.raises(ImageFormatError, match="not valid JSON"):
        _plans(workdir, _docker_entries(["a:1"], bad_config, [LAYER]))
    renamed = [(("0" * 64 + ".json") if n.endswith(".json") and n != "manifest.json" else n, d, t)
               for n, d, t in entries]
    manifest = [{"Config": "0" * 64 + ".json", "RepoTags": ["a:1"], "Layers": ["0" * 64 + "/layer.tar"]}]
    renamed = [e for e in renamed if e[0] != "manifest.json"] + [("manifest.json", json.dumps(manifest).encode(), "")]
    with pytest.raises(DigestMismatch):
        _plans(workdir, renamed)
    with pytest.raises(ImageFormatError, match="diff_ids"):
        _plans(workdir, _docker_entries(["a:1"], _config([]), [LAYER]))
    with pytest.raises(ImageFormatError, match="not valid JSON"):
        _plans(workdir, [("manifest.json", b"[{", "")])
    with pytest.raises(ImageFormatError, match="invalid tag"):
        _plans(workdir, _docker_entries(["UPPER:1"], config, [LAYER]))
    with pytest.raises(ImageFormatError, match="neither"):
        _plans(workdir, [("other", b"x", "")])


def _oci_entries(config: bytes, layers: list[bytes], ref: str = "localhost/x:1",
                 manifest_raw: bytes | None = None) -> list[tuple[str, bytes | None, str]]:
    blobs = [config, *layers]
    manifest = {"schemaVersion": 2, "mediaType": archives.OCI_MANIFEST,
                "config": {"digest": f"sha256:{_sha(config)}", "size": len(config)},
                "layers": [{"digest": f"sha256:{_sha(x)}", "size": len(x)} for x in layers]}
    raw = manifest_raw if manifest_raw is not None else json.dumps(manifest).encode()
    index = {"schemaVersion": 2, "manifests": [{"digest": f"sha256:{_sha(raw)}", "size": len(raw),
                                                "annotations": {archives.REF_NAME: ref}}]}
    entries: list[tuple[str, bytes | None, str]] = [(f"blobs/sha256/{_sha(b)}", b, "") for b in [*blobs, raw]]
    return [*entries, ("index.json", json.dumps(index).encode(), "")]


def test_oci_archive_plan(workdir: str) -> None:
    gz = gzip.compress(LAYER)
    config = _config([LAYER])
    [plan] = _plans(workdir, _oci_entries(config, [gz]))
    assert plan.names == ["localhost/x:1"] and plan.media_type == archives.OCI_MANIFEST
    assert plan.layers[0].digest == f"sha256:{_sha(gz)}" and plan.layers[0].diff_id == f"sha256:{_sha(LAYER)}"
    [bare] = _plans(workdir, _oci_entries(config, [gz], ref=""))
    assert bare.names == [f"sha256:{_sha(config)}"]
    with pytest.raises(ImageFormatError, match="not valid JSON"):
        _plans(workdir, _oci_entries(config, [gz], manifest_raw=b"nope"))
    entries = _oci_entries(config, [gz])
    tampered = [(n, b"{}" if d == config else d, t) for n, d, t in entries]
    with pytest.raises(DigestMismatch):
        _plans(workdir, tampered)
    with pytest.raises(ImageFormatError, match="missing"):
        _plans(workdir, [e for e in entries if e[1] != gz])


def test_normalize_tag() -> None:
    assert docker_archive.normalize_tag("busybox:latest", "m") == "localhost/busybox:latest"
    assert docker_archive.normalize_tag("foo/bar:1", "m") == "localhost/foo/bar:1"
    assert docker_archive.normalize_tag("docker.io/alpine:3", "m") == "docker.io/library/alpine:3"
    assert docker_archive.normalize_tag("localhost:5000/a:b", "m") == "localhost:5000/a:b"
    for bad in ("busybox", "a@sha256:" + "a" * 64, "Bad:1"):
        with pytest.raises(ImageFormatError):
            docker_archive.normalize_tag(bad, "m")


def test_schema2_manifest_is_go_compact_json() -> None:
    raw = docker_archive.schema2_manifest("sha256:" + "c" * 64, 409, [("sha256:" + "d" * 64, 2007040)])
    assert raw == (
        b'{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",'
        b'"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":409,"digest":"sha256:'
        + b"c" * 64 + b'"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",'
        b'"size":2007040,"digest":"sha256:' + b"d" * 64 + b'"}]}')
