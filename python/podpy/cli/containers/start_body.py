"""podpy start (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.common import print_item_reports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def start(state: CliState, *, attach: bool, interactive: bool, detach_keys: str | None, sig_proxy: bool | None,
          names: tuple[str, ...]) -> int:
    from podpy.engine.entities import AttachOptions
    from podpy.errors import UsageError

    if (attach or interactive) and len(names) > 1:
        raise UsageError("you cannot start and attach multiple containers at once")
    if sig_proxy and not (attach or interactive):
        raise UsageError("you cannot use sig-proxy without --attach")
    # Podman: -i attaches as well (stdin, and the output with it).
    attach = attach or interactive
    opts = AttachOptions(no_stdin=not interactive, detach_keys=detach_keys,
                         sig_proxy=True if sig_proxy is None else sig_proxy)
    reports = state.engine.containers.start(names, attach=attach, attach_opts=opts)
    if attach:
        if reports[0].error:
            return print_item_reports(reports)
        return reports[0].exit_code
    return print_item_reports(reports, shown=list(names))
