"""The podpy entry point: the one error boundary, and the choice between the fast path and click.

Everything below `main()` raises; only `main()` prints `Error: …` for a failed
command and picks the exit code (125 engine error, 126/127 for a command that
cannot be run, otherwise the container's own code). Click is imported only when
the fast path (``podpy.cli.fastpath``) declines the command line.
"""

from __future__ import annotations

import sys

from podpy.define.exitcodes import ENGINE_ERROR
from podpy.errors import PodpyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    code: Any
    try:
        code = _dispatch(args)
    except PodpyError as e:
        _error(str(e))
        if e.hint:
            from podpy.util import log

            log.debug("hint: %s", e.hint)
        code = e.exit_code
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 0
    except OSError as e:
        # The last resort: a system error no layer turned into a PodpyError still gets one line.
        _error(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}")
        code = ENGINE_ERROR
    except Exception as e:
        code = _click_error(e)
    sys.exit(code if isinstance(code, int) else 0)


def entry() -> None:
    """The process entry point (`python -m podpy`, the installed launcher): `main()`, then leave with
    `os._exit` once the output is flushed, skipping the interpreter's teardown and the database's
    checkpoint on close (see util.exiting) — unless a thread or an atexit handler still has work."""
    import os

    from podpy.util import exiting

    exiting.ends_with_os_exit = True
    try:
        main()
        code: Any = 0
    except SystemExit as e:
        code = e.code
    if not isinstance(code, int):
        if code is not None:
            sys.stderr.write(f"{code}\n")
        code = 0 if code is None else 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    try:
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    threading = sys.modules.get("threading")
    import atexit

    if (threading is not None and threading.active_count() > 1) or atexit._ncallbacks() > 0:
        exiting.ends_with_os_exit = False
        sys.exit(code)  # the interpreter waits for the threads and runs the handlers (and closes the database)
    os._exit(code)


def _dispatch(args: list[str]) -> Any:
    from podpy.cli.fastpath import fast_call

    call = fast_call(args)
    if call is not None:
        return call()
    from podpy.cli.root import cli

    return cli.main(args=args, prog_name="podpy", standalone_mode=False)


def _click_error(e: Exception) -> int:
    """Exit code for click's own exceptions (usage errors, --help's exit); anything else propagates."""
    click = sys.modules.get("click")
    if click is None:
        raise e
    if isinstance(e, click.exceptions.Exit):
        return int(e.exit_code)
    if isinstance(e, click.UsageError):
        _error(_usage_message(e))
        return ENGINE_ERROR
    if isinstance(e, click.ClickException):
        _error(e.format_message())
        return ENGINE_ERROR
    if isinstance(e, click.Abort):
        return ENGINE_ERROR
    raise e


def _usage_message(e: Any) -> str:
    import click

    if isinstance(e, click.NoSuchOption):
        return f"unknown flag: {e.option_name}"
    message = str(e.format_message())
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return f"unrecognized command `podpy {name}`\nTry 'podpy --help' for more information"
    return message


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
