"""podpy run once its flags are parsed, by click or by the fast path (podpy.cli.fastpath)."""

from __future__ import annotations

import sys

from podpy.cli.containers.runopts import run_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.cli.state import CliState


def run(state: CliState, *, image: str, command: tuple[str, ...], detach: bool, detach_keys: str | None,
        sig_proxy: bool, **flags: Any) -> int:
    from podpy.util.record import replace

    if flags["tty"] and flags["interactive"] and not sys.stdin.isatty():
        from podpy.util import log

        log.warning("The input device is not a TTY. The --tty and --interactive flags might not work properly")
    opts = replace(run_options(image, command, detach=detach, **flags), detach_keys=detach_keys,
                   sig_proxy=sig_proxy)
    report = state.engine.containers.run(opts)
    if report.exit_code is None:
        if opts.log_driver != "passthrough":  # stdout belongs to the container then, as in Podman
            sys.stdout.write(report.id + "\n")
        return 0
    return report.exit_code
