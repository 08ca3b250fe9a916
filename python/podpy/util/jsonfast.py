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


def dumps(value: object, *, separators: tuple[str, str] | None = None, sort_keys: bool = False,
          indent: int | None = None) -> str:
    """`json.dumps(value, separators=…, sort_keys=…, indent=…)` (ASCII-escaped)."""
    try:
        from _json import encode_basestring_ascii, make_encoder
    except ImportError:
        import json

        return json.dumps(value, separators=separators, sort_keys=sort_keys, indent=indent)
    if indent is not None:
        # The C encoder has no indent (json falls back to Python code, and imports re, for it).
        out: list[str] = []
        _indented(value, indent, 0, separators or (",", ": "), sort_keys, encode_basestring_ascii, out)
        return "".join(out)
    separators = separators or (", ", ": ")
    encode = make_encoder({}, _unserializable, encode_basestring_ascii, None, separators[1], separators[0],
                          sort_keys, False, True)
    return "".join(encode(value, 0))


def _indented(value: object, indent: int, level: int, separators: tuple[str, str], sort_keys: bool,
              encode_str: Any, out: list[str]) -> None:
    """json's indented layout: one item per line, `indent` spaces a level, empty containers inline."""
    if isinstance(value, str):
        out.append(encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float_text(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = "\n" + " " * (indent * (level + 1))
        out.append("{")
        items = sorted(value.items()) if sort_keys else value.items()
        for index, (key, item) in enumerate(items):
            out.append(("" if index == 0 else separators[0]) + inner)
            out.append(encode_str(_key_text(key)) + separators[1])
            _indented(item, indent, level + 1, separators, sort_keys, encode_str, out)
        out.append("\n" + " " * (indent * level) + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = "\n" + " " * (indent * (level + 1))
        out.append("[")
        for index, item in enumerate(value):
            out.append(("" if index == 0 else separators[0]) + inner)
            _indented(item, indent, level + 1, separators, sort_keys, encode_str, out)
        out.append("\n" + " " * (indent * level) + "]")
    else:
        _unserializable(value)


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key_text(key: object) -> str:
    """json's key coercion: str as is, bool/None/numbers by their JSON text; anything else refused."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float_text(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
