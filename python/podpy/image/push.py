"""`podpy push`: an image from the store to a registry (or, through save's writers, to an archive or directory).

Layer blobs: when the stored manifest already names a layer's compressed blob in the wanted
compression, that digest is offered first — the destination may hold it (HEAD) or another
repository of the same registry may (a cross-repository mount from the image's other names) —
so a pulled image pushed back unchanged keeps its manifest, byte for byte. Otherwise the layer's
original tar is rebuilt from its tar-split record (save's helpers), compressed deterministically
(gzip or zstd at a fixed level, no timestamps) into a temp file, and uploaded unless the registry
already has that digest; pushing the same content twice therefore gives the same digests.
Layers go up in parallel; the config and the manifest last.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, BinaryIO

from podpy.config.registries_conf import RegistriesConf
from podpy.errors import RegistryError, StorageError, UsageError
from podpy.image.blobinfo import BlobInfoCache
from podpy.image.progress import Progress
from podpy.image.references import Reference, parse
from podpy.image.registry.client import RegistryClient
from podpy.image.registry.manifests import DOCKER_MANIFEST, LAYER_TYPES, OCI_MANIFEST
from podpy.image.registry.options import ClientOptions
from podpy.image.registry.upload import blob_exists, cancel_upload, mount_blob, put_manifest, upload_blob
from podpy.image.save import SaveItem, _LayerOut, _prepare, _write_layer
from podpy.storage.records import Image
from podpy.storage.store import Store
from podpy.util.record import record

FORMATS = {"oci": OCI_MANIFEST, "v2s2": DOCKER_MANIFEST}
COMPRESSIONS = ("gzip", "zstd")
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
LAYER_MEDIA = {
    (OCI_MANIFEST, "gzip"): "application/vnd.oci.image.layer.v1.tar+gzip",
    (OCI_MANIFEST, "zstd"): "application/vnd.oci.image.layer.v1.tar+zstd",
    (DOCKER_MANIFEST, "gzip"): "application/vnd.docker.image.rootfs.diff.tar.gzip",
}
# zlib's level 3 gives blobs within ~2% of the size containers/image's gzip (klauspost's, level 5) gives,
# at twice the speed of zlib's 6: compression is most of a push's time.
DEFAULT_LEVEL = {"gzip": 3, "zstd": 3}
PARALLEL = 4
_READ = 1 << 20
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


@record
class PushSettings:
    client: ClientOptions
    format: str = ""  # "" (the image's own manifest type), "oci" or "v2s2"
    compression: str = "gzip"
    level: int | None = None
    remove_signatures: bool = False  # accepted: the store keeps no signatures


@record(frozen=False)
class _Blob:
    lo: _LayerOut
    shown: str  # the digest progress lines name (the stored manifest's, else the diffID)
    known: list[tuple[str, int]]  # compressed blobs of this tar in the wanted compression (manifest, cache)
    annotations: dict[str, str] | None = None
    digest: str = ""
    size: int = 0


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def destination_reference(text: str) -> Reference:
    """``docker://host/repo:tag`` or a plain reference; a short name means Docker Hub, as in containers/image."""
    from podpy.image.references import docker_normalized
    from podpy.image.registry.resolve import qualified

    ref = parse(text.removeprefix("docker://").lstrip("/") if text.startswith("docker://") else text)
    return docker_normalized(ref) if ref.is_short else qualified(ref)


