"""Template access to JSON-shaped reports by their Go field names.

Podman's `info` prints JSON keys in lowerCamelCase but its templates use the Go
struct's field names (`{{.Host.OCIRuntime.Name}}` for `host.ociRuntime.name`).
A GoStruct is the JSON dict (so `{{json .}}` is unchanged) that also answers to
those names.
"""

from __future__ import annotations

from typing import Any

from podpy.util.gotemplate import TemplateError

_ALIASES = {"cgroupsversion": "cgroupversion"}


class GoStruct(dict[str, Any]):
    def __gotemplate_field__(self, name: str, args: list[object]) -> object:
        if name in self:
            return wrap(self[name])
        folded = name.lower()
        folded = _ALIASES.get(folded, folded)
        for key, value in self.items():
            if key.lower() == folded:
                return wrap(value)
        raise TemplateError(f"can't evaluate field {name} in type {type(self).__name__}")


def wrap(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, GoStruct):
        return GoStruct(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value
