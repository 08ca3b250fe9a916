"""A parser for the plain subset of TOML that containers.conf and storage.conf files are written in.

Every podpy command reads these files, and importing tomllib costs more than the rest of the
configuration step together. This parser takes tables (`[a]`, `[a.b]`), bare and quoted keys, basic strings
without escapes, literal strings, integers, booleans and arrays of such strings (over several lines
too), and returns None for anything else — arrays of tables, inline tables, floats, dates, dotted
keys, escapes, a repeated key or table — so that tomllib parses (or rejects) the file
with its own rules and messages. For the text it accepts, the result equals tomllib's.
"""

from __future__ import annotations

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SPACE = " \t"


class _Unsupported(Exception):
    pass


def parse_simple(text: str) -> dict[str, object] | None:
    try:
        return _Parser(text).document()
    except _Unsupported:
        return None


def _bare_key(name: str) -> str:
    if not name or not _BARE.issuperset(name):
        raise _Unsupported
    return name


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.index = 0

    def document(self) -> dict[str, object]:
        root: dict[str, object] = {}
        table = root
        defined: set[tuple[str, ...]] = set()
        while self.index < len(self.lines):
            line = self.lines[self.index].strip(_SPACE + "\r")
            self.index += 1
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                table = self._header(root, line, defined)
                continue
            if line.startswith(('"', "'")):  # a quoted key, as registries.conf's [aliases] have
                name, after = self._string(line)
                sep, rest = after.lstrip(_SPACE)[:1], after.lstrip(_SPACE)[1:]
                if sep != "=":
                    raise _Unsupported
            else:
                key, sep, rest = line.partition("=")
                if not sep:
                    raise _Unsupported
                name = _bare_key(key.strip(_SPACE))
            if name in table:
                raise _Unsupported
            value, rest = self._value(rest.lstrip(_SPACE))
            self._end_of_line(rest)
            table[name] = value
        return root

    def _header(self, root: dict[str, object], line: str, defined: set[tuple[str, ...]]) -> dict[str, object]:
        if line.startswith("[["):
            raise _Unsupported
        close = line.find("]")
        if close < 0:
            raise _Unsupported
        self._end_of_line(line[close + 1:])
        path = tuple(_bare_key(part.strip(_SPACE)) for part in line[1:close].split("."))
        if path in defined:
            raise _Unsupported
        defined.add(path)
        table = root
        for part in path:
            child = table.setdefault(part, {})
            if not isinstance(child, dict):
                raise _Unsupported
            table = child
        return table

    @staticmethod
    def _end_of_line(rest: str) -> None:
        rest = rest.strip(_SPACE + "\r")
        if rest and not rest.startswith("#"):
            raise _Unsupported

    def _value(self, text: str) -> tuple[object, str]:
        if text.startswith(("'", '"')):
            return self._string(text)
        if text.startswith("["):
            return self._array(text[1:])
        token = text
        for stop in (" ", "\t", "#", ",", "]", "\r"):
            token = token.split(stop, 1)[0]
        rest = text[len(token):]
        if token == "true":
            return True, rest
        if token == "false":
            return False, rest
        digits = token[1:] if token[:1] in "+-" else token
        if digits.isdigit() and digits.isascii() and (digits == "0" or not digits.startswith("0")):
            return int(token), rest
        raise _Unsupported

    @staticmethod
    def _string(text: str) -> tuple[str, str]:
        quote = text[0]
        if text.startswith(quote * 3):
            raise _Unsupported
        end = text.find(quote, 1)
        if end < 0:
            raise _Unsupported
        value = text[1:end]
        if (quote == '"' and "\\" in value) or any(ord(c) < 0x20 and c != "\t" or c == "\x7f" for c in value):
            raise _Unsupported
        return value, text[end + 1:]

    def _array(self, text: str) -> tuple[list[object], str]:
        items: list[object] = []
        expect_item = True
        while True:
            text = text.lstrip(_SPACE + "\r")
            if not text or text.startswith("#"):
                if self.index >= len(self.lines):
                    raise _Unsupported
                text = self.lines[self.index]
                self.index += 1
                continue
            if text.startswith("]"):
                return items, text[1:]
            if text.startswith(","):
                if expect_item:
                    raise _Unsupported
                expect_item = True
                text = text[1:]
                continue
            if not expect_item or not text.startswith(("'", '"')):
                raise _Unsupported
            value, text = self._string(text)
            items.append(value)
            expect_item = False
