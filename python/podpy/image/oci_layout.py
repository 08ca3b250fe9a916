"""Loading an OCI image layout directory (the format of the embedded images and of `oci-dir`)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import nullcontext
from typing import Any

from podpy.errors import DigestMismatch, ImageFormatError
from podpy.image.references import parse
from podpy.storage.layers import LayerSource, SourceOpener, chain_id
from podpy.storage.records import Image
from podpy.storage.store import Store
from podpy.util.record import record

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
REF_NAME = "org.opencontainers.image.ref.name"
_SHA256 = re.compile(r"^sha256:[0-9a-f]{64}$")


@record
class ManifestEntry:
    digest: str
    names: list[str]


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """``raw`` parsed as a JSON object, or ImageFormatError naming ``what``."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageFormatError(f"{what} is not valid JSON: {e}") from e
    if not isinstance(data, dict):
        raise ImageFormatError(f"{what} is not a JSON object")
    return data


def descriptor_digest(desc: Any, what: str) -> str:
    """The sha256 digest a descriptor names, or ImageFormatError."""
    digest = desc.get("digest") if isinstance(desc, dict) else None
    if not isinstance(digest, str) or not _SHA256.match(digest):
        raise ImageFormatError(f"{what}: missing or unsupported digest {digest!r}")
    return digest


class OciLayout:
    def __init__(self, path: str) -> None:
        self.path = path
        if not os.path.isfile(os.path.join(path, "index.json")):
            raise ImageFormatError(f"{path}: not an OCI image layout (no index.json)")

    def blob_path(self, digest: str) -> str:
        algo, _, hexpart = digest.partition(":")
        return os.path.join(self.path, "blobs", algo, hexpart)

    def read_blob(self, digest: str, what: str) -> bytes:
        try:
            with open(self.blob_path(digest), "rb") as f:
                data = f.read()
        except FileNotFoundError as e:
            raise ImageFormatError(f"{what} blob {digest} is missing from {self.path}") from e
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise DigestMismatch(f"{what} blob {digest}: content has digest {actual}")
        return data

    def manifests(self) -> list[ManifestEntry]:
        with open(os.path.join(self.path, "index.json"), "rb") as f:
            index = json_object(f.read(), f"{self.path}/index.json")
        entries = index.get("manifests")
        if not isinstance(entries, list) or not entries:
            raise ImageFormatError(f"{self.path}/index.json lists no manifests")
        found: list[ManifestEntry] = []
        for desc in entries:
            digest = descriptor_digest(desc, "index.json manifest")
            ref_name = (desc.get("annotations") or {}).get(REF_NAME, "")
            names = []
            if ref_name:
                try:
                    names.append(str(parse(ref_name)))
                except Exception:  # a bare tag, as the OCI spec intends: no repository to name
                    names = []
            found.append(ManifestEntry(digest, names))
        return found

    def load_into(self, store: Store, entry: ManifestEntry) -> Image:
        manifest_raw = self.read_blob(entry.digest, "manifest")
        manifest = json_object(manifest_raw, f"manifest {entry.digest}")
        media_type = str(manifest.get("mediaType") or OCI_MANIFEST)
        if media_type in (OCI_INDEX, DOCKER_LIST):
            raise ImageFormatError(f"manifest {entry.digest}: nested image indexes are not supported yet")
        config_digest = descriptor_digest(manifest.get("config"), f"manifest {entry.digest} config")
        config_raw = self.read_blob(config_digest, "config")
        config = json_object(config_raw, f"config {config_digest}")
        diff_ids = (config.get("rootfs") or {}).get("diff_ids")
        layers = manifest.get("layers")
        if not isinstance(layers, list) or not isinstance(diff_ids, list) or len(layers) != len(diff_ids):
            raise ImageFormatError(f"manifest {entry.digest}: layer list does not match the config's diff_ids")
        chain: list[tuple[str, str, SourceOpener]] = []
        parent = ""
        for desc, diff_id in zip(layers, diff_ids, strict=True):
            blob_digest = descriptor_digest(desc, "layer")
            if not isinstance(diff_id, str):
                raise ImageFormatError(f"config {config_digest}: bad diff_id {diff_id!r}")
            layer_id = chain_id(parent, diff_id)
            source = LayerSource(self.blob_path(blob_digest), blob_digest, diff_id)
            chain.append((layer_id, parent, lambda source=source: nullcontext(source)))  # type: ignore[misc]
            parent = layer_id
        with store.locked():
            made = store.layers.create_chain(chain).layers
            layer_ids = [layer.id for layer in made]
            size = sum(layer.size for layer in made)
            image = Image(id=config_digest.removeprefix("sha256:"), digest=entry.digest, names=entry.names,
                          manifest=manifest_raw.decode(), config=config_raw.decode(),
                          manifest_media_type=media_type, layers=layer_ids, size=size + len(config_raw),
                          created=str(config.get("created") or ""))
            return store.images.add(image)
