"""The `docker save` format: what manifest.json says, and the manifest Podman makes up for such an image.

A docker-archive has no image manifest of its own. containers/image generates a
schema 2 manifest from the config and the layers' diff IDs when it reads one, and
Podman records that manifest (its digest is the image's digest); podpy generates the
same bytes so that both report the same digest for the same archive.
"""

from __future__ import annotations

import json
import re
from typing import Any

from podpy.errors import ImageFormatError, UsageError
from podpy.image.references import Reference, docker_normalized, parse
from podpy.util.record import record

MANIFEST_JSON = "manifest.json"
SCHEMA2_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
SCHEMA2_CONFIG = "application/vnd.docker.container.image.v1+json"
# containers/image labels every layer it reads from a docker-archive this way, compressed or not.
SCHEMA2_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

_HEX = "[0-9a-f]{64}"
_CONFIG_NAMES = (re.compile(rf"^blobs/sha256/({_HEX})$"), re.compile(rf"^({_HEX})\.json$"))
_BLOB_NAME = re.compile(rf"^blobs/sha256/({_HEX})$")


@record
class DockerItem:
    """One entry of manifest.json: an image, with its names already normalised."""

    config: str  # member path of the config
    names: list[str]  # normalised as Podman does: localhost/busybox:latest for "busybox:latest"
    layers: list[str]  # member paths of the layer tars, base first


def parse_manifest_json(raw: bytes, what: str = MANIFEST_JSON) -> list[DockerItem]:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageFormatError(f"{what} is not valid JSON: {e}") from e
    if not isinstance(data, list) or not data:
        raise ImageFormatError(f"{what} lists no images")
    items = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise ImageFormatError(f"{what}: item {i} is not a JSON object")
        config = entry.get("Config")
        layers = entry.get("Layers")
        tags = entry.get("RepoTags") or []
        if not isinstance(config, str) or not config:
            raise ImageFormatError(f"{what}: item {i} names no Config")
        if not isinstance(layers, list) or not all(isinstance(p, str) and p for p in layers):
            raise ImageFormatError(f"{what}: item {i} has no valid Layers list")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ImageFormatError(f"{what}: item {i} has an invalid RepoTags list")
        items.append(DockerItem(config, [normalize_tag(t, f"{what} item {i}") for t in tags], list(layers)))
    return items


def normalize_tag(tag: str, where: str) -> str:
    """A RepoTags entry as Podman 4.3 names it: ``busybox:latest`` → ``localhost/busybox:latest``
    (a short name is a local one, libimage's NormalizeName), ``docker.io/alpine:3`` →
    ``docker.io/library/alpine:3``, anything else with a registry as written."""
    try:
        ref = parse(tag)
    except UsageError as e:
        raise ImageFormatError(f"invalid tag {tag!r} in {where}: {e}") from e
    if ref.digest or ":" not in tag.rsplit("/", 1)[-1]:
        raise ImageFormatError(f"invalid tag {tag!r} in {where}: not a name:tag reference")
    if not ref.domain:
        return str(Reference("localhost", ref.path, ref.tag, ""))
    return str(docker_normalized(ref)) if ref.domain == "docker.io" else str(ref)


def config_digest_in_name(path: str) -> str:
    """The digest a config's member name promises (``<hex>.json``, ``blobs/sha256/<hex>``), or ""."""
    for pattern in _CONFIG_NAMES:
        m = pattern.match(path.removeprefix("./"))
        if m:
            return f"sha256:{m.group(1)}"
    return ""


def layer_digest_in_name(path: str) -> str:
    """The digest of a layer stored content-addressed (newer Docker: ``blobs/sha256/<hex>``), or ""."""
    m = _BLOB_NAME.match(path.removeprefix("./"))
    return f"sha256:{m.group(1)}" if m else ""


def schema2_manifest(config_digest: str, config_size: int, layers: list[tuple[str, int]]) -> bytes:
    """The manifest containers/image generates: layers are (diff ID, uncompressed size); Go's compact JSON."""
    manifest = {
        "schemaVersion": 2,
        "mediaType": SCHEMA2_MANIFEST,
        "config": {"mediaType": SCHEMA2_CONFIG, "size": config_size, "digest": config_digest},
        "layers": [{"mediaType": SCHEMA2_LAYER, "size": size, "digest": diff_id} for diff_id, size in layers],
    }
    return json.dumps(manifest, separators=(",", ":")).encode()
