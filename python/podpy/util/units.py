"""Human-readable sizes as Go's docker/go-units prints them (Podman's SIZE columns)."""

from __future__ import annotations

_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def human_size(size: float, precision: int = 3, sep: str = " ") -> str:
    """HumanSizeWithPrecision: 3 significant digits, decimal units, e.g. `8.86 kB` (`stats` writes
    go-units' HumanSize: four digits and no space, `1.397MB`)."""
    index = 0
    while size >= 1000.0 and index < len(_DECIMAL) - 1:
        size /= 1000.0
        index += 1
    text = f"{size:.{precision}g}"
    if "e" in text:
        text = f"{size:.0f}"
    return f"{text}{sep}{_DECIMAL[index]}"


_BINARY = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def ram_in_bytes(text: str) -> int:
    """RAMInBytes: `512`, `64m`, `1.5g`, `2GiB`, `100kb` — binary multiples, case-insensitive.

    Raises ValueError for anything else (callers turn it into their own message).
    """
    value = text.strip().lower()
    for suffix in ("ib", "b"):
        if value.endswith(suffix) and value[:-len(suffix)][-1:] in "kmgtp" and len(value) > len(suffix):
            value = value[:-len(suffix)]
            break
    unit = value[-1:] if value[-1:] in "bkmgtp" else ""
    number = value[:-1] if unit else value
    if not number or number.startswith("-"):
        raise ValueError(text)
    amount = float(number)
    return int(amount * _BINARY[unit])
