"""`volume ls/prune --filter` matching, without containers."""

from __future__ import annotations

import pytest

from podpy.engine.local.volumes import _check_prune_filters, _matches
from podpy.errors import UsageError

VOL = {"Name": "data-1", "Driver": "local", "Scope": "local", "Labels": {"tier": "db", "bare": ""},
       "Options": {"type": "tmpfs", "o": "size=1m"}, "CreatedAt": "2026-01-02T03:04:05.123456789Z"}


@pytest.mark.parametrize(("filters", "in_use", "expected"), [
    ({}, False, True),
    ({"name": ["^data"]}, False, True),
    ({"name": ["^x", "1$"]}, False, True),
    ({"name": ["^x"]}, False, False),
    ({"label": ["tier=db", "bare"]}, False, True),
    ({"label": ["tier=web"]}, False, False),
    ({"driver": ["local"], "scope": ["local"]}, False, True),
    ({"opt": ["type=tmpfs"]}, False, True),
    ({"opt": ["o=size=1m"]}, False, True),
    ({"opt": ["type=none"]}, False, False),
    ({"dangling": ["true"]}, False, True),
    ({"dangling": ["true"]}, True, False),
    ({"dangling": ["false"]}, True, True),
    ({"until": ["2026-01-03T00:00:00Z"]}, False, True),
    ({"until": ["2026-01-01T00:00:00Z"]}, False, False),
])
def test_matches(filters: dict[str, list[str]], in_use: bool, expected: bool) -> None:
    assert _matches(VOL, in_use, filters) is expected


def test_bad_filters() -> None:
    with pytest.raises(UsageError, match='"bogus" is an invalid volume filter'):
        _matches(VOL, False, {"bogus": ["1"]})
    with pytest.raises(UsageError, match="dangling"):
        _matches(VOL, False, {"dangling": ["maybe"]})
    with pytest.raises(UsageError, match='"name" is an invalid volume filter'):
        _check_prune_filters({"name": ["x"]})
    with pytest.raises(UsageError, match="until"):
        _check_prune_filters({"until": ["yesterday-ish"]})
    _check_prune_filters({"label": ["a=b"], "until": ["10m"]})
