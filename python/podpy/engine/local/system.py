"""`info`: the host probe, the store and the registries, in Podman's shape."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine


class SystemEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def info(self) -> dict[str, Any]:
        from podpy.engine.local.info import build_info

        return build_info(self.engine.runtime)
