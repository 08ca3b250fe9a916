"""Go's fmt.Sprintf, Sprint and Sprintln over Python values (the verbs templates use)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from podpy.util.gotemplate.values import (
    MISSING,
    SEQUENCE_TYPES,
    go_float,
    go_quote,
    go_str,
    go_type,
    sorted_items,
)


class _Spec:
    __slots__ = ("minus", "plus", "sharp", "space", "zero", "width", "prec", "verb")

    def __init__(self) -> None:
        self.minus = self.plus = self.sharp = self.space = self.zero = False
        self.width: int | None = None
        self.prec: int | None = None
        self.verb = "v"


def sprint(args: Sequence[object]) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out: list[str] = []
    prev_string = True
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(go_str(arg))
        prev_string = is_string
    return "".join(out)


def sprintln(args: Sequence[object]) -> str:
    return " ".join(go_str(a) for a in args) + "\n"


def sprintf(fmt: str, args: Sequence[object]) -> str:
    out: list[str] = []
    argi = 0
    i = 0
    end = len(fmt)
    while i < end:
        pct = fmt.find("%", i)
        if pct < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:pct])
        i = pct + 1
        spec = _Spec()
        while i < end and fmt[i] in "-+# 0":
            flag = fmt[i]
            if flag == "-":
                spec.minus = True
            elif flag == "+":
                spec.plus = True
            elif flag == "#":
                spec.sharp = True
            elif flag == " ":
                spec.space = True
            else:
                spec.zero = True
            i += 1
        if i < end and fmt[i] == "*":
            i += 1
            if argi < len(args) and isinstance(args[argi], int) and not isinstance(args[argi], bool):
                width = int(args[argi])  # type: ignore[call-overload]
                spec.width, spec.minus = abs(width), spec.minus or width < 0
            else:
                out.append("%!(BADWIDTH)")
            argi += 1
        else:
            start = i
            while i < end and fmt[i].isdigit():
                i += 1
            if i > start:
                spec.width = int(fmt[start:i])
        if i < end and fmt[i] == ".":
            i += 1
            if i < end and fmt[i] == "*":
                i += 1
                if argi < len(args) and isinstance(args[argi], int) and not isinstance(args[argi], bool):
                    spec.prec = max(int(args[argi]), 0)  # type: ignore[call-overload]
                else:
                    out.append("%!(BADPREC)")
                argi += 1
            else:
                start = i
                while i < end and fmt[i].isdigit():
                    i += 1
                spec.prec = int(fmt[start:i]) if i > start else 0
        if i >= end:
            out.append("%!(NOVERB)")
            break
        spec.verb = fmt[i]
        i += 1
        if spec.verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{spec.verb}(MISSING)")
            continue
        out.append(format_value(args[argi], spec))
        argi += 1
    if argi < len(args):
        extra = ", ".join(_bad_arg(a) for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _bad_arg(arg: object) -> str:
    if arg is None or arg is MISSING:
        return "<nil>"
    return f"{go_type(arg)}={go_str(arg)}"


def _bad_verb(arg: object, verb: str) -> str:
    return f"%!{verb}({_bad_arg(arg)})"


def _pad(text: str, spec: _Spec, numeric: bool = False, zero_ok: bool = True) -> str:
    width = spec.width
    if width is None or len(text) >= width:
        return text
    fill = width - len(text)
    if spec.minus:
        return text + " " * fill
    if spec.zero and zero_ok:
        sign = text[0] if numeric and text[:1] in ("-", "+", " ") else ""
        return sign + "0" * fill + text[len(sign):]
    return " " * fill + text


def format_value(arg: object, spec: _Spec) -> str:
    verb = spec.verb
    if verb == "T":
        return _pad(go_type(arg), spec)
    if arg is None or arg is MISSING:
        return _pad("<nil>", spec) if verb == "v" else _bad_verb(arg, verb)
    if isinstance(arg, bool):
        if verb in "tv":
            return _pad("true" if arg else "false", spec)
        return _bad_verb(arg, verb)
    if isinstance(arg, int):
        return _format_int(arg, spec)
    if isinstance(arg, float):
        return _format_float(arg, spec)
    if isinstance(arg, str):
        return _format_str(arg, spec)
    if isinstance(arg, bytes | bytearray):
        if verb in "sqxX":
            return _format_str(arg.decode("utf-8", "replace"), spec)
        return "[" + " ".join(format_value(b, spec) for b in arg) + "]"
    if isinstance(arg, SEQUENCE_TYPES):
        return "[" + " ".join(format_value(v, spec) for v in arg) + "]"
    if isinstance(arg, Mapping):
        items = sorted_items(arg)
        return "map[" + " ".join(f"{format_value(k, spec)}:{format_value(v, spec)}" for k, v in items) + "]"
    if verb in "sv":
        return _pad(go_str(arg), spec)
    return _bad_verb(arg, verb)


def _format_str(text: str, spec: _Spec) -> str:
    verb = spec.verb
    if spec.prec is not None and verb in "sqv":
        text = text[: spec.prec]
    if verb in "sv":
        return _pad(text, spec)
    if verb == "q":
        if spec.sharp and "`" not in text and all(c.isprintable() for c in text):
            return _pad("`" + text + "`", spec)
        return _pad(go_quote(text), spec)
    if verb in "xX":
        data = text.encode()
        if spec.prec is not None:
            data = data[: spec.prec]
        sep = " " if spec.space else ""
        digits = sep.join(f"{b:02x}" for b in data)
        if verb == "X":
            digits = digits.upper()
        return _pad(digits, spec)
    return _bad_verb(text, verb)


def _format_int(value: int, spec: _Spec) -> str:
    verb = spec.verb
    if verb in "vd":
        digits = str(abs(value))
    elif verb == "b":
        digits = format(abs(value), "b")
    elif verb in "oO":
        digits = format(abs(value), "o")
    elif verb == "x":
        digits = format(abs(value), "x")
    elif verb == "X":
        digits = format(abs(value), "X")
    elif verb == "c":
        return _pad(_rune(value), spec)
    elif verb == "q":
        return _pad(go_quote(_rune(value), "'"), spec)
    elif verb == "U":
        return _pad(f"U+{value:04X}", spec)
    else:
        return _bad_verb(value, verb)
    if spec.prec is not None:
        digits = digits.rjust(spec.prec, "0") if spec.prec else ("" if value == 0 else digits)
    if spec.sharp or verb == "O":
        prefix = {"b": "0b", "o": "0", "O": "0o", "x": "0x", "X": "0X"}.get(verb, "")
        if not (verb == "o" and digits.startswith("0")):
            digits = prefix + digits
    sign = "-" if value < 0 else "+" if spec.plus else " " if spec.space else ""
    return _pad(sign + digits, spec, numeric=True, zero_ok=spec.prec is None)


def _rune(value: int) -> str:
    try:
        return chr(value)
    except (ValueError, OverflowError):
        return "\ufffd"


def _format_float(value: float, spec: _Spec) -> str:
    verb = spec.verb
    if verb not in "veEfFgG":
        return _bad_verb(value, verb)
    if value != value or value in (float("inf"), float("-inf")):
        text = go_float(value)
        if text == "NaN" and (spec.plus or spec.space):
            text = ("+" if spec.plus else " ") + text
        return _pad(text, spec)
    if verb in "vgG" and spec.prec is None:
        text = go_float(value)
        if verb == "G":
            text = text.upper()
    else:
        prec = 6 if spec.prec is None else spec.prec
        pyverb = {"v": "g", "F": "f"}.get(verb, verb)
        text = format(value, f"{'#' if spec.sharp else ''}.{prec}{pyverb}")
    if not text.startswith("-"):
        if spec.plus:
            text = "+" + text
        elif spec.space:
            text = " " + text
    return _pad(text, spec, numeric=True)
