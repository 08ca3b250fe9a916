"""`--change` instructions (import, commit): the Dockerfile subset that edits an image config."""

from __future__ import annotations

import json
import shlex
from typing import Any

from podpy.errors import UsageError

SUPPORTED = ("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")


def _exec_form(value: str) -> list[str]:
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as e:
            raise UsageError(f"invalid JSON in change {value!r}: {e}") from e
        if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
            raise UsageError(f"change {value!r} must be a JSON array of strings")
        return parsed
    return ["/bin/sh", "-c", value]


def _pairs(value: str) -> list[tuple[str, str]]:
    out = []
    for item in shlex.split(value):
        key, sep, val = item.partition("=")
        if not sep:
            raise UsageError(f"invalid key=value {item!r}")
        out.append((key, val))
    return out


def apply_changes(config: dict[str, Any], changes: list[str]) -> dict[str, Any]:
    """``config`` is the image config's `config` object; returns it updated."""
    for change in changes:
        instruction, _, value = change.strip().partition(" ")
        if not _:
            instruction, _, value = change.strip().partition("=")
        instruction = instruction.upper()
        value = value.strip()
        if instruction not in SUPPORTED:
            raise UsageError(f"invalid change {change!r}: {instruction} is not one of {', '.join(SUPPORTED)}")
        if instruction == "CMD":
            config["Cmd"] = _exec_form(value)
        elif instruction == "ENTRYPOINT":
            config["Entrypoint"] = _exec_form(value)
        elif instruction == "ENV":
            env = [e for e in config.get("Env") or []]
            first = value.split(None, 1)[0] if value else ""
            if "=" in first:
                pairs = _pairs(value)
            else:
                key, _, rest = value.partition(" ")
                pairs = [(key, rest.strip())]
            for key, val in pairs:
                env = [e for e in env if not e.startswith(key + "=")] + [f"{key}={val}"]
            config["Env"] = env
        elif instruction == "EXPOSE":
            ports = dict(config.get("ExposedPorts") or {})
            for port in value.split():
                ports[port if "/" in port else f"{port}/tcp"] = {}
            config["ExposedPorts"] = ports
        elif instruction == "LABEL":
            config["Labels"] = {**(config.get("Labels") or {}), **dict(_pairs(value))}
        elif instruction == "VOLUME":
            volumes = dict(config.get("Volumes") or {})
            for path in (json.loads(value) if value.startswith("[") else value.split()):
                volumes[path] = {}
            config["Volumes"] = volumes
        elif instruction == "USER":
            config["User"] = value
        elif instruction == "WORKDIR":
            config["WorkingDir"] = value
        elif instruction == "STOPSIGNAL":
            config["StopSignal"] = value
        elif instruction == "ONBUILD":
            config["OnBuild"] = [*(config.get("OnBuild") or []), value]
    return config
