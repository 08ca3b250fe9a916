"""Records of the image store."""

from __future__ import annotations

from podpy.util.record import field, record


@record
class Layer:
    id: str  # chain ID (hex), the key of the layer directory
    parent: str  # parent layer ID, "" for a base layer
    diff_id: str  # sha256:… of the uncompressed tar
    compressed_digest: str
    compressed_size: int
    size: int  # uncompressed bytes
    link: str  # short name under overlay/l


@record
class Image:
    id: str  # config digest hex
    digest: str  # manifest digest sha256:…
    names: list[str]
    manifest: str  # raw JSON
    config: str  # raw JSON
    manifest_media_type: str
    layers: list[str] = field(default_factory=list)  # layer IDs, base first
    size: int = 0
    created: str = ""

    @property
    def top_layer(self) -> str:
        return self.layers[-1] if self.layers else ""
