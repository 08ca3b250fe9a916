"""Manifests read from registries for manifest lists: only manifests and configs, never layers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from podpy.config.registries_conf import RegistriesConf
from podpy.errors import DigestMismatch, ImageFormatError, PodpyError, RegistryError
from podpy.image.manifest_list import Instance, instances_of
from podpy.image.references import Reference, parse
from podpy.image.registry.client import RegistryClient
from podpy.image.registry.manifests import (
    ACCEPT,
    INDEX_TYPES,
    Platform,
    image_manifest,
    media_type_of,
    parse_json,
    refuse_schema1,
    select_instance,
)
from podpy.image.registry.options import ClientOptions
from podpy.util.record import record


@record
class Fetched:
    ref: Reference  # the name it was found under (fully qualified)
    source: Reference  # where it was read from
    raw: bytes
    media_type: str
    data: dict[str, Any]
    client: RegistryClient


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class RemoteManifests:
    """Reads manifests through registries.conf (short names, mirrors, insecure registries)."""

    def __init__(self, opts: ClientOptions, conf_loader: Callable[[], RegistriesConf]) -> None:
        self.opts = opts
        self._conf_loader = conf_loader
        self._conf: RegistriesConf | None = None
        self._clients: dict[tuple[str, bool], RegistryClient] = {}

    @property
    def conf(self) -> RegistriesConf:
        if self._conf is None:
            self._conf = self._conf_loader()
        return self._conf

    def client(self, registry: str, insecure: bool) -> RegistryClient:
        key = (registry, insecure)
        if key not in self._clients:
            self._clients[key] = RegistryClient(registry, self.opts, insecure=insecure)
        return self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def fetch(self, name: str) -> Fetched:
        """The manifest ``name`` (``docker://`` optional) names; short names go through the search registries."""
        from podpy.image.registry.resolve import candidates, stdin_is_tty

        text = name.removeprefix("docker://").lstrip("/") if name.startswith("docker://") else name
        errors: list[PodpyError] = []
        for cand in candidates(text, self.conf, interactive=stdin_is_tty()):
            try:
                return self.fetch_reference(cand.ref)
            except RegistryError as e:
                errors.append(e)
        if len(errors) == 1:
            raise errors[0]
        raise RegistryError("; ".join(str(e) for e in errors))

    def fetch_reference(self, ref: Reference, wanted: str = "") -> Fetched:
        from podpy.image.registry.resolve import sources

        errors: list[PodpyError] = []
        for src in sources(ref, self.conf):
            reference = wanted or src.ref.digest or src.ref.tag
            what = (f'setting up to read manifest and configuration from "docker://{ref}": '
                    f"reading manifest {reference} in {src.ref.repository}")
            client = self.client(src.ref.domain, src.insecure)
            try:
                reply = client.get_json(f"/v2/{src.ref.path}/manifests/{reference}", repo=src.ref.path,
                                        accept=ACCEPT, what=what)
            except RegistryError as e:
                errors.append(e)
                continue
            if reference.startswith("sha256:") and _sha256(reply.body) != reference:
                raise DigestMismatch(f"{what}: manifest digest {_sha256(reply.body)} does not match")
            data = parse_json(reply.body, what)
            media_type = media_type_of(data, reply.headers.get("content-type", ""))
            refuse_schema1(media_type, what)
            return Fetched(ref, src.ref, reply.body, media_type, data, client)
        raise errors[-1]

    def _config(self, fetched: Fetched) -> dict[str, Any]:
        manifest = image_manifest(fetched.data, fetched.media_type, f"manifest of {fetched.ref}")
        repo = fetched.source.path
        reply = fetched.client.get_json(f"/v2/{repo}/blobs/{manifest.config.digest}", repo=repo,
                                        what=f"reading the config of {fetched.ref}")
        return parse_json(reply.body, f"config {manifest.config.digest}")

    def instances(self, name: str, *, all_instances: bool, platform: Platform) -> list[Instance]:
        """What `manifest add` records for a remote image: its entry, or those of a list (one or all)."""
        fetched = self.fetch(name)
        source = f"docker://{fetched.ref}"
        if fetched.media_type in INDEX_TYPES:
            entries = instances_of(fetched.data, f"manifest list {fetched.ref}")
            if not all_instances:
                chosen = select_instance(fetched.data, platform, f"choosing an image from manifest list {source}")
                entries = [e for e in entries if e.digest == chosen.digest][:1]
            by_digest = f"docker://{fetched.ref.repository}"
            return [_with_source(e, f"{by_digest}@{e.digest}") for e in entries]
        config = self._config(fetched)
        return [Instance(
            digest=_sha256(fetched.raw), size=len(fetched.raw), media_type=fetched.media_type,
            os=str(config.get("os") or "linux"), architecture=str(config.get("architecture") or ""),
            variant=str(config.get("variant") or ""), os_version=str(config.get("os.version") or ""),
            source=source)]

    def index(self, name: str) -> list[Instance]:
        """The entries of a remote list (`manifest inspect` of a name that is not a local list)."""
        fetched = self.fetch(name)
        if fetched.media_type not in INDEX_TYPES:
            raise ImageFormatError(f'parsing manifest blob as a "{fetched.media_type}": '
                                   "Treating single images as manifest lists is not implemented")
        return instances_of(fetched.data, f"manifest list {fetched.ref}")


def _with_source(inst: Instance, source: str) -> Instance:
    from podpy.util.record import replace

    return replace(inst, source=source)


def parse_source(source: str) -> Reference | None:
    """A ``docker://`` source recorded by `manifest add`, as a reference (None for anything else)."""
    if not source.startswith("docker://"):
        return None
    try:
        return parse(source.removeprefix("docker://"))
    except PodpyError:
        return None
