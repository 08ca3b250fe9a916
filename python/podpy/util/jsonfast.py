"""`loads` and `dumps` through CPython's C scanner and encoder alone.

`import json` costs a command about 2.5 ms here: `json.decoder` and `json.encoder` import and compile
`re` (which pulls in `enum`) for their pure-Python fallbacks. The C accelerators behind them need none
of that; this module drives them directly and leaves errors (and any input they can't take) to the
`json` module, so messages and results are exactly `json.loads`'s and `json.dumps`'s.
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
        except (StopIteration, ValueError, SystemError):  # SystemError: its error class lives in json.decoder
            pass
        else:
            if end == len(s):
                return value
    import json

    return json.loads(text)


def _unserializable(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: object, *, separators: tuple[str, str] = (", ", ": "), sort_keys: bool = False) -> str:
    """`json.dumps(value, separators=…, sort_keys=…)` (ASCII-escaped, no indent)."""
    try:
        from _json import encode_basestring_ascii, make_encoder
    except ImportError:
        import json

        return json.dumps(value, separators=separators, sort_keys=sort_keys)
    encode = make_encoder({}, _unserializable, encode_basestring_ascii, None, separators[1], separators[0],
                          sort_keys, False, True)
    return "".join(encode(value, 0))
