"""Timestamps as Podman prints and stores them."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_rfc3339() -> str:
    """RFC 3339 in UTC with nanoseconds, e.g. 2026-11-28T19:30:00.123456789Z."""
    ns = time.time_ns()
    secs, frac = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{frac:09d}Z"


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch; tolerant of 9-digit fractions and numeric offsets."""
    if not text:
        return 0.0
    main, _, rest = text.partition(".")
    frac = ""
    tz = ""
    if rest:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        frac, tz = rest[:digits], rest[digits:]
    else:
        for sep in ("Z", "+", "-"):
            idx = main.find(sep, 19)
            if idx != -1:
                main, tz = main[:idx], main[idx:]
                break
    if tz in ("", "Z"):
        tz = "+00:00"
    stamp = datetime.fromisoformat(main + tz).timestamp()
    return stamp + (float("0." + frac) if frac else 0.0)


def human_duration(seconds: float) -> str:
    """Go's units.HumanDuration, as Podman uses in ps and images."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(s / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


def time_ago(stamp: str, now: float | None = None) -> str:
    current = time.time() if now is None else now
    return human_duration(current - parse_rfc3339(stamp)) + " ago"



_GO_UNITS = (("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0))


def parse_go_duration(text: str) -> float:
    """Go's time.ParseDuration (`250ms`, `1m30s`, `1.5h`) in seconds; ValueError for anything else."""
    rest = text.strip()
    if rest in ("0", ""):
        if rest == "":
            raise ValueError(text)
        return 0.0
    sign = -1.0 if rest.startswith("-") else 1.0
    rest = rest.lstrip("+-")
    total = 0.0
    while rest:
        number = ""
        while rest and (rest[0].isdigit() or rest[0] == "."):
            number, rest = number + rest[0], rest[1:]
        unit = next((u for u, _ in sorted(_GO_UNITS, key=lambda x: -len(x[0])) if rest.startswith(u)), None)
        if not number or unit is None:
            raise ValueError(text)
        rest = rest[len(unit):]
        total += float(number) * dict(_GO_UNITS)[unit]
    return sign * total


def parse_time_filter(text: str, now: float | None = None) -> float:
    """Podman's --since/--until values: a Go duration before now (`10m`), a Unix timestamp
    (`1700000000.5`), an RFC 3339 time, or a date and time without zone (UTC). Seconds since the epoch."""
    value = text.strip()
    current = time.time() if now is None else now
    try:
        return current - parse_go_duration(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        pass
    try:
        if "T" in value:
            return parse_rfc3339(value)
        return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise ValueError(text) from None
