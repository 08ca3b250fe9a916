"""Tokens of a template, scanned as Go's text/template/parse lexer does (trim markers, comments)."""

from __future__ import annotations

import enum

from podpy.util.gotemplate.values import go_quote, rune_desc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class T(enum.IntEnum):
    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMPLEX = 4
    ASSIGN = 5
    DECLARE = 6
    EOF = 7
    FIELD = 8
    IDENTIFIER = 9
    LEFT_DELIM = 10
    LEFT_PAREN = 11
    NUMBER = 12
    PIPE = 13
    RAW_STRING = 14
    RIGHT_DELIM = 15
    RIGHT_PAREN = 16
    SPACE = 17
    STRING = 18
    TEXT = 19
    VARIABLE = 20
    # keywords come after KEYWORD, as in Go (their str() is `<name>`)
    KEYWORD = 21
    BLOCK = 22
    BREAK = 23
    CONTINUE = 24
    DOT = 25
    DEFINE = 26
    ELSE = 27
    END = 28
    IF = 29
    NIL = 30
    RANGE = 31
    TEMPLATE = 32
    WITH = 33


KEYWORDS: Final = {
    ".": T.DOT, "block": T.BLOCK, "break": T.BREAK, "continue": T.CONTINUE, "define": T.DEFINE,
    "else": T.ELSE, "end": T.END, "if": T.IF, "range": T.RANGE, "nil": T.NIL, "template": T.TEMPLATE,
    "with": T.WITH,
}
SPACE_CHARS: Final = " \t\r\n"
_TERMINATORS: Final = frozenset(" \t\r\n.,|:)(")


