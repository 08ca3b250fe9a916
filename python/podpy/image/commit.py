"""The image half of `commit`: a layer tar made from a container becomes a stored image.

The tar is unpacked into the store like any other layer (so it gets its tar-split record
and `save` reproduces it), on top of the container's image or alone (`--squash`); the new
config is the image's, with the container's settings, the `--change` instructions, the new
diffID and a history entry.
"""

from __future__ import annotations

import copy
import hashlib
import json
from contextlib import nullcontext
from typing import Any

from podpy.image import docker_archive
from podpy.image.changes import apply_changes
from podpy.image.references import local_name
from podpy.storage.layers import LayerSource, chain_id
from podpy.storage.records import Image
from podpy.storage.store import Store
from podpy.util.record import field, record
from podpy.util.timefmt import now_rfc3339

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"


@record
class CommitSpec:
    tar_path: str  # the layer tar (a path the extractor can open)
    diff_id: str
    base: Image | None
    squash: bool
    settings: dict[str, Any]  # container settings in image-config form (Env, Cmd, Entrypoint, …)
    created_by: str
    changes: list[str] = field(default_factory=list)
    message: str = ""
    author: str = ""
    docker_format: bool = False
    reference: str = ""


def store_commit(store: Store, spec: CommitSpec) -> Image:
    base_config: dict[str, Any] = json.loads(spec.base.config) if spec.base is not None else {}
    config = copy.deepcopy(base_config)
    created = now_rfc3339()
    config["created"] = created
    if spec.author:
        config["author"] = spec.author
    config.setdefault("architecture", base_config.get("architecture", "amd64"))
    config.setdefault("os", "linux")
    container_config = dict(config.get("config") or {})
    container_config.update({k: v for k, v in spec.settings.items() if v})
    config["config"] = apply_changes(container_config, list(spec.changes))
    entry: dict[str, Any] = {"created": created, "created_by": spec.created_by}
    if spec.author:
        entry["author"] = spec.author
    if spec.message:
        entry["comment"] = spec.message
    parent = "" if spec.squash or spec.base is None else spec.base.top_layer
    with store.locked():
        layer_id = chain_id(parent, spec.diff_id)
        source = LayerSource(spec.tar_path, spec.diff_id, spec.diff_id)
        result = store.layers.create_chain([(layer_id, parent, lambda: nullcontext(source))])
        layer = result.layers[0]
        try:
            base_layers = [] if spec.squash or spec.base is None else list(spec.base.layers)
            diff_ids = [] if spec.squash else list((config.get("rootfs") or {}).get("diff_ids") or [])
            config["rootfs"] = {"type": "layers", "diff_ids": [*diff_ids, layer.diff_id]}
            config["history"] = [*([] if spec.squash else config.get("history") or []), entry]
            config_raw = json.dumps(config, separators=(",", ":")).encode()
            config_digest = "sha256:" + hashlib.sha256(config_raw).hexdigest()
            layers = [*(store.layers.get(i) for i in base_layers), layer]
            sizes = [(lay.diff_id, lay.size) for lay in layers if lay is not None]
            if spec.docker_format:
                media_type = docker_archive.SCHEMA2_MANIFEST
                manifest_raw = docker_archive.schema2_manifest(config_digest, len(config_raw), sizes)
            else:
                media_type = OCI_MANIFEST
                manifest_raw = json.dumps({
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config_raw)},
                    "layers": [{"mediaType": OCI_LAYER, "digest": d, "size": n} for d, n in sizes],
                }, separators=(",", ":")).encode()
            image = Image(id=config_digest[7:], digest="sha256:" + hashlib.sha256(manifest_raw).hexdigest(),
                          names=[local_name(spec.reference)] if spec.reference else [],
                          manifest=manifest_raw.decode(), config=config_raw.decode(), manifest_media_type=media_type,
                          layers=[*base_layers, layer.id], size=sum(n for _, n in sizes) + len(config_raw),
                          created=created)
            return store.images.add(image)
        except BaseException:
            for made in result.created:
                store.layers.delete(made)
            raise
