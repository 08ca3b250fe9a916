"""podpy exec (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

import sys

from podpy.cli.common import parse_key_values

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def exec_(state: CliState, *, detach: bool, env: tuple[str, ...], interactive: bool, tty: bool, user: str,
          workdir: str, privileged: bool, detach_keys: str | None, container: str, command: tuple[str, ...]) -> int:

    from podpy.engine.entities import ExecOptions

    if tty and interactive and not sys.stdin.isatty():
        from podpy.util import log

        log.warning("The input device is not a TTY. The --tty and --interactive flags might not work properly")
    opts = ExecOptions(command=list(command), env=parse_key_values(env, "environment variable"), user=user,
                       workdir=workdir, detach=detach, interactive=interactive, tty=tty, privileged=privileged,
                       detach_keys=detach_keys)
    return state.engine.containers.exec(container, opts)
