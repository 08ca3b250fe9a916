"""podpy stop (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.common import print_item_reports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def stop(state: CliState, *, stop_all: bool, ignore: bool, timeout: int | None, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import StopOptions
    from podpy.errors import UsageError

    if not names and not stop_all:
        raise UsageError("you must provide at least one name or id")
    reports = state.engine.containers.stop(names, StopOptions(all=stop_all, ignore=ignore, timeout=timeout))
    return print_item_reports(reports)
