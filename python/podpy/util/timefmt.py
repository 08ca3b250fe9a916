"""Timestamps as Podman prints and stores them."""

from __future__ import annotations

import time
from datetime import datetime


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

