"""Pulling images from registries into the store.

A name is resolved to candidates (short names through aliases and the search list), each
candidate to sources (mirrors, then the rewritten location). For a source: one manifest
request (over registry/lean.py, so that a re-pull loads no HTTP library); an image whose
manifest digest the store already holds costs nothing more. Otherwise
the platform's manifest and the config are fetched and checked, and under the store lock
the missing layers are downloaded in parallel and streamed into the extractor (see
registry/feed.py), which verifies each compressed digest and the diffIDs; the image is
recorded only when every layer is complete, and a failure leaves nothing behind. Pulls in
several processes meet at that lock: the later one then finds the layers present and
downloads none of them again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from podpy.config.registries_conf import RegistriesConf
from podpy.errors import (
    AuthenticationError,
    ConfigError,
    DigestMismatch,
    ImageFormatError,
    NoSuchImage,
    PodpyError,
    PolicyError,
    RegistryError,
    StorageError,
    UsageError,
)
from podpy.image.progress import Progress
from podpy.image.references import Reference, parse
from podpy.image.registry.manifests import (
    ACCEPT,
    INDEX_TYPES,
    ImageManifest,
    Platform,
    config_matches,
    image_manifest,
    media_type_of,
    parse_json,
    refuse_schema1,
    select_instance,
)
from podpy.image.registry.options import USER_AGENT
from podpy.image.registry.resolve import Candidate, Source, candidates, sources, stdin_is_tty
from podpy.storage.layers import SourceOpener, chain_id
from podpy.storage.records import Image
from podpy.storage.store import Store
from podpy.util.jsonfast import loads
from podpy.util.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.image.registry.client import RegistryClient, Reply
    from podpy.image.registry.lean import LeanReply
    from podpy.image.registry.options import ClientOptions

DEFAULT_PARALLEL = 6
PULL_POLICIES = ("always", "missing", "never", "newer")


@record
class PullSettings:
    platform: Platform
    client: ClientOptions
    policy: str = "always"
    all_tags: bool = False
    signature_policy: str = ""
    parallel: int = DEFAULT_PARALLEL


@record
class Fetched:
    """What one source answered: enough to decide, and to store the image."""

    source: Source
    top_digest: str  # the digest of what the tag points at (an index, or the manifest)
    manifest_raw: bytes
    manifest: ImageManifest
    config_raw: bytes
    config: dict[str, Any]
    diff_ids: list[str]


def _sha256(data: bytes) -> str:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython's own: no libcrypto to load
    except ImportError:
        from hashlib import sha256
    digest: str = sha256(data).hexdigest()
    return "sha256:" + digest


class Puller:
    def __init__(self, store: Store, settings: PullSettings, progress: Progress,
                 conf_loader: Callable[[], RegistriesConf]) -> None:
        self.store = store
        self.settings = settings
        self.progress = progress
        self._conf_loader = conf_loader
        self._conf: RegistriesConf | None = None
        self._clients: dict[tuple[str, bool], RegistryClient] = {}
        self._schemes: dict[tuple[str, bool], tuple[str, str | None]] = {}  # learnt by a lean request
        if settings.client.on_retry is None:
            from podpy.util.record import replace

            self.settings = replace(settings, client=replace(settings.client, on_retry=progress.warning))

    @property
    def conf(self) -> RegistriesConf:
        if self._conf is None:
            self._conf = self._conf_loader()
        return self._conf

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def client(self, registry: str, insecure: bool) -> RegistryClient:
        key = (registry, insecure)
        found = self._clients.get(key)
        if found is None:
            from podpy.image.registry.client import RegistryClient

            found = self._clients[key] = RegistryClient(registry, self.settings.client, insecure=insecure)
            learnt = self._schemes.get(key)
            if learnt is not None:
                found.prime(*learnt)
        return found

    def _lean(self, registry: str, insecure: bool, path: str) -> LeanReply | None:
        """The first request to a registry, without loading http.client; None leaves it to the client
        (a 401 to answer with credentials, a redirect, a 429 or 5xx to retry, anything the lean reader cannot read)."""
        key = (registry, insecure)
        if key in self._clients or key in self._schemes:
            return None
        from podpy.image.registry import lean
        from podpy.image.registry.options import api_host, verifies

        opts = self.settings.client
        host, verify = api_host(registry), verifies(opts, insecure)
        headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
        run_root = self.store.paths.run_root
        reply = None
        if not verify and lean.speaks_http(run_root, host):
            reply = lean.get(host, path, headers, verify=False, schemes=("http",))
            if reply is None or reply.status == 400:  # a TLS server answers plain http with a 400
                lean.remember_http(run_root, host, False)
                reply = None
        if reply is None:
            reply = lean.get(host, path, headers, verify=verify, cert_dir=opts.cert_dir)
            if reply is None:
                return None
            if not verify and reply.scheme == "http" and reply.status == 200:
                lean.remember_http(run_root, host, True)
        self._schemes[key] = (reply.scheme, reply.headers.get("www-authenticate") if reply.status == 401 else None)
        if reply.status != 200 and not (400 <= reply.status < 500 and reply.status not in (401, 429)):
            return None  # the client authenticates, follows a redirect or retries
        return reply

    # --- names ------------------------------------------------------------------------------------------

    def pull(self, name: str) -> list[str]:
        """Pull ``name`` (every tag of its repository with all_tags); the image IDs."""
        if self.settings.all_tags:
            return self._pull_all_tags(name)
        policy = self.settings.policy
        if policy in ("missing", "never", "newer"):
            from podpy.image.lookup import find_image

            local = find_image(self.store.images, name)
            if local is not None and policy != "newer":
                return [local.id]
            if local is None and policy == "never":
                raise NoSuchImage(f"{name}: image not known")
            if local is not None:
                try:
                    return [self._pull_name(name)]
                except (RegistryError, OSError) as e:
                    self.progress.warning(f"Failed to pull {name}, using the local image: {e}")
                    return [local.id]
        return [self._pull_name(name)]

    def _pull_name(self, name: str) -> str:
        found = candidates(name, self.conf, interactive=stdin_is_tty())
        errors: list[tuple[Candidate, PodpyError]] = []
        for cand in found:
            if cand.note:
                self.progress.line(cand.note)
            try:
                return self.pull_reference(cand.ref)
            except (PolicyError, DigestMismatch, ConfigError):
                raise
            except PodpyError as e:
                errors.append((cand, e))
        if len(errors) == 1:
            raise errors[0][1]
        text = "".join(f"\n * {e}" for _c, e in errors)
        first = errors[0][1]
        cls = AuthenticationError if all(isinstance(e, AuthenticationError) for _c, e in errors) else type(first)
        raise cls(f"{len(errors)} errors occurred while pulling:{text}")

    def _pull_all_tags(self, name: str) -> list[str]:
        ref = parse(name)
        if (ref.tag and ref.tag != "latest" and ref.tag in name) or ref.digest:
            raise UsageError("tag can't be used with --all-tags/-a")
        cand = candidates(name, self.conf, interactive=stdin_is_tty())[0]
        if cand.note:
            self.progress.line(cand.note)
        src = sources(cand.ref, self.conf)[-1]
        tags = self.list_tags(src)
        if not tags:
            raise RegistryError(f"{cand.ref.repository}: the repository has no tags")
        return [self.pull_reference(Reference(cand.ref.domain, cand.ref.path, tag, "")) for tag in tags]

    def list_tags(self, src: Source) -> list[str]:
        client = self.client(src.ref.domain, src.insecure)
        path = f"/v2/{src.ref.path}/tags/list"
        tags: list[str] = []
        for _ in range(1000):
            reply = client.get_json(path, repo=src.ref.path, what=f"listing tags of {src.ref.repository}")
            data = parse_json(reply.body, f"tags of {src.ref.repository}")
            tags += [str(t) for t in data.get("tags") or []]
            link = reply.headers.get("link", "")
            if 'rel="next"' not in link:
                break
            path = link.split(";")[0].strip().strip("<>")
        return tags

    # --- one reference -------------------------------------------------------------------------------------

    def pull_reference(self, ref: Reference) -> str:
        from podpy.image import policy

        policy.check(ref, self.settings.signature_policy)
        self.progress.line(f"Trying to pull {ref}...")
        errors: list[PodpyError] = []
        for src in sources(ref, self.conf):
            try:
                return self._pull_from(ref, src)
            except (RegistryError, ImageFormatError) as e:
                if isinstance(e, DigestMismatch) and not src.mirror:
                    raise
                errors.append(e)
        primary = errors[-1]
        if len(errors) > 1:
            mirrors = "; ".join(str(e) for e in errors[:-1])
            raise type(primary)(f"{primary} (mirrors also failed: [{mirrors}])")
        raise primary

    def _what(self, src: Source) -> str:
        return f"initializing source docker://{src.ref}"

    def _pull_from(self, ref: Reference, src: Source) -> str:
        repo = src.ref.path
        wanted = src.ref.digest or src.ref.tag
        what = f"{self._what(src)}: reading manifest {wanted} in {src.ref.repository}"
        path = f"/v2/{repo}/manifests/{wanted}"
        reply: LeanReply | Reply | None = self._lean(src.ref.domain, src.insecure, path)
        if reply is not None and reply.status != 200:
            from podpy.image.registry.client import status_error

            raise status_error(reply.status, reply.body, what)
        if reply is None:
            try:
                reply = self.client(src.ref.domain, src.insecure).get_json(path, repo=repo, accept=ACCEPT, what=what)
            except RegistryError as e:
                if str(e).startswith(self._what(src)):
                    raise
                raise type(e)(f"{self._what(src)}: {e}", hint=e.hint) from e
        raw = reply.body
        top_digest = _sha256(raw)
        if src.ref.digest and top_digest != src.ref.digest:
            raise DigestMismatch(f"{what}: manifest digest {top_digest} does not match the requested digest")
        data = parse_json(raw, what)
        media_type = media_type_of(data, reply.headers.get("content-type", ""))
        refuse_schema1(media_type, what)
        platform = self.settings.platform
        present = self._present(top_digest, platform if media_type in INDEX_TYPES else None)
        if present is not None:
            self._name(present, ref)
            self._replay(present)
            return present.id
        client = self.client(src.ref.domain, src.insecure)
        manifest_raw = raw
        if media_type in INDEX_TYPES:
            desc = select_instance(data, platform, f"choosing an image from manifest list docker://{src.ref}")
            inst_what = f"{self._what(src)}: reading manifest {desc.digest} in {src.ref.repository}"
            inst = client.get_json(f"/v2/{repo}/manifests/{desc.digest}", repo=repo, accept=ACCEPT, what=inst_what)
            manifest_raw = inst.body
            if _sha256(manifest_raw) != desc.digest:
                raise DigestMismatch(f"{inst_what}: content has digest {_sha256(manifest_raw)}")
            data = parse_json(manifest_raw, inst_what)
            media_type = media_type_of(data, inst.headers.get("content-type", ""))
            refuse_schema1(media_type, inst_what)
            if media_type in INDEX_TYPES:
                raise ImageFormatError(f"{inst_what}: an index inside an index is not supported")
        manifest = image_manifest(data, media_type, what)
        config_raw = self._config(client, src, manifest)
        config = parse_json(config_raw, f"config {manifest.config.digest}")
        if media_type not in INDEX_TYPES and not config_matches(config, platform):
            found = Platform(str(config.get("os") or ""), str(config.get("architecture") or ""),
                             str(config.get("variant") or ""))
            self.progress.warning(f"image platform ({found}) does not match the expected platform ({platform})")
        diff_ids = _diff_ids(config, len(manifest.layers), f"config {manifest.config.digest}")
        fetched = Fetched(src, top_digest, manifest_raw, manifest, config_raw, config, diff_ids)
        try:
            image = self._commit(client, fetched, ref)
        except (RegistryError, StorageError) as e:
            raise type(e)(f"copying image docker://{src.ref}: {e}", hint=e.hint) from e
        return image.id

    def _present(self, digest: str, platform: Platform | None) -> Image | None:
        for image in self.store.images.list():
            if image.digest != digest:
                continue
            if platform is None:
                return image
            try:
                config = loads(image.config)
            except ValueError:
                continue
            if isinstance(config, dict) and config_matches(config, platform):
                return image
        return None

    def _name(self, image: Image, ref: Reference) -> None:
        name = _image_name(ref)
        if name not in image.names:
            self.store.images.tag(image.id, name)

    def _replay(self, image: Image) -> None:
        """Podman's lines for an image that is already there (every blob is skipped)."""
        self.progress.line("Getting image source signatures")
        try:
            layers = loads(image.manifest).get("layers") or []
        except (ValueError, AttributeError):
            layers = []
        self.progress.blobs([(str(d.get("digest")), int(d.get("size") or 0), True)
                             for d in layers if isinstance(d, dict)])
        self.progress.finish_blobs()
        self.progress.line(f"Copying config sha256:{image.id}")
        self.progress.line("Writing manifest to image destination")
        self.progress.line("Storing signatures")

    def _config(self, client: RegistryClient, src: Source, manifest: ImageManifest) -> bytes:
        desc = manifest.config
        what = f"{self._what(src)}: reading config {desc.digest}"
        reply = client.get_json(f"/v2/{src.ref.path}/blobs/{desc.digest}", repo=src.ref.path, what=what)
        if len(reply.body) != desc.size:
            raise ImageFormatError(f"{what}: {len(reply.body)} bytes, the manifest says {desc.size}")
        if _sha256(reply.body) != desc.digest:
            raise DigestMismatch(f"{what}: content has digest {_sha256(reply.body)}")
        return reply.body

    # --- into the store ---------------------------------------------------------------------------------

    def _commit(self, client: RegistryClient, fetched: Fetched, ref: Reference) -> Image:
        import threading

        from podpy.image.registry.feed import BlobFeed

        manifest = fetched.manifest
        self.progress.line("Getting image source signatures")
        spill_dir = os.path.join(self.store.paths.graph_root, "tmp")
        slots = threading.Semaphore(max(1, self.settings.parallel))
        feeds: list[BlobFeed] = []
        with self.store.locked():
            chain: list[tuple[str, str, SourceOpener]] = []
            listing: list[tuple[str, int, bool]] = []
            parent = ""
            for desc, diff_id in zip(manifest.layers, fetched.diff_ids, strict=True):
                layer_id = chain_id(parent, diff_id)
                present = self.store.layers.get(layer_id) is not None
                listing.append((desc.digest, desc.size, present))
                if present:
                    chain.append((layer_id, parent, partial(_unexpected, layer_id)))
                else:
                    feed = BlobFeed(client, fetched.source.ref.path, desc, diff_id, spill_dir=spill_dir,
                                    slots=slots, on_bytes=self.progress.advance)
                    feeds.append(feed)
                    chain.append((layer_id, parent, feed.source))
                parent = layer_id
            self.progress.blobs(listing)
            try:
                for feed in feeds:
                    feed.start()
                layers = self.store.layers.create_chain(chain).layers
            finally:
                for feed in feeds:
                    feed.cancel()
                for feed in feeds:
                    feed.join()
            self.progress.finish_blobs()
            self.progress.line(f"Copying config {manifest.config.digest}")
            self.progress.line("Writing manifest to image destination")
            self.progress.line("Storing signatures")
            created = fetched.config.get("created")
            image = Image(id=manifest.config.digest.removeprefix("sha256:"), digest=fetched.top_digest,
                          names=[_image_name(ref)],
                          manifest=fetched.manifest_raw.decode(), config=fetched.config_raw.decode(),
                          manifest_media_type=manifest.media_type, layers=[layer.id for layer in layers],
                          size=sum(layer.size for layer in layers) + len(fetched.config_raw),
                          created=created if isinstance(created, str) else "")
            return self.store.images.add(image)


def _image_name(ref: Reference) -> str:
    """``host/repo:tag``; a pull by digest is named ``host/repo@digest`` as Podman names it."""
    return f"{ref.repository}@{ref.digest}" if ref.digest else f"{ref.repository}:{ref.tag}"


def _unexpected(layer_id: str) -> Any:
    raise RuntimeError(f"layer {layer_id} was present and is missing now")


def _diff_ids(config: dict[str, Any], count: int, what: str) -> list[str]:
    rootfs = config.get("rootfs")
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list) or not all(isinstance(d, str) for d in diff_ids):
        raise ImageFormatError(f"{what}: no rootfs.diff_ids")
    if len(diff_ids) != count:
        raise ImageFormatError(f"{what}: {len(diff_ids)} diff_ids for {count} layers in the manifest")
    return [str(d) for d in diff_ids]
