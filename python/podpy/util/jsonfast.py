"""`loads` through CPython's C scanner alone.

`import json` costs a listing command about 2.5 ms here: `json.decoder` imports and compiles `re`
(which pulls in `enum`) only to skip whitespace. The C scanner behind it needs none of that; this
module drives it directly and leaves errors (and any input it can't take) to the `json` module, so
messages and results are exactly `json.loads`'s.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _parse_constant(name: str) -> float:
    return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]


class _ScannerContext:
    """The attributes `_json.make_scanner` reads from a JSONDecoder (those of `json.loads` with no options)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_parse_constant)


def _make_scanner() -> Any:
    try:
        from _json import make_scanner
    except ImportError:  # a Python built without the accelerator
        return None
    return make_scanner(_ScannerContext())  # type: ignore[arg-type]  # it reads a JSONDecoder's attributes only


_SCAN = _make_scanner()


def loads(text: str | bytes | bytearray) -> Any:
    """`json.loads(text)`, without importing `json` unless the text is malformed."""
    if _SCAN is not None:
        s = text.decode() if isinstance(text, bytes | bytearray) else text
        s = s.strip(" \t\n\r")
        try:
            value, end = _SCAN(s, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(s):
                return value
    import json

    return json.loads(text)
