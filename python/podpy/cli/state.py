"""CliState: the global flags and the lazily created engine, kept on the click context.

Click-free on purpose: the fast path (``podpy.cli.fastpath``) builds the same state without click.
"""

from __future__ import annotations

import sys

from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.api import Engine
    from podpy.engine.entities import EngineOptions

LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic")


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


def new_cli_state(*, root: str | None = None, runroot: str | None = None, storage_driver: str | None = None,
                  runtime: str | None = None, cgroup_manager: str | None = None, log_level: str = "warn",
                  remote: bool = False, url: str | None = None, connection: str | None = None) -> CliState:
    """The state the global flags ask for (logging set up on the way)."""
    from podpy.engine.entities import EngineOptions

    if remote or url or connection:
        from podpy.errors import NotImplementedYet

        raise NotImplementedYet("remote connections (--remote, --url, --connection) are not available yet")
    level = log_level.lower()
    if level != "warn":
        setup_logging(level)
    return CliState(EngineOptions(root=root, runroot=runroot, storage_driver=storage_driver, runtime=runtime,
                                  cgroup_manager=cgroup_manager, log_level=level))


def setup_logging(level: str) -> None:
    import logging

    names = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
             "warning": logging.WARNING, "error": logging.ERROR, "fatal": logging.CRITICAL,
             "panic": logging.CRITICAL}
    for number in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        logging.addLevelName(number, logging.getLevelName(number).lower())
    logging.basicConfig(level=names[level], stream=sys.stderr, datefmt="%Y-%m-%dT%H:%M:%S%z",
                        format='time="%(asctime)s" level=%(levelname)s msg="%(message)s"')


def cli_state() -> CliState:
    import click

    state = click.get_current_context().find_root().obj
    assert isinstance(state, CliState)
    return state
