"""Recursive-descent parser after Go's text/template/parse, with its error wording."""

from __future__ import annotations

import re
from collections.abc import Container

from podpy.util.gotemplate.errors import TemplateError
from podpy.util.gotemplate.lexer import T, Token, lex
from podpy.util.gotemplate.nodes import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    ElseNode,
    EndNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    VariableNode,
    WithNode,
)
from podpy.util.gotemplate.values import go_quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final, NoReturn

_OPERAND_START: Final = frozenset({
    T.BOOL, T.CHAR_CONSTANT, T.COMPLEX, T.DOT, T.FIELD, T.IDENTIFIER, T.NUMBER, T.NIL, T.RAW_STRING,
    T.STRING, T.VARIABLE, T.LEFT_PAREN,
})
_SIMPLE_ESCAPES: Final = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                          "\\": "\\"}
_OCTAL: Final = re.compile(r"[+-]?0[0-7_]+")


class _Unquote(Exception):
    pass


def unquote(literal: str) -> str:
    """strconv.Unquote for "…", `…` and '…' literals."""
    quote = literal[0]
    if quote == "`":
        return literal[1:-1].replace("\r", "")
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            if ch == quote:
                raise _Unquote
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise _Unquote
        esc = body[i + 1]
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc == quote:
            out.append(esc)
            i += 2
        elif esc in "01234567":
            digits = body[i + 1:i + 4]
            if len(digits) != 3 or any(c not in "01234567" for c in digits) or int(digits, 8) > 255:
                raise _Unquote
            out.append(chr(int(digits, 8)))
            i += 4
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 2:i + 2 + size]
            if len(digits) != size or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise _Unquote
            code = int(digits, 16)
            if esc != "x" and (code > 0x10FFFF or 0xD800 <= code < 0xE000):
                raise _Unquote
            out.append(chr(code))
            i += 2 + size
        else:
            raise _Unquote
    return "".join(out)


def parse_number(pos: int, text: str, typ: T) -> NumberNode:
    """A NumberNode, or ValueError with Go's message."""
    node = NumberNode(pos, text)
    if typ == T.CHAR_CONSTANT:
        try:
            value = unquote(text)
        except _Unquote:
            value = ""
        if len(value) != 1:
            raise ValueError(f"malformed character constant: {text}")
        node.is_char = node.is_int = node.is_float = True
        node.int_value = ord(value)
        node.float_value = float(node.int_value)
        return node
    if typ == T.COMPLEX:
        raise ValueError(f"complex constants are not supported: {text}")
    clean = text.replace("_", "")
    try:
        if _OCTAL.fullmatch(text):
            node.int_value = int(clean, 8)
        else:
            node.int_value = int(clean, 0)
        node.is_int = True
        node.is_float = True
        node.float_value = float(node.int_value)
    except ValueError:
        try:
            lowered = clean.lower()
            if lowered.lstrip("+-").startswith("0x"):
                node.float_value = float.fromhex(clean)
            elif "i" in lowered:
                raise ValueError(text) from None
            else:
                node.float_value = float(clean)
        except ValueError:
            raise ValueError(f"illegal number syntax: {go_quote(text)}") from None
        node.is_float = True
        if node.float_value.is_integer() and abs(node.float_value) < 2**63:
            node.is_int = True
            node.int_value = int(node.float_value)
    return node


