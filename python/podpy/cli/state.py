"""CliState: the global flags and the lazily created engine, kept on the click context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from podpy.util.record import field, record

if TYPE_CHECKING:
    from podpy.engine.api import Engine
    from podpy.engine.entities import EngineOptions


@record(frozen=False)
class CliState:
    options: EngineOptions
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from podpy.engine.factory import new_engine

            self._engine = new_engine(self.options)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def cli_state() -> CliState:
    state = click.get_current_context().find_root().obj
    assert isinstance(state, CliState)
    return state
