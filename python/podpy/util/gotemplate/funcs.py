"""Functions a template can call: Go's builtins and the ones Podman adds (containers/common report)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from podpy.util.gotemplate.printf import sprint, sprintf, sprintln
from podpy.util.gotemplate.values import MISSING, SEQUENCE_TYPES, go_type, is_true, join_str

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


class FuncError(Exception):
    """A function failed; the executor reports it as `error calling NAME: MESSAGE`."""


class FuncSpec:
    """A function's Go signature: fixed parameter types and an optional variadic element type.

    Types: "string", "int", "bool", "[]string", "any" (interface{}: a missing value
    becomes nil) and "value" (reflect.Value: the raw value, missing or not).
    """

    __slots__ = ("name", "params", "variadic", "impl")

    def __init__(self, name: str, params: tuple[str, ...], variadic: str | None,
                 impl: Callable[..., object]) -> None:
        self.name = name
        self.params = params
        self.variadic = variadic
        self.impl = impl


# comparisons

_BASIC_KINDS: Final = ((bool, "bool"), (int, "int"), (float, "float"), (str, "string"))


def _kind(value: object) -> str | None:
    for cls, name in _BASIC_KINDS:
        if isinstance(value, cls):
            return name
    return None


def _eq(arg1: object, *others: object) -> bool:
    if not others:
        raise FuncError("missing argument for comparison")
    k1 = _kind(arg1)
    for arg in others:
        k2 = _kind(arg)
        if k1 != k2:
            if arg1 is not MISSING and arg is not MISSING and arg1 is not None and arg is not None:
                raise FuncError("incompatible types for comparison")
            truth = (arg1 is None or arg1 is MISSING) and (arg is None or arg is MISSING)
        elif k1 is None:
            if arg1 is None or arg1 is MISSING or arg is None or arg is MISSING:
                truth = (arg1 is None or arg1 is MISSING) == (arg is None or arg is MISSING)
            elif isinstance(arg1, list | dict | set) or isinstance(arg, list | dict | set):
                raise FuncError(f"non-comparable type {go_type(arg)}")
            else:
                truth = arg1 == arg
        else:
            truth = arg1 == arg
        if truth:
            return True
    return False


def _ne(arg1: object, arg2: object) -> bool:
    return not _eq(arg1, arg2)


def _ordered(arg1: object, arg2: object) -> tuple[Any, Any]:
    k1, k2 = _kind(arg1), _kind(arg2)
    if k1 is None or k2 is None or k1 == "bool" or k2 == "bool":
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    return arg1, arg2


def _lt(arg1: object, arg2: object) -> bool:
    a, b = _ordered(arg1, arg2)
    return bool(a < b)


def _le(arg1: object, arg2: object) -> bool:
    a, b = _ordered(arg1, arg2)
    return bool(a <= b)


def _gt(arg1: object, arg2: object) -> bool:
    a, b = _ordered(arg1, arg2)
    return bool(a > b)


def _ge(arg1: object, arg2: object) -> bool:
    a, b = _ordered(arg1, arg2)
    return bool(a >= b)


# containers

def _index_arg(index: object, size: int) -> int:
    if index is None or index is MISSING:
        raise FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise FuncError(f"cannot index slice/array with type {go_type(index)}")
    if index < 0 or index > size:
        raise FuncError(f"index out of range: {index}")
    return index


def _index(item: object, *indexes: object) -> object:
    if item is None or item is MISSING:
        raise FuncError("index of untyped nil")
    for index in indexes:
        if item is None:
            raise FuncError("index of nil pointer")
        if isinstance(item, str | bytes | bytearray | list | tuple):
            data = item.encode() if isinstance(item, str) else item
            x = _index_arg(index, len(data))
            if x >= len(data):
                raise FuncError(f"index out of range: {x}")
            item = data[x]
        elif isinstance(item, Mapping):
            if index is None or index is MISSING:
                index = ""
            if not isinstance(index, str):
                raise FuncError(f"value has type {go_type(index)}; should be string")
            zero = "" if all(isinstance(v, str) for v in item.values()) else None
            item = item.get(index, zero)
        else:
            raise FuncError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item: object, *indexes: object) -> object:
    if item is None or item is MISSING:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        data: Any = item.encode()
    elif isinstance(item, SEQUENCE_TYPES | bytes | bytearray):
        data = item
    else:
        raise FuncError(f"can't slice item of type {go_type(item)}")
    idx = [0, len(data)]
    for i, index in enumerate(indexes[:2]):
        idx[i] = _index_arg(index, len(data))
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    result = data[idx[0]:idx[1]]
    return result.decode("utf-8", "replace") if isinstance(item, str) else result


def _len(item: object) -> int:
    if item is None or item is MISSING:
        raise FuncError("len of nil pointer")
    if isinstance(item, str):
        return len(item.encode())
    if isinstance(item, bytes | bytearray | list | tuple | set | frozenset | Mapping):
        return len(item)
    raise FuncError(f"len of type {go_type(item)}")


# podman's report functions

def _json(value: object) -> str:
    from podpy.util.gotemplate.gojson import encode

    return encode(value)


def _join(elems: list[object], sep: str) -> str:
    return sep.join(join_str(elems))


def _split(text: str, sep: str) -> list[str]:
    return list(text) if sep == "" else text.split(sep)


def _title(text: str) -> str:
    """strings.Title: upper-case each letter that follows a non-letter, non-digit."""
    out: list[str] = []
    prev_sep = True
    for ch in text:
        out.append(ch.upper() if prev_sep else ch)
        prev_sep = not (ch.isalnum() or ch == "_")
    return "".join(out)


def _pad(source: str, prefix: int, suffix: int) -> str:
    if not source:
        return source
    return " " * prefix + source + " " * suffix


def _truncate(source: str, length: int) -> str:
    return source if len(source) < length else source[:length]


def _urlquery(*args: object) -> str:
    from urllib.parse import quote_plus

    return quote_plus(_eval_args(args))


def _html(*args: object) -> str:
    import html

    return html.escape(_eval_args(args)).replace("&#x27;", "&#39;")


def _eval_args(args: tuple[object, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(args)


FUNCS: Final[dict[str, FuncSpec]] = {spec.name: spec for spec in (
    FuncSpec("and", ("value",), "value", lambda *a: a[-1]),  # short-circuited by the executor
    FuncSpec("or", ("value",), "value", lambda *a: a[-1]),
    FuncSpec("not", ("value",), None, lambda v: not is_true(v)),
    FuncSpec("len", ("value",), None, _len),
    FuncSpec("index", ("value",), "value", _index),
    FuncSpec("slice", ("value",), "value", _slice),
    FuncSpec("print", (), "any", lambda *a: sprint(a)),
    FuncSpec("printf", ("string",), "any", lambda f, *a: sprintf(f, a)),
    FuncSpec("println", (), "any", lambda *a: sprintln(a)),
    FuncSpec("html", (), "any", _html),
    FuncSpec("urlquery", (), "any", _urlquery),
    FuncSpec("eq", ("value",), "value", _eq),
    FuncSpec("ne", ("value", "value"), None, _ne),
    FuncSpec("lt", ("value", "value"), None, _lt),
    FuncSpec("le", ("value", "value"), None, _le),
    FuncSpec("gt", ("value", "value"), None, _gt),
    FuncSpec("ge", ("value", "value"), None, _ge),
    FuncSpec("join", ("[]string", "string"), None, _join),
    FuncSpec("json", ("any",), None, _json),
    FuncSpec("lower", ("string",), None, str.lower),
    FuncSpec("upper", ("string",), None, str.upper),
    FuncSpec("title", ("string",), None, _title),
    FuncSpec("pad", ("string", "int", "int"), None, _pad),
    FuncSpec("split", ("string", "string"), None, _split),
    FuncSpec("truncate", ("string", "int"), None, _truncate),
    # Not in Podman 4.3.1; handy and harmless (a Podman template never uses them).
    FuncSpec("contains", ("string", "string"), None, lambda s, sub: sub in s),
    FuncSpec("replace", ("string", "string", "string"), None, lambda s, old, new: s.replace(old, new)),
)}
