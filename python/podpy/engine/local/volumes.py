"""Volume commands on the local runtime."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from podpy.engine.entities import InspectReport, ItemReport
from podpy.errors import NoSuchVolume, PodpyError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

    from podpy.engine.local.engine import LocalEngine


def _matches(data: dict[str, Any], in_use: bool, filters: Mapping[str, Sequence[str]]) -> bool:
    from podpy.util.timefmt import parse_rfc3339

    for key, values in filters.items():
        if key == "name":
            ok = any(re.search(v, data["Name"]) for v in values)
        elif key == "label":
            ok = all(_label(data["Labels"], v) for v in values)
        elif key == "driver":
            ok = data["Driver"] in values
        elif key == "scope":
            ok = data["Scope"] in values
        elif key == "opt":
            ok = any(_label(data["Options"], v) for v in values)
        elif key == "dangling":
            ok = all(_bool(v) != in_use for v in values)
        elif key == "until":
            ok = all(parse_rfc3339(data["CreatedAt"]) < _time(v) for v in values)
        else:
            raise UsageError(f'"{key}" is an invalid volume filter')
        if not ok:
            return False
    return True


def _check_prune_filters(filters: Mapping[str, Sequence[str]]) -> None:
    for key, values in filters.items():
        if key not in ("label", "until"):
            raise UsageError(f'"{key}" is an invalid volume filter')
        for value in values:
            if key == "until":
                _time(value)


def _bool(value: str) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise UsageError(f"{value!r} is not a valid value for the \"dangling\" filter - must be true or false")


def _time(value: str) -> float:
    from podpy.util.timefmt import parse_time_filter

    try:
        return parse_time_filter(value)
    except ValueError:
        raise UsageError(f"invalid time value {value!r} for the \"until\" filter") from None


def _label(labels: dict[str, str], value: str) -> bool:
    key, sep, wanted = value.partition("=")
    return key in labels if not sep else labels.get(key) == wanted


class VolumesEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def create(self, name: str, *, labels: Mapping[str, str], options: Mapping[str, str], ignore: bool) -> str:
        from podpy.runtime import volumes

        return volumes.create_volume(self.engine.runtime, name, labels=dict(labels), options=dict(options),
                                     ignore=ignore).name

    def list_volumes(self, filters: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
        from podpy.runtime import volumes

        rt = self.engine.runtime
        used = volumes.used_names(rt)
        out = []
        for vol in volumes.list_volumes(rt):
            data = volumes.inspect(rt, vol)
            if _matches(data, vol.name in used, filters or {}):
                out.append(data)
        return out

    def inspect(self, names: Sequence[str]) -> list[InspectReport]:
        from podpy.runtime import volumes

        rt = self.engine.runtime
        reports: list[InspectReport] = []
        for name in names:
            try:
                reports.append(InspectReport(name, volumes.inspect(rt, volumes.get_volume(rt, name))))
            except PodpyError:
                reports.append(InspectReport(name, None, error=f"inspecting object: no such volume {name}"))
        return reports

    def remove(self, names: Sequence[str], *, force: bool, all_volumes: bool = False) -> list[ItemReport]:
        from podpy.runtime import volumes

        rt = self.engine.runtime
        if all_volumes:
            names = [v.name for v in volumes.list_volumes(rt)]
        reports: list[ItemReport] = []
        found: list[str] = []
        for name in names:  # as Podman: every lookup first, so the missing ones are reported first
            if volumes.store(rt).get(name) is None:
                reports.append(ItemReport(name, error=f'no volume with name "{name}" found: no such volume',
                                          exit_code=1, reason=NoSuchVolume.code))
            else:
                found.append(name)
        for name in found:
            try:
                volumes.remove_volume(rt, name, force=force)
                reports.append(ItemReport(name))
            except PodpyError as e:
                code = 1 if isinstance(e, NoSuchVolume) else e.exit_code
                reports.append(ItemReport(name, error=str(e), exit_code=code, reason=e.code))
        return reports

    def prune(self, filters: Mapping[str, Sequence[str]] | None = None) -> list[str]:
        from podpy.runtime import volumes

        wanted = dict(filters or {})
        _check_prune_filters(wanted)
        rt = self.engine.runtime
        return volumes.prune(rt, lambda vol: not _matches(volumes.inspect(rt, vol), False, wanted))

    def export(self, name: str, out: BinaryIO) -> None:
        from podpy.runtime.volume_io import export_volume

        export_volume(self.engine.runtime, name, out)

    def import_tar(self, name: str, source: BinaryIO) -> None:
        from podpy.runtime.volume_io import import_volume

        import_volume(self.engine.runtime, name, source)

    def mount(self, name: str) -> str:
        from podpy.runtime import volumes

        return volumes.mount(self.engine.runtime, name)

    def unmount(self, name: str) -> None:
        from podpy.runtime import volumes

        volumes.unmount(self.engine.runtime, name)

    def exists(self, name: str) -> bool:
        from podpy.runtime import volumes

        return volumes.store(self.engine.runtime).get(name) is not None
