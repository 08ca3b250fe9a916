"""`podpy save`: images out of the store as docker-archive, oci-archive, oci-dir or docker-dir.

Layers are written as the tars they were made from: the store rebuilds each one from
its tar-split record straight into the output (no temp copy), so a saved layer keeps its
diffID and a save → load round trip keeps the image ID and manifest digest. A layer with
no record (made before records existed) is diffed into a temp file first; if its diffID
then differs, the saved config is rewritten to match (a new image ID, with a warning).

Archives are written as a stream (a file or a pipe), in the member order Podman uses:
layers, configs, legacy per-layer directories, then manifest.json and repositories.
OCI layers are written uncompressed (a valid OCI media type whose digest is the diffID);
docker-dir's --compress gzips them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from podpy.errors import StorageError
from podpy.image import docker_archive
from podpy.storage.records import Image, Layer
from podpy.storage.store import Store
from podpy.util.record import field, record

FORMATS = ("oci-dir", "oci-archive", "docker-dir", "docker-archive")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
REF_NAME = "org.opencontainers.image.ref.name"
DIR_VERSION = b"Directory Transport Version: 1.1\n"
_CHUNK = 1 << 20


@record
class SaveItem:
    image: Image
    tags: list[str]  # names to record with it (RepoTags / ref.name)


@record(frozen=False)
class _LayerOut:
    layer: Layer
    diff_id: str
    size: int
    temp: int | None = None  # fd of a diffed copy when the layer has no usable record
    digest: str = ""  # of the blob as written (compressed for docker-dir --compress)
    blob_size: int = 0


@record(frozen=False)
class _ImageOut:
    item: SaveItem
    config_raw: bytes
    layers: list[_LayerOut] = field(default_factory=list)

    @property
    def config_digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.config_raw).hexdigest()


def save(store: Store, items: list[SaveItem], fmt: str, *, out_fd: int | None, out_path: str,
         compress: bool) -> list[str]:
    """Write ``items`` in format ``fmt`` to ``out_path`` (a file or directory) or ``out_fd``; warnings."""
    warnings: list[str] = []
    tmp_dir = os.path.join(store.paths.graph_root, "tmp")
    with ExitStack() as stack:
        images = [_prepare(store, item, tmp_dir, stack, warnings) for item in items]
        if fmt in ("oci-dir", "docker-dir"):
            _write_dir(store, images, fmt, out_path, compress, tmp_dir)
        elif out_fd is not None:
            _write_archive(store, images, fmt, out_fd)
        else:
            fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            try:
                _write_archive(store, images, fmt, fd)
            except BaseException:
                os.close(fd)
                os.unlink(out_path)
                raise
            os.close(fd)
    return warnings


def _prepare(store: Store, item: SaveItem, tmp_dir: str, stack: ExitStack, warnings: list[str]) -> _ImageOut:
    image = item.image
    config: dict[str, Any] = json.loads(image.config)
    out = _ImageOut(item, image.config.encode())
    changed = False
    for index, layer_id in enumerate(image.layers):
        layer = store.layers.get(layer_id)
        if layer is None:
            raise StorageError(f"image {image.id[:12]}: layer {layer_id} is missing from the store")
        lo = _LayerOut(layer, layer.diff_id, layer.size)
        if not os.path.exists(store.layers.split_path(layer.id)):
            fd = stack.enter_context(_temp_fd(tmp_dir))
            made = store.layers.write_tar(layer, fd)
            lo.temp, lo.diff_id, lo.size = fd, made.diff_id, made.size
            if made.diff_id != layer.diff_id:
                config["rootfs"]["diff_ids"][index] = made.diff_id
                changed = True
        out.layers.append(lo)
    if changed:
        out.config_raw = json.dumps(config, separators=(",", ":")).encode()
        warnings.append(f"image {image.id[:12]}: some layers have no tar-split record and were rebuilt with other "
                        f"digests; saved as image {out.config_digest[7:19]}")
    return out


@contextmanager
def _temp_fd(tmp_dir: str) -> Iterator[int]:
    os.makedirs(tmp_dir, mode=0o700, exist_ok=True)
    with tempfile.TemporaryFile(dir=tmp_dir, prefix="podpy-save-") as f:
        yield f.fileno()


def _copy_fd(src: int, dst: int, size: int) -> None:
    offset = 0
    while offset < size:
        sent = os.sendfile(dst, src, offset, min(size - offset, 1 << 30))
        if sent == 0:
            raise StorageError("temp layer copy ended early")
        offset += sent


def _write_layer(store: Store, lo: _LayerOut, fd: int) -> None:
    """The layer's tar into ``fd`` at its current position; exactly ``lo.size`` bytes."""
    if lo.temp is not None:
        _copy_fd(lo.temp, fd, lo.size)
        return
    made = store.layers.write_tar(lo.layer, fd, fallback=False)
    if made.diff_id != lo.diff_id or made.size != lo.size:
        raise StorageError(f"layer {lo.layer.id[:12]}: rebuilt tar has digest {made.diff_id} ({made.size} bytes), "
                           f"expected {lo.diff_id} ({lo.size} bytes)")


