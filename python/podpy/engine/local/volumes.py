"""Volume commands on the local runtime."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from podpy.engine.entities import InspectReport, ItemReport
from podpy.errors import NoSuchVolume, PodpyError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine


def _matches(data: dict[str, Any], in_use: bool, filters: Mapping[str, Sequence[str]]) -> bool:
    for key, values in filters.items():
        if key == "name":
            ok = any(re.search(v, data["Name"]) for v in values)
        elif key == "label":
            ok = all(_label(data["Labels"], v) for v in values)
        elif key == "driver":
            ok = data["Driver"] in values
        elif key == "dangling":
            ok = all((v.lower() in ("true", "1")) != in_use for v in values)
        else:
            raise UsageError(f"{key!r} is an invalid volume filter")
        if not ok:
            return False
    return True


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
        used = {str(m["source"]) for c in rt.state.list_containers() for m in c.config.mounts
                if m["type"] == "volume"}
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
        for name in names:
            try:
                volumes.remove_volume(rt, name, force=force)
                reports.append(ItemReport(name))
            except PodpyError as e:
                code = 1 if isinstance(e, NoSuchVolume) else e.exit_code
                reports.append(ItemReport(name, error=str(e), exit_code=code, reason=e.code))
        return reports

    def prune(self) -> list[str]:
        from podpy.runtime import volumes

        return volumes.prune(self.engine.runtime)

    def exists(self, name: str) -> bool:
        from podpy.runtime import volumes

        return volumes.store(self.engine.runtime).get(name) is not None
