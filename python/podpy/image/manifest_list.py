"""Manifest lists kept in the image store, as Podman keeps them.

A list is an image without layers whose manifest is an OCI index; the store's ``config``
column holds what the index itself cannot say (where each instance came from, Docker's
``features``). Every change is one read-modify-write of that record under the store lock.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from podpy.errors import ImageFormatError, NameInUse, NoSuchImage, NotFoundError, UsageError
from podpy.image.registry.manifests import DOCKER_LIST, INDEX_TYPES, OCI_INDEX
from podpy.storage.records import Image
from podpy.util.record import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.storage.store import Store

_SIDE_KEY = "podpy.manifestList"
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@record
class Instance:
    """One entry of a list: a descriptor and the platform it is for."""

    digest: str
    size: int
    media_type: str
    os: str = ""
    architecture: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    source: str = ""  # "containers-storage:<image id>" or "docker://<reference>"


@record
class ManifestList:
    image_id: str
    names: list[str]
    instances: list[Instance] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)


@record
class PlatformChanges:
    """What `manifest add`/`annotate` override on an entry; empty values leave it as it is."""

    os: str = ""
    architecture: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)


def is_list(image: Image) -> bool:
    return image.manifest_media_type in INDEX_TYPES


def check_digest(text: str) -> str:
    if not _DIGEST.match(text):
        raise UsageError(f'invalid image digest "{text}": invalid checksum digest format')
    return text


# --- encoding ----------------------------------------------------------------------------------------


def _platform(inst: Instance, *, docker: bool) -> dict[str, Any]:
    plat: dict[str, Any] = {"architecture": inst.architecture, "os": inst.os}
    if inst.os_version:
        plat["os.version"] = inst.os_version
    if inst.os_features:
        plat["os.features"] = list(inst.os_features)
    if inst.variant:
        plat["variant"] = inst.variant
    if docker and inst.features:
        plat["features"] = list(inst.features)
    return plat


def index_document(instances: list[Instance], media_type: str = OCI_INDEX,
                   annotations: dict[str, str] | None = None) -> dict[str, Any]:
    """The index (OCI) or list (Docker schema 2) to store or push."""
    docker = media_type == DOCKER_LIST
    entries = []
    for inst in instances:
        entry: dict[str, Any] = {"mediaType": inst.media_type, "digest": inst.digest, "size": inst.size}
        if inst.urls:
            entry["urls"] = list(inst.urls)
        if inst.annotations and not docker:
            entry["annotations"] = dict(inst.annotations)
        entry["platform"] = _platform(inst, docker=docker)
        entries.append(entry)
    doc: dict[str, Any] = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    if annotations and not docker:
        doc["annotations"] = dict(annotations)
    return doc


def encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode()


def inspect_document(instances: list[Instance]) -> dict[str, Any]:
    """What `manifest inspect` prints (Podman 4.3.1: Docker's list shape, with OCI annotations)."""
    entries = []
    for inst in instances:
        entry: dict[str, Any] = {"mediaType": inst.media_type, "size": inst.size, "digest": inst.digest}
        if inst.urls:
            entry["urls"] = list(inst.urls)
        entry["platform"] = _platform(inst, docker=True)
        if inst.annotations:
            entry["annotations"] = dict(inst.annotations)
        entries.append(entry)
    return {"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": entries or None}


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def instances_of(index: dict[str, Any], what: str) -> list[Instance]:
    """The entries of an index or list as registries and stores hold them."""
    entries = index.get("manifests")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ImageFormatError(f"{what}: the index has no manifest list")
    out = []
    for n, desc in enumerate(entries):
        if not isinstance(desc, dict):
            raise ImageFormatError(f"{what}: manifest {n} is not a JSON object")
        digest, size = desc.get("digest"), desc.get("size")
        if not isinstance(digest, str) or not _DIGEST.match(digest) or not isinstance(size, int):
            raise ImageFormatError(f"{what}: manifest {n} has no valid digest and size")
        plat_raw, annotations_raw = desc.get("platform"), desc.get("annotations")
        plat: dict[str, Any] = plat_raw if isinstance(plat_raw, dict) else {}
        annotations: dict[str, Any] = annotations_raw if isinstance(annotations_raw, dict) else {}
        out.append(Instance(
            digest=digest, size=size, media_type=str(desc.get("mediaType") or ""),
            os=str(plat.get("os") or ""), architecture=str(plat.get("architecture") or ""),
            variant=str(plat.get("variant") or ""), os_version=str(plat.get("os.version") or ""),
            os_features=_strings(plat.get("os.features")), features=_strings(plat.get("features")),
            annotations={str(k): str(v) for k, v in annotations.items()}, urls=_strings(desc.get("urls"))))
    return out


def load(image: Image) -> ManifestList:
    what = f"manifest list {image.id[:12]}"
    try:
        index = json.loads(image.manifest)
        side = json.loads(image.config or "{}").get(_SIDE_KEY) or {}
    except (ValueError, AttributeError) as e:
        raise ImageFormatError(f"{what}: invalid JSON: {e}") from e
    instances = instances_of(index, what)
    sources = side.get("sources") or {}
    features = side.get("features") or {}
    instances = [replace(i, source=str(sources.get(i.digest, "")),
                         features=_strings(features.get(i.digest)) or i.features) for i in instances]
    annotations = index.get("annotations") if isinstance(index.get("annotations"), dict) else {}
    return ManifestList(image.id, list(image.names), instances, dict(annotations))


def _record_parts(ml: ManifestList) -> tuple[str, str, str]:
    manifest = encode(index_document(ml.instances, OCI_INDEX, ml.annotations)).decode()
    side = {"sources": {i.digest: i.source for i in ml.instances if i.source},
            "features": {i.digest: i.features for i in ml.instances if i.features}}
    config = json.dumps({_SIDE_KEY: side}, separators=(",", ":"))
    digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    return manifest, config, digest


# --- the list in the store ----------------------------------------------------------------------------


def _shown_name(image: Image, text: str) -> str:
    from podpy.image.references import local_name

    try:
        wanted = local_name(text)
    except UsageError:
        return text
    return wanted if wanted in image.names else (image.names[0] if image.names and "/" not in text else text)


def find_list(store: Store, name: str) -> Image | None:
    """The list ``name`` names; None when no image has that name; an error for an image that is no list."""
    from podpy.image.lookup import find_image

    image = find_image(store.images, name)
    if image is None:
        return None
    if not is_list(image):
        raise ImageFormatError(f"{_shown_name(image, name)}: image is not a manifest list")
    return image


def require_list(store: Store, name: str) -> Image:
    image = find_list(store, name)
    if image is None:
        raise NoSuchImage(f"{name}: image not known")
    return image


def create(store: Store, name: str, instances: list[Instance], *, amend: bool) -> str:
    """A new list named ``name`` holding ``instances`` (with ``amend``, an existing one gains them); its ID."""
    from podpy.image.references import local_name
    from podpy.util.ids import new_id
    from podpy.util.timefmt import now_rfc3339

    full = local_name(name)
    with store.locked():
        existing = store.images.by_name(full)
        if existing is not None:
            if not amend:
                raise NameInUse(f'creating image to hold manifest list: image name "{full}" is already associated '
                                f'with image "{existing.id}": that name is already in use')
            if not is_list(existing):
                raise ImageFormatError(f"{full}: image is not a manifest list")
            _save(store, existing, instances)
            return existing.id
        ml = ManifestList("", [full], [])
        for inst in instances:
            ml = upsert(ml, inst)
        manifest, config, digest = _record_parts(ml)
        image = Image(id=new_id(), digest=digest, names=[full], manifest=manifest, config=config,
                      manifest_media_type=OCI_INDEX, layers=[], size=len(manifest) + len(config),
                      created=now_rfc3339())
        return store.images.add(image).id


def _save(store: Store, image: Image, added: list[Instance]) -> ManifestList:
    ml = load(image)
    for inst in added:
        ml = upsert(ml, inst)
    write(store, image.id, ml)
    return ml


def write(store: Store, image_id: str, ml: ManifestList) -> None:
    manifest, config, digest = _record_parts(ml)
    store.images.set_manifest(image_id, manifest=manifest, media_type=OCI_INDEX, config=config, digest=digest,
                              size=len(manifest) + len(config))


def add(store: Store, name: str, instances: list[Instance]) -> str:
    with store.locked():
        image = require_list(store, name)
        _save(store, image, instances)
        return image.id


def upsert(ml: ManifestList, inst: Instance) -> ManifestList:
    """An entry with the same digest is replaced in place; a new one goes last."""
    out = [inst if i.digest == inst.digest else i for i in ml.instances]
    if not any(i.digest == inst.digest for i in ml.instances):
        out.append(inst)
    return replace(ml, instances=out)


def apply_changes(inst: Instance, ch: PlatformChanges) -> Instance:
    return replace(inst, os=ch.os or inst.os, architecture=ch.architecture or inst.architecture,
                   variant=ch.variant or inst.variant, os_version=ch.os_version or inst.os_version,
                   os_features=list(ch.os_features) or inst.os_features, features=list(ch.features) or inst.features,
                   annotations=dict(ch.annotations) if ch.annotations else inst.annotations)


def annotate(store: Store, name: str, digest: str, changes: PlatformChanges) -> str:
    check_digest(digest)
    with store.locked():
        image = require_list(store, name)
        ml = load(image)
        if not any(i.digest == digest for i in ml.instances):
            raise NotFoundError(f'no instance matching digest "{digest}" found in manifest list')
        ml = replace(ml, instances=[apply_changes(i, changes) if i.digest == digest else i for i in ml.instances])
        write(store, image.id, ml)
        return image.id


def remove(store: Store, name: str, digest: str) -> str:
    prefix = f"removing from manifest list {name}"
    try:
        check_digest(digest)
    except UsageError as e:
        raise UsageError(f"{prefix}: {e}") from e
    with store.locked():
        image = find_list(store, name)
        if image is None:
            raise NoSuchImage(f"{prefix}: {name}: image not known")
        ml = load(image)
        kept = [i for i in ml.instances if i.digest != digest]
        if len(kept) == len(ml.instances):
            raise NotFoundError(f'{prefix}: no instance matching digest "{digest}" found in manifest list: '
                                "file does not exist")
        write(store, image.id, replace(ml, instances=kept))
        return image.id


# --- instances of local images ------------------------------------------------------------------------


def local_instances(store: Store, image: Image, *, all_instances: bool) -> list[Instance]:
    """The entries a local image gives: itself, or (for a list) its host entry or all of them."""
    if is_list(image):
        entries = load(image).instances
        if all_instances:
            return entries
        from podpy.image.registry.manifests import host, select_instance

        doc = index_document(entries)
        chosen = select_instance(doc, host(), f"choosing an image from manifest list {image.id[:12]}")
        return [e for e in entries if e.digest == chosen.digest][:1]
    try:
        config = json.loads(image.config)
    except ValueError:
        config = {}
    config = config if isinstance(config, dict) else {}
    return [Instance(
        digest=image.digest, size=len(image.manifest.encode()), media_type=image.manifest_media_type,
        os=str(config.get("os") or "linux"), architecture=str(config.get("architecture") or ""),
        variant=str(config.get("variant") or ""), os_version=str(config.get("os.version") or ""),
        os_features=_strings(config.get("os.features")), source=f"containers-storage:{image.id}")]


def local_image_for(store: Store, inst: Instance) -> Image | None:
    """The stored image an entry stands for (by the recorded source, else by manifest digest)."""
    if inst.source.startswith("containers-storage:"):
        found = store.images.get(inst.source.split(":", 1)[1])
        if found is not None and found.digest == inst.digest:
            return found
    for image in store.images.list():
        if image.digest == inst.digest and not is_list(image):
            return image
    return None


def resolve_instance(store: Store, image: Image) -> Image:
    """The local image a list stands for on this host (Podman's lookup of a list name); else NoSuchImage."""
    from podpy.image.registry.manifests import host

    want = host()
    entries = [i for i in load(image).instances if i.os == want.os and i.architecture == want.architecture
               and (i.variant or "") == want.variant]
    for inst in entries:
        found = local_image_for(store, inst)
        if found is not None:
            return found
    raise NoSuchImage(f'no image found in image index for architecture {want.architecture}, variant '
                      f'"{want.variant}", OS {want.os}: image not known')