class Token:
    __slots__ = ("typ", "pos", "val", "line")

    def __init__(self, typ: T, pos: int, val: str, line: int) -> None:
        self.typ = typ
        self.pos = pos
        self.val = val
        self.line = line

    def __str__(self) -> str:
        if self.typ == T.EOF:
            return "EOF"
        if self.typ == T.ERROR:
            return self.val
        if self.typ > T.KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)

    def __repr__(self) -> str:
        return f"Token({self.typ.name}, {self.pos}, {self.val!r}, {self.line})"


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.tokens: list[Token] = []

    def line_at(self, pos: int) -> int:
        return 1 + self.text.count("\n", 0, pos)

    def emit(self, typ: T, start: int, end: int) -> None:
        self.tokens.append(Token(typ, start, self.text[start:end], self.line_at(start)))

    def error(self, start: int, message: str) -> None:
        self.tokens.append(Token(T.ERROR, start, message, self.line_at(start)))

    def has_left_trim(self, pos: int) -> bool:
        return pos + 1 < self.n and self.text[pos] == "-" and self.text[pos + 1] in SPACE_CHARS

    def at_right_delim(self, pos: int) -> tuple[bool, bool]:
        """(delimiter here, with a trim marker)."""
        text = self.text
        if text[pos:pos + 1] in SPACE_CHARS and text.startswith("-}}", pos + 1) and pos < self.n:
            return True, True
        return text.startswith("}}", pos), False

    def at_terminator(self, pos: int) -> bool:
        return pos >= self.n or self.text[pos] in _TERMINATORS or self.text.startswith("}}", pos)

    def run(self) -> list[Token]:
        text, n = self.text, self.n
        pos = 0
        while True:
            x = text.find("{{", pos)
            if x < 0:
                if pos < n:
                    self.emit(T.TEXT, pos, n)
                self.tokens.append(Token(T.EOF, n, "EOF", self.line_at(n)))
                return self.tokens
            end = x
            trim = self.has_left_trim(x + 2)
            if trim:
                end = pos + len(text[pos:x].rstrip(SPACE_CHARS))
            if end > pos:
                self.emit(T.TEXT, pos, end)
            after = x + 2 + (2 if trim else 0)
            if text.startswith("/*", after):
                pos = self.comment(after)
                if pos < 0:
                    return self.tokens
                continue
            self.emit(T.LEFT_DELIM, x, x + 2)
            pos = self.action(after)
            if pos < 0:
                return self.tokens

    def comment(self, start: int) -> int:
        close = self.text.find("*/", start + 2)
        if close < 0:
            self.error(start, "unclosed comment")
            return -1
        pos = close + 2
        delim, trim = self.at_right_delim(pos)
        if not delim:
            self.error(start, "comment ends before closing delimiter")
            return -1
        pos += 4 if trim else 2
        if trim:
            pos += len(self.text) - pos - len(self.text[pos:].lstrip(SPACE_CHARS))
        return pos

    def action(self, pos: int) -> int:
        """Scan inside {{ }} from pos; the position after the right delimiter, or -1 on error."""
        text, n = self.text, self.n
        depth = 0
        while True:
            delim, trim = self.at_right_delim(pos)
            if delim:
                if depth:
                    self.error(pos, "unclosed left paren")
                    return -1
                if trim:
                    pos += 2
                self.emit(T.RIGHT_DELIM, pos, pos + 2)
                pos += 2
                if trim:
                    pos = n - len(text[pos:].lstrip(SPACE_CHARS))
                return pos
            if pos >= n:
                self.error(pos, "unclosed action")
                return -1
            ch = text[pos]
            start = pos
            if ch in SPACE_CHARS:
                while pos < n and text[pos] in SPACE_CHARS:
                    pos += 1
                if text[pos - 1] in SPACE_CHARS and text.startswith("-}}", pos):
                    pos -= 1  # the last space belongs to a trim-marked delimiter
                    if pos == start:
                        continue
                self.emit(T.SPACE, start, pos)
            elif ch == "=":
                self.emit(T.ASSIGN, pos, pos + 1)
                pos += 1
            elif ch == ":":
                if not text.startswith(":=", pos):
                    self.error(pos, "expected :=")
                    return -1
                self.emit(T.DECLARE, pos, pos + 2)
                pos += 2
            elif ch == "|":
                self.emit(T.PIPE, pos, pos + 1)
                pos += 1
            elif ch in "\"'`":
                pos = self.quote(pos, ch)
            elif ch == "$":
                pos = self.field_or_variable(pos, T.VARIABLE)
            elif ch == "." and not (pos + 1 < n and text[pos + 1].isdigit()):
                pos = self.field_or_variable(pos, T.FIELD)
            elif ch in "+-." or ch.isdigit():
                pos = self.number(pos)
            elif _is_alnum(ch):
                pos = self.identifier(pos)
            elif ch == "(":
                depth += 1
                self.emit(T.LEFT_PAREN, pos, pos + 1)
                pos += 1
            elif ch == ")":
                depth -= 1
                self.emit(T.RIGHT_PAREN, pos, pos + 1)  # before the error, as Go 1.19 does
                if depth < 0:
                    self.error(pos, f"unexpected right paren {rune_desc(ch)}")
                    return -1
                pos += 1
            elif ord(ch) < 0x80 and ch.isprintable():
                self.emit(T.CHAR, pos, pos + 1)
                pos += 1
            else:
                self.error(pos, f"unrecognized character in action: {rune_desc(ch)}")
                return -1
            if pos < 0:
                return -1

    def quote(self, start: int, q: str) -> int:
        text, n = self.text, self.n
        pos = start + 1
        while True:
            if pos >= n or (q != "`" and text[pos] == "\n"):
                what = {'"': "quoted string", "'": "character constant", "`": "raw quoted string"}[q]
                self.error(start, f"unterminated {what}")
                return -1
            ch = text[pos]
            if ch == "\\" and q != "`":
                if pos + 1 >= n or text[pos + 1] == "\n":
                    what = "quoted string" if q == '"' else "character constant"
                    self.error(start, f"unterminated {what}")
                    return -1
                pos += 2
                continue
            pos += 1
            if ch == q:
                break
        typ = {'"': T.STRING, "'": T.CHAR_CONSTANT, "`": T.RAW_STRING}[q]
        self.emit(typ, start, pos)
        return pos

    def field_or_variable(self, start: int, typ: T) -> int:
        pos = start + 1
        if self.at_terminator(pos):
            self.emit(T.VARIABLE if typ == T.VARIABLE else T.DOT, start, pos)
            return pos
        while pos < self.n and _is_alnum(self.text[pos]):
            pos += 1
        if not self.at_terminator(pos):
            self.error(start, f"bad character {rune_desc(self.text[pos])}")
            return -1
        self.emit(typ, start, pos)
        return pos

    def identifier(self, start: int) -> int:
        pos = start
        while pos < self.n and _is_alnum(self.text[pos]):
            pos += 1
        if not self.at_terminator(pos):
            self.error(start, f"bad character {rune_desc(self.text[pos])}")
            return -1
        word = self.text[start:pos]
        typ = KEYWORDS.get(word)
        if typ is not None:
            self.emit(typ, start, pos)
        elif word in ("true", "false"):
            self.emit(T.BOOL, start, pos)
        else:
            self.emit(T.IDENTIFIER, start, pos)
        return pos

    def scan_number(self, pos: int) -> tuple[int, bool]:
        text, n = self.text, self.n

        def accept(pos: int, valid: str) -> int:
            return pos + 1 if pos < n and text[pos] in valid else pos

        def accept_run(pos: int, valid: str) -> int:
            while pos < n and text[pos] in valid:
                pos += 1
            return pos

        pos = accept(pos, "+-")
        digits = "0123456789_"
        if pos < n and text[pos] == "0":
            pos += 1
            if pos < n and text[pos] in "xX":
                digits, pos = "0123456789abcdefABCDEF_", pos + 1
            elif pos < n and text[pos] in "oO":
                digits, pos = "01234567_", pos + 1
            elif pos < n and text[pos] in "bB":
                digits, pos = "01_", pos + 1
        pos = accept_run(pos, digits)
        if pos < n and text[pos] == ".":
            pos = accept_run(pos + 1, digits)
        if len(digits) == 11 and pos < n and text[pos] in "eE":
            pos = accept_run(accept(pos + 1, "+-"), "0123456789_")
        if len(digits) == 23 and pos < n and text[pos] in "pP":
            pos = accept_run(accept(pos + 1, "+-"), "0123456789_")
        pos = accept(pos, "i")
        if pos < n and _is_alnum(text[pos]):
            return pos + 1, False
        return pos, True

    def number(self, start: int) -> int:
        pos, ok = self.scan_number(start)
        if not ok:
            self.error(start, f"bad number syntax: {go_quote(self.text[start:pos])}")
            return -1
        if pos < self.n and self.text[pos] in "+-":
            pos, ok = self.scan_number(pos)
            if not ok or self.text[pos - 1] != "i":
                self.error(start, f"bad number syntax: {go_quote(self.text[start:pos])}")
                return -1
            self.emit(T.COMPLEX, start, pos)
            return pos
        self.emit(T.NUMBER, start, pos)
        return pos


def lex(text: str) -> list[Token]:
    """All tokens up to EOF, or up to and including the first ERROR token."""
    return _Lexer(text).run()
