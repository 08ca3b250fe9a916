"""`import`: a root filesystem tarball (compressed or not) becomes a one-layer image."""

from __future__ import annotations

import hashlib
import json
import platform
from typing import Any

from podpy.image import docker_archive
from podpy.image.changes import apply_changes
from podpy.image.references import local_name
from podpy.storage.layers import LayerSource
from podpy.storage.records import Image
from podpy.storage.store import Store
from podpy.util.timefmt import now_rfc3339


def import_tarball(store: Store, path: str, *, reference: str, changes: list[str], message: str) -> Image:
    created = now_rfc3339()
    container_config = apply_changes({}, changes)
    with store.locked():
        layer = store.layers.create_unnamed(LayerSource(path, "", ""))
        config: dict[str, Any] = {
            "created": created,
            "architecture": {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine()),
            "os": "linux",
            "config": container_config,
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id]},
            "history": [{"created": created, "created_by": f"/bin/sh -c #(nop) ADD file:{layer.diff_id[7:]} in / ",
                         **({"comment": message} if message else {})}],
        }
        config_raw = json.dumps(config, separators=(",", ":")).encode()
        config_digest = "sha256:" + hashlib.sha256(config_raw).hexdigest()
        manifest_raw = docker_archive.schema2_manifest(config_digest, len(config_raw), [(layer.diff_id, layer.size)])
        image = Image(id=config_digest[7:], digest="sha256:" + hashlib.sha256(manifest_raw).hexdigest(),
                      names=[local_name(reference)] if reference else [], manifest=manifest_raw.decode(),
                      config=config_raw.decode(), manifest_media_type=docker_archive.SCHEMA2_MANIFEST,
                      layers=[layer.id], size=layer.size + len(config_raw), created=created)
        return store.images.add(image)