class Pusher:
    def __init__(self, store: Store, settings: PushSettings, progress: Progress,
                 conf_loader: Callable[[], RegistriesConf]) -> None:
        if settings.compression not in COMPRESSIONS:
            raise UsageError(f'unsupported compression format "{settings.compression}"')
        if settings.format and settings.format not in FORMATS:
            raise UsageError(f'unsupported format "{settings.format}": must be one of oci, v2s2'
                             if settings.format != "v2s1" else "pushing v2s1 (schema 1) manifests is not supported")
        if settings.format == "v2s2" and settings.compression == "zstd":
            raise UsageError("zstd compression is not supported by the v2s2 manifest format: use --format oci")
        self.store = store
        self.settings = settings
        self.progress = progress
        self._conf_loader = conf_loader

    def _target_type(self, image: Image) -> str:
        if self.settings.format:
            return FORMATS[self.settings.format]
        own = image.manifest_media_type if image.manifest_media_type in FORMATS.values() else OCI_MANIFEST
        if own == DOCKER_MANIFEST and self.settings.compression == "zstd":
            return OCI_MANIFEST  # schema 2 cannot describe zstd layers: containers/image falls back to OCI
        return own

    def push(self, image: Image, dest: Reference) -> str:
        """Push ``image`` to ``dest`` (fully qualified); the manifest digest."""
        from podpy.image.registry.resolve import insecure_registry

        conf = self._conf_loader()
        reg = conf.find_registry(str(dest))
        if reg is not None and reg.blocked:
            raise RegistryError(f"registry {dest.domain} is blocked in {' or '.join(conf.files) or 'registries.conf'}")
        settings = self.settings.client
        if settings.on_retry is None:
            from podpy.util.record import replace

            settings = replace(settings, on_retry=self.progress.warning)
        client = RegistryClient(dest.domain, settings, insecure=insecure_registry(dest.domain, conf))
        try:
            try:
                client.ping()  # settles https or http (and the auth scheme) before layers go up in parallel
            except RegistryError as e:
                if str(e).startswith("pinging"):
                    raise
                raise type(e)(f"pinging container registry {dest.domain}: {e}", hint=e.hint) from e
            return self._push(client, image, dest)
        finally:
            client.close()

    def _push(self, client: RegistryClient, image: Image, dest: Reference) -> str:
        target = self._target_type(image)
        tmp_dir = os.path.join(self.store.paths.graph_root, "tmp")
        warnings: list[str] = []
        with ExitStack() as stack:
            out = _prepare(self.store, SaveItem(image, []), tmp_dir, stack, warnings)
            for text in warnings:
                self.progress.warning(text)
            cache = BlobInfoCache(os.path.join(self.store.paths.graph_root, "cache", "blob-info.json"))
            stack.callback(cache.save)
            blobs = self._plan(image, out.layers, target, cache)
            mount_from = _sibling_repos(image, dest)
            repo = dest.path
            self.progress.line("Getting image source signatures")
            self.progress.blobs([(b.shown, b.known[0][1] if b.known else b.lo.size, False) for b in blobs])
            workers = max(1, min(PARALLEL, len(blobs)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(self._layer, client, cache, repo, b, mount_from, tmp_dir) for b in blobs]
                for future in futures:
                    future.result()
            self.progress.finish_blobs()
            config_digest = _sha256(out.config_raw)
            self.progress.line(f"Copying config {config_digest}")
            config_raw = out.config_raw
            upload_blob(client, repo, config_digest, len(config_raw), lambda: io.BytesIO(config_raw),
                        mount_from=_unique(cache.locations(config_digest, client.registry) + mount_from, repo))
            cache.record_location(config_digest, client.registry, repo)
            self.progress.line("Writing manifest to image destination")
            body = self._manifest(image, target, config_digest, len(out.config_raw), blobs)
            digest = _sha256(body)
            if dest.digest and dest.digest != digest:
                raise RegistryError(f"pushing to {dest}: the manifest has digest {digest}, not {dest.digest}")
            put_manifest(client, repo, dest.tag or digest, body, target)
            self.progress.line("Storing signatures")
            return digest

    # --- layers -----------------------------------------------------------------------------------------

    def _plan(self, image: Image, layers: list[_LayerOut], target: str, cache: BlobInfoCache) -> list[_Blob]:
        try:
            stored = json.loads(image.manifest).get("layers") or []
        except (ValueError, AttributeError):
            stored = []
        if len(stored) != len(layers):
            stored = [{}] * len(layers)
        blobs = []
        for lo, desc in zip(layers, stored, strict=True):
            desc = desc if isinstance(desc, dict) else {}
            digest, size = str(desc.get("digest") or ""), desc.get("size")
            known = []
            same_tar = lo.temp is None and lo.diff_id == lo.layer.diff_id
            if (same_tar and digest and isinstance(size, int)
                    and LAYER_TYPES.get(str(desc.get("mediaType") or "")) == self.settings.compression
                    and (target, self.settings.compression) in LAYER_MEDIA):
                known.append((digest, size))
            cached = cache.compressed(lo.diff_id, self.settings.compression) if lo.temp is None else None
            if cached is not None and cached not in known and (target, self.settings.compression) in LAYER_MEDIA:
                known.append(cached)
            annotations = desc.get("annotations") if target == OCI_MANIFEST else None
            blobs.append(_Blob(lo, digest or lo.diff_id, known,
                               annotations if isinstance(annotations, dict) else None))
        return blobs

    def _layer(self, client: RegistryClient, cache: BlobInfoCache, repo: str, blob: _Blob, siblings: list[str],
               tmp_dir: str) -> None:
        """One layer: a known blob found at the destination or mounted, else compressed here and uploaded."""
        registry = client.registry
        location = ""
        for digest, size in blob.known:
            try:
                present = blob_exists(client, repo, digest)
            except RegistryError as e:
                raise type(e)(f"trying to reuse blob {digest} at destination: {e}", hint=e.hint) from e
            if present is not None:
                blob.digest, blob.size = digest, size
                cache.record_location(digest, registry, repo)
                if location:
                    cancel_upload(client, repo, location)
                return
            sources = _unique(cache.locations(digest, registry) + siblings, repo)
            if sources and not location:
                mounted, location = mount_blob(client, repo, digest, sources[0])
                if mounted:
                    blob.digest, blob.size = digest, size
                    cache.record_location(digest, registry, repo)
                    return
        path, blob.digest, blob.size = self._compress(blob.lo, tmp_dir)
        cache.record_compressed(blob.lo.diff_id, self.settings.compression, blob.digest, blob.size)
        try:
            def advance(n: int) -> None:
                self.progress.advance(blob.shown, n)

            def open_blob() -> BinaryIO:
                return open(path, "rb")  # noqa: SIM115 - upload_blob closes it

            tried = {d for d, _s in blob.known}
            sources = _unique(cache.locations(blob.digest, registry) + siblings, repo)
            upload_blob(client, repo, blob.digest, blob.size, open_blob, mount_from=sources, on_bytes=advance,
                        location=location, check_exists=blob.digest not in tried)
            cache.record_location(blob.digest, registry, repo)
        finally:
            os.unlink(path)

    def _compress(self, lo: _LayerOut, tmp_dir: str) -> tuple[str, str, int]:
        """The layer's tar, compressed into a temp file: (path, digest, size)."""
        kind = self.settings.compression
        level = self.settings.level if self.settings.level is not None else DEFAULT_LEVEL[kind]
        compress, flush = _compressor(kind, level)
        os.makedirs(tmp_dir, mode=0o700, exist_ok=True)
        fd, path = tempfile.mkstemp(dir=tmp_dir, prefix="podpy-push-")
        r, w = os.pipe()
        try:
            fcntl.fcntl(w, F_SETPIPE_SZ, _READ)  # fewer hand-overs between the writer and this thread
        except OSError:
            pass
        failed: list[BaseException] = []

        def produce() -> None:
            try:
                _write_layer(self.store, lo, w)
            except BaseException as e:  # noqa: BLE001 - handed to the reader
                failed.append(e)
            finally:
                os.close(w)

        writer = threading.Thread(target=produce, daemon=True)
        writer.start()
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as f, os.fdopen(r, "rb", buffering=0) as src:
                while chunk := src.read(_READ):
                    data = compress(chunk)
                    if data:
                        digest.update(data)
                        size += len(data)
                        f.write(data)
                data = flush()
                digest.update(data)
                size += len(data)
                f.write(data)
            writer.join()
            if failed:
                raise failed[0]
        except BaseException:
            writer.join()
            os.unlink(path)
            raise
        return path, "sha256:" + digest.hexdigest(), size

    # --- manifest ------------------------------------------------------------------------------------

    def _manifest(self, image: Image, target: str, config_digest: str, config_size: int, blobs: list[_Blob]
                  ) -> bytes:
        """The stored manifest when it describes exactly these blobs in this format, else a new one."""
        try:
            stored: dict[str, Any] = json.loads(image.manifest)
        except ValueError:
            stored = {}
        config = stored.get("config") if isinstance(stored, dict) else None
        if (image.manifest_media_type == target and isinstance(config, dict)
                and config.get("digest") == config_digest
                and [d.get("digest") for d in stored.get("layers") or [] if isinstance(d, dict)]
                == [b.digest for b in blobs]):
            return image.manifest.encode()
        oci = target == OCI_MANIFEST
        layers = []
        for b in blobs:
            desc: dict[str, Any] = {"mediaType": LAYER_MEDIA[target, self.settings.compression],
                                    "digest": b.digest, "size": b.size}
            if oci and b.annotations:
                desc["annotations"] = b.annotations
            layers.append(desc)
        manifest: dict[str, Any] = {
            "schemaVersion": 2,
            "mediaType": target,
            "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG, "digest": config_digest,
                       "size": config_size},
            "layers": layers,
        }
        if oci and isinstance(stored.get("annotations"), dict) and image.manifest_media_type == OCI_MANIFEST:
            manifest["annotations"] = stored["annotations"]
        return json.dumps(manifest, separators=(",", ":")).encode()


