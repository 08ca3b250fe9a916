"""`history`: an image's config history joined with its layers' sizes (newest first, as Podman prints)."""

from __future__ import annotations

import json

from podpy.engine.entities import HistoryEntry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.runtime.runtime import Runtime
    from podpy.storage.records import Image


def image_history(rt: Runtime, image: Image) -> list[HistoryEntry]:
    config = json.loads(image.config)
    history = config.get("history") or []
    sizes = []
    for layer_id in image.layers:
        layer = rt.store.layers.get(layer_id)
        sizes.append(layer.size if layer else 0)
    if not history:
        history = [{"created": config.get("created", ""), "created_by": ""} for _ in image.layers]
    entries: list[HistoryEntry] = []
    layer_index = 0
    for item in history:
        empty = bool(item.get("empty_layer"))
        size = 0
        if not empty and layer_index < len(sizes):
            size = sizes[layer_index]
            layer_index += 1
        entries.append(HistoryEntry(ID="<missing>", Created=str(item.get("created", "")),
                                    CreatedBy=str(item.get("created_by", "")), Size=size,
                                    Comment=str(item.get("comment", "")), Tags=[]))
    entries.reverse()
    if entries:
        entries[0] = HistoryEntry(ID=image.id, Created=entries[0].Created, CreatedBy=entries[0].CreatedBy,
                                  Size=entries[0].Size, Comment=entries[0].Comment, Tags=list(image.names))
    return entries
