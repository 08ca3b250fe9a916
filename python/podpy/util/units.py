"""Human-readable sizes as Go's docker/go-units prints them (Podman's SIZE columns)."""

from __future__ import annotations

_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def human_size(size: float, precision: int = 3) -> str:
    """HumanSizeWithPrecision: 3 significant digits, decimal units, e.g. `8.86 kB`."""
    index = 0
    while size >= 1000.0 and index < len(_DECIMAL) - 1:
        size /= 1000.0
        index += 1
    text = f"{size:.{precision}g}"
    if "e" in text:
        text = f"{size:.0f}"
    return f"{text} {_DECIMAL[index]}"
