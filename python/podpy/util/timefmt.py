"""Timestamps as Podman prints and stores them."""

from __future__ import annotations

import time


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
    stamp = _fast_epoch(main, tz)
    if stamp is None:
        from datetime import datetime

        stamp = datetime.fromisoformat(main + tz).timestamp()
    return stamp + (float("0." + frac) if frac else 0.0)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _fast_epoch(main: str, tz: str) -> float | None:
    """`YYYY-MM-DDTHH:MM:SS` with a `±HH:MM` offset, in seconds, without importing datetime (a listing
    command's whole budget is a few milliseconds); None for any other shape."""
    if len(main) != 19 or main[4] != "-" or main[7] != "-" or main[10] not in "Tt " or main[13] != ":" \
            or main[16] != ":" or len(tz) != 6 or tz[0] not in "+-" or tz[3] != ":":
        return None
    parts = (main[0:4], main[5:7], main[8:10], main[11:13], main[14:16], main[17:19], tz[1:3], tz[4:6])
    if not all(p.isdigit() and p.isascii() for p in parts):
        return None
    year, month, day, hour, minute, second, tz_h, tz_m = (int(p) for p in parts)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not (1 <= month <= 12 and 1 <= day <= (29 if month == 2 and leap else _MONTH_DAYS[month - 1])
            and hour < 24 and minute < 60 and second < 60):
        return None
    offset = (tz_h * 3600 + tz_m * 60) * (1 if tz[0] == "+" else -1)
    return float(_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


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
        from datetime import UTC, datetime

        return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise ValueError(text) from None
