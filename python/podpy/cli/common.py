"""Small helpers shared by verbs: per-item reports and KEY=VALUE parsing."""

from __future__ import annotations

import sys

from podpy.define.exitcodes import ENGINE_ERROR
from podpy.engine.entities import ItemReport
from podpy.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def error_line(message: str) -> None:
    """A per-item failure; the command goes on with the other items (Podman's behaviour)."""
    sys.stderr.write(f"Error: {message}\n")


def print_item_reports(reports: Iterable[ItemReport], *, shown: Sequence[str] | None = None) -> int:
    """Print each success's ID (or the name the user gave) and each failure; the exit code to use."""
    code = 0
    for index, report in enumerate(reports):
        if report.error:
            error_line(report.error)
            code = code or report.exit_code or ENGINE_ERROR
        else:
            sys.stdout.write((shown[index] if shown and index < len(shown) else report.id) + "\n")
    return code


def parse_key_values(items: Iterable[str], what: str) -> dict[str, str]:
    """`KEY=VALUE` pairs; a bare `KEY` takes its value from our environment, as Podman's -e does."""
    import os

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not key:
            raise UsageError(f"invalid {what} {item!r}")
        if not sep:
            if what == "environment variable":
                if key in os.environ:
                    out[key] = os.environ[key]
                continue
            value = ""
        out[key] = value
    return out


def parse_filters(items: Iterable[str]) -> dict[str, list[str]]:
    """`--filter key=value` flags, grouped by key."""
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"invalid filter {item!r}: filters must be key=value")
        out.setdefault(key.lower(), []).append(value)
    return out