def _compressor(kind: str, level: int) -> tuple[Callable[[bytes], bytes], Callable[[], bytes]]:
    if kind == "zstd":
        import zstandard

        zobj = zstandard.ZstdCompressor(level=level).compressobj()
        return zobj.compress, zobj.flush
    import zlib

    if not 0 <= level <= 9:
        raise UsageError(f"gzip: invalid compression level: {level}")
    gobj = zlib.compressobj(level, zlib.DEFLATED, 31)  # gzip framing, mtime 0: deterministic
    return gobj.compress, gobj.flush


def _unique(repos: list[str], exclude: str) -> list[str]:
    return [r for n, r in enumerate(repos) if r != exclude and r not in repos[:n]]


def _sibling_repos(image: Image, dest: Reference) -> list[str]:
    """Repositories on ``dest``'s registry that the image was pulled from or pushed to (by its names)."""
    found: list[str] = []
    for name in image.names:
        try:
            ref = parse(name)
        except UsageError:
            continue
        if ref.domain == dest.domain and ref.path != dest.path and ref.path not in found:
            found.append(ref.path)
    return found


# --- other transports --------------------------------------------------------------------------------

ARCHIVE_TRANSPORTS = {"oci-archive": "oci-archive", "docker-archive": "docker-archive", "oci": "oci-dir",
                      "dir": "docker-dir"}