class Parser:
    def __init__(self, text: str, name: str, funcs: Container[str]) -> None:
        self.name = name
        self.funcs = funcs
        self.tokens = lex(text)
        self.i = 0
        self.last = 0  # index of the furthest token read, whose line errors report
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0

    # token stream

    def next(self) -> Token:
        token = self.tokens[min(self.i, len(self.tokens) - 1)]
        self.last = max(self.last, self.i)
        self.i += 1
        return token

    def backup(self) -> None:
        self.i -= 1

    def peek(self) -> Token:
        token = self.next()
        self.backup()
        return token

    def next_non_space(self) -> Token:
        token = self.next()
        while token.typ == T.SPACE:
            token = self.next()
        return token

    def peek_non_space(self) -> Token:
        token = self.next_non_space()
        self.backup()
        return token

    # errors

    def errorf(self, message: str) -> NoReturn:
        line = self.tokens[min(self.last, len(self.tokens) - 1)].line
        raise TemplateError(f"template: {self.name}:{line}: {message}")

    def unexpected(self, token: Token, context: str) -> NoReturn:
        if token.typ == T.ERROR:
            extra = ""
            if self.action_line and self.action_line != token.line:
                extra = f" in action started at {self.name}:{self.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{token}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    def expect(self, typ: T, context: str) -> Token:
        token = self.next_non_space()
        if token.typ != typ:
            self.unexpected(token, context)
        return token

    # grammar

    def parse(self) -> ListNode:
        root = ListNode(self.peek().pos)
        while self.peek().typ != T.EOF:
            node = self.text_or_action()
            if isinstance(node, EndNode | ElseNode):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        return root

    def item_list(self) -> tuple[ListNode, Node]:
        body = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != T.EOF:
            node = self.text_or_action()
            if isinstance(node, EndNode | ElseNode):
                return body, node
            body.nodes.append(node)
        self.errorf("unexpected EOF")

    def text_or_action(self) -> Node:
        token = self.next_non_space()
        if token.typ == T.TEXT:
            return TextNode(token.pos, token.val)
        if token.typ == T.LEFT_DELIM:
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(token, "input")

    def action(self) -> Node:
        token = self.next_non_space()
        typ = token.typ
        if typ == T.TEMPLATE:
            return self.template_control()
        if typ in (T.BLOCK, T.DEFINE):
            self.errorf(f"{{{{{token.val}}}}} is not supported in --format templates")
        if typ in (T.BREAK, T.CONTINUE):
            closing = self.next_non_space()
            if closing.typ != T.RIGHT_DELIM:
                self.unexpected(closing, "{{" + token.val + "}}")
            if not self.range_depth:
                self.errorf("{{" + token.val + "}} outside {{range}}")
            return BreakNode(token.pos) if typ == T.BREAK else ContinueNode(token.pos)
        if typ == T.ELSE:
            return self.else_control()
        if typ == T.END:
            return EndNode(self.expect(T.RIGHT_DELIM, "end").pos)
        if typ == T.IF:
            return IfNode(*self.parse_control("if"))
        if typ == T.RANGE:
            return RangeNode(*self.parse_control("range"))
        if typ == T.WITH:
            return WithNode(*self.parse_control("with"))
        self.backup()
        token = self.peek()
        return ActionNode(token.pos, token.line, self.pipeline("command", T.RIGHT_DELIM))

    def template_control(self) -> Node:
        token = self.next_non_space()
        if token.typ not in (T.STRING, T.RAW_STRING):
            self.unexpected(token, "template clause")
        try:
            name = unquote(token.val)
        except _Unquote:
            self.errorf("invalid syntax")
        pipe = None
        if self.next_non_space().typ != T.RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline("template clause", T.RIGHT_DELIM)
        return TemplateNode(token.pos, name, pipe)

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (T.IF, T.WITH):
            return ElseNode(peek.pos, peek.line)
        token = self.expect(T.RIGHT_DELIM, "else")
        return ElseNode(token.pos, token.line)

    def parse_control(self, context: str) -> tuple[int, int, PipeNode, ListNode, ListNode | None]:
        saved_vars = len(self.vars)
        try:
            pipe = self.pipeline(context, T.RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            body, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list: ListNode | None = None
            if isinstance(nxt, ElseNode):
                if context in ("if", "with") and self.peek().typ == (T.IF if context == "if" else T.WITH):
                    self.next()
                    else_list = ListNode(nxt.pos)
                    node = IfNode(*self.parse_control("if")) if context == "if" else WithNode(
                        *self.parse_control("with"))
                    else_list.nodes.append(node)
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, body, else_list
        finally:
            del self.vars[saved_vars:]

    def pipeline(self, context: str, end: T) -> PipeNode:
        token = self.peek_non_space()
        pipe = PipeNode(token.pos, token.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != T.VARIABLE:
                break
            start = self.i
            self.next()
            nxt = self.peek_non_space()
            if nxt.typ in (T.ASSIGN, T.DECLARE):
                pipe.is_assign = nxt.typ == T.ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
            elif nxt.typ == T.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (T.VARIABLE, T.RIGHT_DELIM, T.RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            else:
                self.i = start
            break
        while True:
            token = self.next_non_space()
            if token.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.typ in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for stage, cmd in enumerate(pipe.cmds[1:], start=2):
            if isinstance(cmd.args[0], BoolNode | DotNode | NilNode | NumberNode | StringNode):
                self.errorf(f"non executable command in pipeline stage {stage}")

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.typ == T.SPACE:
                continue
            if token.typ in (T.RIGHT_DELIM, T.RIGHT_PAREN):
                self.backup()
            elif token.typ != T.PIPE:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == T.FIELD:
            chain = ChainNode(self.peek().pos, node)
            while self.peek().typ == T.FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                return FieldNode(chain.pos, str(chain))
            if isinstance(node, VariableNode):
                return VariableNode(chain.pos, str(chain))
            if isinstance(node, BoolNode | StringNode | NumberNode | NilNode | DotNode):
                self.errorf(f"unexpected . after term {go_quote(str(node))}")
            return chain
        return node

    def term(self) -> Node | None:
        token = self.next_non_space()
        typ = token.typ
        if typ == T.IDENTIFIER:
            if token.val not in self.funcs:
                self.errorf(f"function {go_quote(token.val)} not defined")
            return IdentifierNode(token.pos, token.val)
        if typ == T.DOT:
            return DotNode(token.pos)
        if typ == T.NIL:
            return NilNode(token.pos)
        if typ == T.VARIABLE:
            node = VariableNode(token.pos, token.val)
            if node.ident[0] not in self.vars:
                self.errorf(f"undefined variable {go_quote(node.ident[0])}")
            return node
        if typ == T.FIELD:
            return FieldNode(token.pos, token.val)
        if typ == T.BOOL:
            return BoolNode(token.pos, token.val == "true")
        if typ in (T.CHAR_CONSTANT, T.COMPLEX, T.NUMBER):
            try:
                return parse_number(token.pos, token.val, typ)
            except ValueError as err:
                self.errorf(str(err))
        if typ == T.LEFT_PAREN:
            return self.pipeline("parenthesized pipeline", T.RIGHT_PAREN)
        if typ in (T.STRING, T.RAW_STRING):
            try:
                return StringNode(token.pos, token.val, unquote(token.val))
            except _Unquote:
                self.errorf("invalid syntax")
        self.backup()
        return None


def parse(text: str, name: str, funcs: Container[str]) -> ListNode:
    return Parser(text, name, funcs).parse()
