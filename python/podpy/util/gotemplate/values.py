"""How Go sees Python values: their %v text, their type names in messages, their truth.

Python data has no static types, so a few Go distinctions are guessed from the
value: a list of str is a ``[]string``, a dict whose values are all str is a
``map[string]string``, a dataclass is a struct.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterable, Mapping

from podpy.util.record import fields as record_fields
from podpy.util.record import is_record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


class _Missing:
    """Go's invalid reflect.Value: what a lookup of an absent map key yields."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()

SEQUENCE_TYPES: Final = (list, tuple)
SCALAR_TYPES: Final = (str, bytes, bytearray, int, float, list, tuple, set, frozenset, datetime.datetime)


def go_type(value: object) -> str:
    """The Go type name used in messages such as `%!d(string=x)` or `wrong type for value`."""
    if value is None or value is MISSING:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes | bytearray):
        return "[]uint8"
    if isinstance(value, SEQUENCE_TYPES):
        return "[]string" if value and all(isinstance(v, str) for v in value) else "[]interface {}"
    if isinstance(value, Mapping):
        if all(isinstance(v, str) for v in value.values()):
            return "map[string]string"
        return "map[string]interface {}"
    if isinstance(value, datetime.datetime):
        return "time.Time"
    cls = type(value)
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"


def is_true(value: object) -> bool:
    """Go's template truth: the zero value of a type is false, structs are true."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, bool | int | float):
        return value != 0
    if isinstance(value, str | bytes | bytearray | list | tuple | set | frozenset | Mapping):
        return len(value) > 0
    return True


def sorted_items(mapping: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    """Map entries in Go's fmtsort order (keys ascending, numbers before strings)."""
    try:
        return sorted(mapping.items(), key=lambda kv: kv[0])
    except TypeError:
        return sorted(mapping.items(), key=lambda kv: (go_type(kv[0]), go_str(kv[0])))


def go_str(value: object) -> str:
    """The text fmt.Print gives a value (the %v verb)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None or value is MISSING:
        return "<nil>"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, bytes | bytearray):
        return "[" + " ".join(str(b) for b in value) + "]"
    if isinstance(value, SEQUENCE_TYPES):
        return "[" + " ".join(go_str(v) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "[" + " ".join(sorted(go_str(v) for v in value)) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{go_str(k)}:{go_str(v)}" for k, v in sorted_items(value)) + "]"
    if isinstance(value, datetime.datetime):
        return go_time(value)
    if isinstance(value, enum.Enum):
        return go_str(value.value)
    if is_record(value):
        return "{" + " ".join(go_str(getattr(value, f.name)) for f in record_fields(value)) + "}"
    if type(value).__str__ is not object.__str__:
        return str(value)
    public = _public_attrs(value)
    if public is not None:
        return "{" + " ".join(go_str(v) for v in public.values()) + "}"
    return str(value)


def _public_attrs(value: object) -> dict[str, Any] | None:
    attrs = getattr(value, "__dict__", None)
    if not isinstance(attrs, dict):
        return None
    return {k: v for k, v in attrs.items() if not k.startswith("_")}


def float_digits(value: float) -> tuple[str, int]:
    """The shortest round-trip digits of abs(value) and the decimal point position (Go's decimal)."""
    if value == 0:
        return "0", 1
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp_text) if exp_text else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0") or "0", point


def go_float(value: float, verb: str = "g") -> str:
    """Shortest digits with Go's switch to exponent form.

    verb "g" is fmt's %v (strconv 'g', -1: exponent when exp < -4 or exp >= 6);
    verb "json" is encoding/json's rule (exponent when exp < -6 or exp >= 21).
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    neg = "-" if math.copysign(1.0, value) < 0 else ""
    digits, point = float_digits(value)
    exp = point - 1
    use_exp = (exp < -4 or exp >= 6) if verb == "g" else (exp < -6 or exp >= 21)
    if use_exp:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return neg + digits + "0" * (point - len(digits))
    return f"{neg}{digits[:point]}.{digits[point:]}"


def go_time(value: datetime.datetime) -> str:
    """time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST`."""
    if value.tzinfo is None:
        value = value.astimezone()
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or datetime.timedelta(0)
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    numeric = f"{sign}{total // 3600:02d}{total % 3600 // 60:02d}"
    name = value.tzname() or ""
    if not name or name.startswith(("UTC+", "UTC-")):
        name = numeric
    return f"{text} {numeric} {name}"


def rfc3339(value: datetime.datetime) -> str:
    """time.Time's JSON form: RFC 3339 with the fraction trimmed and `Z` for UTC."""
    if value.tzinfo is None:
        value = value.astimezone()
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or datetime.timedelta(0)
    total = int(offset.total_seconds())
    if total == 0:
        return text + "Z"
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{text}{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"


_ESCAPES: Final = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\v": "\\v", "\\": "\\\\"}


def go_quote(text: str, quote: str = '"') -> str:
    """strconv.Quote: a double-quoted Go string literal, printable Unicode kept as is."""
    out = [quote]
    for ch in text:
        if ch == quote:
            out.append("\\" + ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append(quote)
    return "".join(out)


def rune_desc(ch: str) -> str:
    """The %#U form of a rune: `U+007B '{'`."""
    code = ord(ch)
    if ch.isprintable():
        return f"U+{code:04X} '{ch}'"
    return f"U+{code:04X}"


def join_str(values: Iterable[object]) -> list[str]:
    return [v if isinstance(v, str) else go_str(v) for v in values]
