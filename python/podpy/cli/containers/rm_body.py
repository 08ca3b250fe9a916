"""podpy rm (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.common import print_item_reports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def rm(state: CliState, *, force: bool, remove_all: bool, ignore: bool, timeout: int, volumes: bool,
       names: tuple[str, ...]) -> int:
    from podpy.engine.entities import RmOptions
    from podpy.errors import UsageError

    if not names and not remove_all:
        raise UsageError("must specify at least one container name or ID")
    reports = state.engine.containers.remove(
        names, RmOptions(force=force, all=remove_all, ignore=ignore, timeout=timeout, volumes=volumes))
    code = print_item_reports(reports, shown=None if remove_all else list(names))
    reasons = {r.reason for r in reports if r.error}
    if not code or reasons - {"no_such_container", "invalid_state"}:
        return code
    return 2 if "invalid_state" in reasons else 1
