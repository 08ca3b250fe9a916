"""The one place that picks the engine implementation."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.api import Engine
    from podpy.engine.entities import EngineOptions


def new_engine(opts: EngineOptions) -> Engine:
    from podpy.engine.local.engine import LocalEngine

    return LocalEngine(opts)
