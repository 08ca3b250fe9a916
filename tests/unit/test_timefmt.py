from __future__ import annotations

from podpy.util.timefmt import human_duration, now_rfc3339, parse_rfc3339
from podpy.util.units import human_size


def test_rfc3339_round_trip() -> None:
    stamp = now_rfc3339()
    assert stamp.endswith("Z") and len(stamp.split(".")[1]) == 10
    assert abs(parse_rfc3339(stamp) - parse_rfc3339(stamp.replace("Z", "+00:00"))) < 1e-6
    assert parse_rfc3339("1970-01-01T00:00:10Z") == 10.0
    assert parse_rfc3339("1970-01-01T01:00:10+01:00") == 10.0


def test_human_duration_like_go() -> None:
    assert human_duration(0.5) == "Less than a second"
    assert human_duration(1) == "1 second"
    assert human_duration(59) == "59 seconds"
    assert human_duration(60) == "About a minute"
    assert human_duration(60 * 5) == "5 minutes"
    assert human_duration(3600) == "About an hour"
    assert human_duration(3600 * 5) == "5 hours"
    assert human_duration(86400 * 3) == "3 days"


def test_human_size_like_go_units() -> None:
    assert human_size(8860) == "8.86 kB"
    assert human_size(999) == "999 B"
    assert human_size(1_234_567) == "1.23 MB"
    assert human_size(5_000_000) == "5 MB"
