"""`pod ps --filter`: Podman's keys; values of one key are ORed, different keys ANDed."""

from __future__ import annotations

from podpy.engine.entities import ListPod
from podpy.errors import UsageError

KEYS = ("id", "name", "label", "status", "ctr-names", "ctr-ids", "ctr-status", "ctr-number", "network")
STATUSES = ("stopped", "running", "paused", "exited", "dead", "created", "degraded")


def parse_filters(filters: object) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for text in filters:  # type: ignore[attr-defined]
        key, sep, value = str(text).partition("=")
        if not sep or key not in KEYS:
            raise UsageError(f"{key} is an invalid filter")
        if key == "status" and value not in STATUSES:
            raise UsageError(f"{value} is not a valid status")
        parsed.setdefault(key, []).append(value)
    return parsed


def _one(row: ListPod, key: str, value: str) -> bool:
    if key == "id":
        return row.Id.startswith(value)
    if key == "name":
        import re

        return value == row.Name or re.search(value, row.Name) is not None
    if key == "label":
        k, sep, v = value.partition("=")
        return k in row.Labels and (not sep or row.Labels[k] == v)
    if key == "status":
        return row.Status.lower() == value
    if key == "ctr-names":
        return any(c.Names == value for c in row.Containers)
    if key == "ctr-ids":
        return any(c.Id.startswith(value) for c in row.Containers)
    if key == "ctr-status":
        return any(c.Status == value for c in row.Containers)
    if key == "ctr-number":
        return value.isdigit() and len(row.Containers) == int(value)
    if key == "network":
        return value in row.Networks
    return False


def matches(row: ListPod, parsed: dict[str, list[str]]) -> bool:
    return all(any(_one(row, key, v) for v in values) for key, values in parsed.items())