# --- archives -------------------------------------------------------------------------------------


class _TarStream:
    """A tar written member by member to an fd; layer members are filled in by the store."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]

    def _header(self, name: str, size: int, *, kind: bytes = tarfile.REGTYPE, mode: int = 0o444,
                link: str = "") -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime, info.type, info.linkname = size, mode, 0, kind, link
        info.uname = info.gname = ""
        self._write(info.tobuf(format=tarfile.PAX_FORMAT))

    def _pad(self, size: int) -> None:
        if size % 512:
            self._write(bytes(512 - size % 512))

    def add_bytes(self, name: str, data: bytes, mode: int = 0o444) -> None:
        self._header(name, len(data), mode=mode)
        self._write(data)
        self._pad(len(data))

    def add_dir(self, name: str) -> None:
        self._header(name, 0, kind=tarfile.DIRTYPE, mode=0o755)

    def add_symlink(self, name: str, target: str) -> None:
        self._header(name, 0, kind=tarfile.SYMTYPE, mode=0o777, link=target)

    def add_layer(self, store: Store, name: str, lo: _LayerOut, mode: int = 0o444) -> None:
        self._header(name, lo.size, mode=mode)
        _write_layer(store, lo, self.fd)
        self._pad(lo.size)

    def close(self) -> None:
        self._write(bytes(1024))


def _write_archive(store: Store, images: list[_ImageOut], fmt: str, fd: int) -> None:
    tar = _TarStream(fd)
    if fmt == "docker-archive":
        _docker_archive(store, images, tar)
    else:
        _oci_archive(store, images, tar)
    tar.close()


def _legacy_id(chain: str) -> str:
    return hashlib.sha256(f"podpy-v1 {chain}".encode()).hexdigest()


def _docker_archive(store: Store, images: list[_ImageOut], tar: _TarStream) -> None:
    written: set[str] = set()
    entries: list[dict[str, Any]] = []
    repositories: dict[str, dict[str, str]] = {}
    for out in images:
        layer_files = []
        for lo in out.layers:
            name = lo.diff_id[7:] + ".tar"
            if name not in written:
                tar.add_layer(store, name, lo)
                written.add(name)
            layer_files.append(name)
        config_name = out.config_digest[7:] + ".json"
        if config_name not in written:
            tar.add_bytes(config_name, out.config_raw)
            written.add(config_name)
        top = _legacy_layers(out, tar, written)
        entries.append({"Config": config_name, "RepoTags": out.item.tags, "Layers": layer_files})
        for tag in out.item.tags:
            repo, _, name_tag = tag.rpartition(":")
            repositories.setdefault(repo, {})[name_tag] = top
    tar.add_bytes(docker_archive.MANIFEST_JSON, json.dumps(entries, separators=(",", ":")).encode())
    tar.add_bytes("repositories", json.dumps(repositories, separators=(",", ":")).encode())


def _legacy_layers(out: _ImageOut, tar: _TarStream, written: set[str]) -> str:
    """Docker's pre-1.10 per-layer directories (`<id>/layer.tar`, `json`, `VERSION`); the top one's ID."""
    config = json.loads(out.config_raw)
    chain, parent = "", ""
    for index, lo in enumerate(out.layers):
        chain = lo.diff_id if not chain else "sha256:" + hashlib.sha256(f"{chain} {lo.diff_id}".encode()).hexdigest()
        layer_id = _legacy_id(chain)
        meta: dict[str, Any] = {}
        if index == len(out.layers) - 1:
            for key in ("architecture", "config", "container", "container_config", "created", "docker_version",
                        "os"):
                meta[key] = config.get(key)
        meta["id"] = layer_id
        if parent:
            meta["parent"] = parent
        if layer_id + "/" not in written:
            tar.add_symlink(f"{layer_id}/layer.tar", f"../{lo.diff_id[7:]}.tar")
            tar.add_bytes(f"{layer_id}/VERSION", b"1.0")
            tar.add_bytes(f"{layer_id}/json", json.dumps(meta, sort_keys=True, separators=(",", ":")).encode())
            written.add(layer_id + "/")
        parent = layer_id
    return parent


def _oci_manifest(out: _ImageOut, layer_type: str) -> bytes:
    """The stored manifest when it already describes these blobs, else a new OCI manifest."""
    stored = json.loads(out.item.image.manifest)
    if (out.item.image.manifest_media_type == OCI_MANIFEST and stored.get("config", {}).get("digest")
            == out.config_digest and [d.get("digest") for d in stored.get("layers", [])]
            == [lo.digest or lo.diff_id for lo in out.layers]):
        return out.item.image.manifest.encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": out.config_digest, "size": len(out.config_raw)},
        "layers": [{"mediaType": layer_type, "digest": lo.digest or lo.diff_id, "size": lo.blob_size or lo.size}
                   for lo in out.layers],
    }
    return json.dumps(manifest, separators=(",", ":")).encode()


def _oci_index(images: list[_ImageOut], manifests: list[bytes]) -> bytes:
    entries = []
    for out, raw in zip(images, manifests, strict=True):
        desc: dict[str, Any] = {"mediaType": OCI_MANIFEST, "digest": "sha256:" + hashlib.sha256(raw).hexdigest(),
                                "size": len(raw)}
        if out.item.tags:
            desc["annotations"] = {REF_NAME: out.item.tags[0]}
        entries.append(desc)
    return json.dumps({"schemaVersion": 2, "manifests": entries}, separators=(",", ":")).encode()


def _oci_archive(store: Store, images: list[_ImageOut], tar: _TarStream) -> None:
    written: set[str] = set()
    tar.add_dir("blobs/")
    tar.add_dir("blobs/sha256/")
    manifests = []
    for out in images:
        for lo in out.layers:
            name = "blobs/sha256/" + lo.diff_id[7:]
            if name not in written:
                tar.add_layer(store, name, lo, mode=0o644)
                written.add(name)
        name = "blobs/sha256/" + out.config_digest[7:]
        if name not in written:
            tar.add_bytes(name, out.config_raw, mode=0o644)
            written.add(name)
        raw = _oci_manifest(out, OCI_LAYER)
        manifests.append(raw)
        tar.add_bytes("blobs/sha256/" + hashlib.sha256(raw).hexdigest(), raw, mode=0o644)
    tar.add_bytes("index.json", _oci_index(images, manifests), mode=0o644)
    tar.add_bytes("oci-layout", b'{"imageLayoutVersion": "1.0.0"}', mode=0o644)


# --- directories ----------------------------------------------------------------------------------


def _write_file(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def _write_dir(store: Store, images: list[_ImageOut], fmt: str, dest: str, compress: bool, tmp_dir: str) -> None:
    out = images[0]
    os.makedirs(dest, exist_ok=True)
    blob_dir = os.path.join(dest, "blobs", "sha256") if fmt == "oci-dir" else dest
    os.makedirs(blob_dir, exist_ok=True)
    for lo in out.layers:
        if compress:
            _write_gzip_blob(store, lo, blob_dir, tmp_dir)
            continue
        path = os.path.join(blob_dir, lo.diff_id[7:])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            _write_layer(store, lo, fd)
        finally:
            os.close(fd)
    _write_file(os.path.join(blob_dir, out.config_digest[7:]), out.config_raw)
    if fmt == "oci-dir":
        raw = _oci_manifest(out, OCI_LAYER_GZIP if compress else OCI_LAYER)
        _write_file(os.path.join(blob_dir, hashlib.sha256(raw).hexdigest()), raw)
        _write_file(os.path.join(dest, "index.json"), _oci_index([out], [raw]))
        _write_file(os.path.join(dest, "oci-layout"), b'{"imageLayoutVersion": "1.0.0"}')
        return
    _write_file(os.path.join(dest, "manifest.json"), _docker_manifest(out))
    _write_file(os.path.join(dest, "version"), DIR_VERSION)


def _docker_manifest(out: _ImageOut) -> bytes:
    stored = out.item.image.manifest.encode()
    wanted = [(lo.digest or lo.diff_id, lo.blob_size or lo.size) for lo in out.layers]
    generated = docker_archive.schema2_manifest(out.config_digest, len(out.config_raw), wanted)
    if out.item.image.manifest_media_type == docker_archive.SCHEMA2_MANIFEST and stored == generated:
        return stored
    return generated


def _write_gzip_blob(store: Store, lo: _LayerOut, blob_dir: str, tmp_dir: str) -> None:
    """docker-dir --compress: the layer gzipped, named by the compressed digest."""
    import zlib

    with _temp_fd(tmp_dir) as plain:
        if lo.temp is None:
            _write_layer(store, lo, plain)
            src = plain
        else:
            src = lo.temp
        os.lseek(src, 0, os.SEEK_SET)
        fd, tmp_path = tempfile.mkstemp(dir=blob_dir, prefix=".tmp-")
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as f:
            comp = zlib.compressobj(6, zlib.DEFLATED, 31)
            while chunk := os.read(src, _CHUNK):
                data = comp.compress(chunk)
                digest.update(data)
                size += len(data)
                f.write(data)
            data = comp.flush()
            digest.update(data)
            size += len(data)
            f.write(data)
        lo.digest, lo.blob_size = "sha256:" + digest.hexdigest(), size
        os.rename(tmp_path, os.path.join(blob_dir, lo.digest[7:]))
