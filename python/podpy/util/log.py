"""Logging without paying for the `logging` import on every command.

`podpy --log-level X` (anything but the default) configures the logging module; until then,
debug and info messages are dropped and warnings go straight to stderr in Podman's format.
"""

from __future__ import annotations

import sys
import time


def _logging_enabled() -> bool:
    logging = sys.modules.get("logging")
    return logging is not None and bool(logging.getLogger("podpy").handlers or logging.getLogger().handlers)


def debug(message: str, *args: object) -> None:
    if _logging_enabled():
        import logging

        logging.getLogger("podpy").debug(message, *args)


def warning(message: str, *args: object) -> None:
    if _logging_enabled():
        import logging

        logging.getLogger("podpy").warning(message, *args)
        return
    text = message % args if args else message
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    sys.stderr.write(f'time="{stamp}" level=warning msg="{text}"\n')
