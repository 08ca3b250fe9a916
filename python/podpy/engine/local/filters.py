"""`ps --filter`: Podman's container filters. Values of one key are OR'ed, keys are AND'ed."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence

from podpy.define.states import ContainerStatus
from podpy.errors import UsageError
from podpy.state.records import Container

Predicate = Callable[[Container], bool]

_STATUS_NAMES = {"created", "running", "paused", "exited", "stopped", "configured", "removing", "unknown"}


def _status_of(ctr: Container) -> str:
    status = ctr.state.status
    return "created" if status is ContainerStatus.CONFIGURED else status.value


def _label(value: str) -> Predicate:
    key, sep, wanted = value.partition("=")
    if not sep:
        return lambda c: key in c.config.labels
    return lambda c: c.config.labels.get(key) == wanted


def _name(value: str) -> Predicate:
    pattern = re.compile(value)
    return lambda c: pattern.search(c.name) is not None


def _ancestor(value: str) -> Predicate:
    def match(c: Container) -> bool:
        name = c.config.image_name
        return (c.config.image_id.startswith(value) or name == value or
                name.rsplit(":", 1)[0].endswith("/" + value) or name.endswith("/" + value) or
                fnmatch.fnmatch(name, value))
    return match


def _status(value: str) -> Predicate:
    if value not in _STATUS_NAMES:
        raise UsageError(f"{value} is not a valid status")
    return lambda c: _status_of(c) == value


def build(filters: Mapping[str, Sequence[str]], all_containers: Sequence[Container]) -> Predicate:
    def relative(value: str, newer: bool) -> Predicate:
        ref = next((c for c in all_containers if c.name == value or c.id.startswith(value)), None)
        if ref is None:
            raise UsageError(f"no container with name or ID \"{value}\" found: no such container")
        if newer:
            return lambda c: c.config.created_at > ref.config.created_at
        return lambda c: c.config.created_at < ref.config.created_at

    makers: dict[str, Callable[[str], Predicate]] = {
        "id": lambda v: lambda c: c.id.startswith(v),
        "name": _name,
        "label": _label,
        "status": _status,
        "exited": lambda v: lambda c: c.state.status in (ContainerStatus.EXITED, ContainerStatus.STOPPED)
        and str(c.state.exit_code) == v,
        "ancestor": _ancestor,
        "pod": lambda v: lambda c: bool(c.config.pod) and c.config.pod == v,
        "since": lambda v: relative(v, True),
        "before": lambda v: relative(v, False),
    }
    groups: list[list[Predicate]] = []
    for key, values in filters.items():
        maker = makers.get(key)
        if maker is None:
            raise UsageError(f"{key} is an invalid filter")
        groups.append([maker(v) for v in values])
    return lambda c: all(any(p(c) for p in group) for group in groups)

