"""Signal names as Podman accepts them: `KILL`, `SIGKILL`, `kill` or `9`."""

from __future__ import annotations

import signal

from podpy.errors import UsageError


def parse_signal(text: str) -> int:
    value = text.strip()
    if value.isdigit():
        number = int(value)
        if 0 < number < 65:
            return number
        raise UsageError(f"invalid signal: {text}")
    name = value.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    try:
        return int(signal.Signals[name])
    except KeyError:
        raise UsageError(f"invalid signal: {text}") from None
