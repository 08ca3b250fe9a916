"""Secret commands on the local runtime."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from podpy.engine.entities import InspectReport, ItemReport
from podpy.errors import PodpyError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine


class SecretsEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def create(self, name: str, data: bytes, *, driver: str, labels: Mapping[str, str], replace: bool,
               driver_options: Mapping[str, str] | None = None) -> str:
        from podpy.runtime import secrets

        if driver != "file":
            raise UsageError("invalid driver")
        return secrets.create_secret(self.engine.runtime, name, data, labels=dict(labels), replace=replace,
                                     driver_options=dict(driver_options or {}))

    def list_secrets(self, filters: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
        from podpy.runtime import secrets

        wanted = dict(filters or {})
        for key in wanted:
            if key not in ("name", "id"):
                raise UsageError(f'invalid filter "{key}"')
        rt = self.engine.runtime
        return [secrets.inspect(rt, row) for row in secrets.list_secrets(rt)
                if all(any(re.search(v, row[1]) if key == "name" else row[0].startswith(v) for v in values)
                       for key, values in wanted.items())]

    def inspect(self, names: Sequence[str]) -> list[InspectReport]:
        from podpy.runtime import secrets

        rt = self.engine.runtime
        reports: list[InspectReport] = []
        for name in names:
            try:
                reports.append(InspectReport(name, secrets.inspect(rt, secrets.lookup(rt, name))))
            except PodpyError as e:
                reports.append(InspectReport(name, None, error=f"inspecting secret: {e}"))
        return reports

    def remove(self, names: Sequence[str], *, all_secrets: bool = False) -> list[ItemReport]:
        from podpy.runtime import secrets

        rt = self.engine.runtime
        if all_secrets:
            names = [row[0] for row in secrets.list_secrets(rt)]
        reports: list[ItemReport] = []
        for name in names:
            try:
                reports.append(ItemReport(secrets.remove_secret(rt, name)))
            except PodpyError as e:
                reports.append(ItemReport(name, error=str(e), exit_code=e.exit_code, reason=e.code))
        return reports

    def exists(self, name: str) -> bool:
        from podpy.runtime import secrets

        return len(secrets.store(self.engine.runtime).lookup(name)) == 1