def split_transport(text: str) -> tuple[str, str]:
    """("docker", reference) or (transport, rest) for ``oci-archive:/path[:ref]`` and friends."""
    if text.startswith("docker://"):
        return "docker", text[len("docker://"):]
    head, sep, rest = text.partition(":")
    if sep and head in ARCHIVE_TRANSPORTS:
        return head, rest
    return "docker", text


def push_to_archive(store: Store, image: Image, transport: str, spec: str, *, compress: bool,
                    default_tag: str) -> list[str]:
    """Write ``image`` with save's writers; warnings. ``spec`` is ``PATH[:REFERENCE]``."""
    from podpy.image.save import save

    path, _, tag = spec.partition(":")
    if not path:
        raise UsageError(f"invalid destination {transport}:{spec}: no path")
    fmt = ARCHIVE_TRANSPORTS[transport]
    if compress and fmt != "docker-dir":
        raise UsageError("--compress can only be used with the dir transport")
    tags = [tag] if tag else ([default_tag] if default_tag and fmt != "docker-dir" else [])
    if fmt.endswith("-dir"):
        os.makedirs(path, exist_ok=True)
    try:
        return save(store, [SaveItem(image, tags)], fmt, out_fd=None, out_path=path, compress=compress)
    except OSError as e:
        raise StorageError(f"writing {transport}:{spec}: {e.strerror or e}") from e
