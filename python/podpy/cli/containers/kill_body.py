"""podpy kill (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.common import print_item_reports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def kill(state: CliState, *, kill_all: bool, sig: str, names: tuple[str, ...]) -> int:
    from podpy.define.signals import parse_signal
    from podpy.engine.entities import KillOptions
    from podpy.errors import UsageError

    if not names and not kill_all:
        raise UsageError("you must provide at least one name or id")
    reports = state.engine.containers.kill(names, KillOptions(signal=parse_signal(sig), all=kill_all))
    return print_item_reports(reports)
