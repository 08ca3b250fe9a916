"""encoding/json output for Python values, byte for byte as Go writes it.

Differences from the json module that matter to users comparing with Podman:
floats (`1` not `1.0`, exponent switch points), optional HTML escaping of
`<>&` (json.Marshal does it, Podman's `json` template function does not),
U+2028/U+2029 escaped, and dataclasses/objects encoded as structs.
A dataclass field may be renamed with ``field(metadata={"json": "Id"})`` or left
out with ``{"json": "-"}``.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping

from podpy.util.gotemplate.values import MISSING, go_float, rfc3339
from podpy.util.record import fields as record_fields
from podpy.util.record import is_record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

_ESCAPE: Final = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML: Final = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def _string(text: str, escape_html: bool) -> str:
    out = ['"']
    for ch in text:
        rep = _ESCAPE.get(ch)
        if rep is not None:
            out.append(rep)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        elif escape_html and ch in _HTML:
            out.append(_HTML[ch])
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _struct_fields(value: object) -> list[tuple[str, object]]:
    if is_record(value):
        fields: list[tuple[str, object]] = []
        for f in record_fields(value):
            name = f.metadata.get("json", f.name)
            if name != "-":
                fields.append((name, getattr(value, f.name)))
        return fields
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        return [(k, v) for k, v in attrs.items() if not k.startswith("_")]
    return []


def _encode(value: object, out: list[str], indent: str | None, level: int, escape_html: bool) -> None:
    if isinstance(value, str):
        out.append(_string(value, escape_html))
    elif value is None or value is MISSING:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        finite = value == value and value not in (float("inf"), float("-inf"))
        out.append(go_float(value, "json") if finite else "null")
    elif isinstance(value, bytes | bytearray):
        import base64

        out.append('"' + base64.b64encode(value).decode() + '"')
    elif isinstance(value, list | tuple | set | frozenset):
        _sequence(list(value), out, indent, level, escape_html)
    elif isinstance(value, Mapping):
        _object([(str(k), v) for k, v in value.items()], out, indent, level, escape_html)
    elif isinstance(value, datetime.datetime):
        out.append('"' + rfc3339(value) + '"')
    elif isinstance(value, enum.Enum):
        _encode(value.value, out, indent, level, escape_html)
    else:
        _object(_struct_fields(value), out, indent, level, escape_html)


def _sequence(items: list[object], out: list[str], indent: str | None, level: int, escape_html: bool) -> None:
    if not items:
        out.append("[]")
        return
    out.append("[")
    for i, item in enumerate(items):
        if i:
            out.append(",")
        if indent is not None:
            out.append("\n" + indent * (level + 1))
        _encode(item, out, indent, level + 1, escape_html)
    if indent is not None:
        out.append("\n" + indent * level)
    out.append("]")


def _object(items: list[tuple[str, object]], out: list[str], indent: str | None, level: int,
            escape_html: bool) -> None:
    if not items:
        out.append("{}")
        return
    out.append("{")
    sep = ":" if indent is None else ": "
    for i, (key, item) in enumerate(items):
        if i:
            out.append(",")
        if indent is not None:
            out.append("\n" + indent * (level + 1))
        out.append(_string(key, escape_html) + sep)
        _encode(item, out, indent, level + 1, escape_html)
    if indent is not None:
        out.append("\n" + indent * level)
    out.append("}")


def encode(value: object, *, indent: int | None = None, escape_html: bool = False) -> str:
    """Compact like json.Marshal, or json.MarshalIndent(value, "", indent spaces)."""
    out: list[str] = []
    _encode(value, out, None if indent is None else " " * indent, 0, escape_html)
    return "".join(out)
