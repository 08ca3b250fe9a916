"""Walking the parse tree over data, after Go's text/template exec.go.

Field lookup on data: a Mapping is a Go map (missing key → `<no value>`), any
other object a struct: attribute, property, or method (called with the
template's arguments). Names starting with `_` are never reachable.
An object may take over its own lookup with
``__gotemplate_field__(self, name: str, args: list[object]) -> object``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import BuiltinMethodType, MethodType

from podpy.util.gotemplate.errors import TemplateError
from podpy.util.gotemplate.funcs import FUNCS, FuncError, FuncSpec
from podpy.util.gotemplate.nodes import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
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
from podpy.util.gotemplate.values import (
    MISSING,
    SCALAR_TYPES,
    go_quote,
    go_str,
    go_type,
    is_true,
    sorted_items,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final, NoReturn

    from podpy.util.gotemplate import Template


class _NoFinal:
    """No value is piped in from a previous command (Go's missingVal)."""

    __slots__ = ()


NO_FINAL: Final = _NoFinal()
_NILLABLE: Final = frozenset({"any", "value", "[]string"})


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Executor:
    __slots__ = ("tmpl", "out", "node", "vars")

    def __init__(self, tmpl: Template, out: list[str], data: object) -> None:
        self.tmpl = tmpl
        self.out = out
        self.node: Node | None = None
        self.vars: list[list[Any]] = [["$", data]]

    # errors

    def errorf(self, message: str) -> NoReturn:
        name = self.tmpl.name
        node = self.node
        if node is None:
            raise TemplateError(f"template: {name}: {message}")
        text = self.tmpl.text
        before = text[:node.pos]
        newline = before.rfind("\n")
        line = before.count("\n") + 1
        col = len(before[newline + 1:].encode())
        where = f"{name}:{line}:{col}"
        raise TemplateError(f"template: {where}: executing {go_quote(name)} at <{node}>: {message}")

    # variables

    def var_value(self, name: str) -> object:
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: object) -> None:
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    # walking

    def walk(self, dot: object, node: Node) -> None:
        self.node = node
        kind = type(node)
        if kind is TextNode:
            self.out.append(node.text)  # type: ignore[attr-defined]
        elif kind is ActionNode:
            assert isinstance(node, ActionNode)
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, value)
        elif kind is ListNode:
            assert isinstance(node, ListNode)
            for child in node.nodes:
                self.walk(dot, child)
        elif kind is IfNode or kind is WithNode:
            assert isinstance(node, IfNode | WithNode)
            mark = len(self.vars)
            try:
                value = self.eval_pipeline(dot, node.pipe)
                if is_true(value):
                    self.walk(value if kind is WithNode else dot, node.list)
                elif node.else_list is not None:
                    self.walk(dot, node.else_list)
            finally:
                del self.vars[mark:]
        elif kind is RangeNode:
            assert isinstance(node, RangeNode)
            self.walk_range(dot, node)
        elif kind is TemplateNode:
            assert isinstance(node, TemplateNode)
            self.errorf(f"template {go_quote(node.name)} not defined")
        elif kind is BreakNode:
            raise _Break
        elif kind is ContinueNode:
            raise _Continue
        else:
            self.errorf(f"unknown node: {node}")

    def print_value(self, node: Node, value: object) -> None:
        self.node = node
        if isinstance(value, str):
            self.out.append(value)
        elif value is None or value is MISSING:
            self.out.append("<no value>")
        else:
            self.out.append(go_str(value))

    def walk_range(self, dot: object, node: RangeNode) -> None:
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            if isinstance(value, list | tuple):
                items: Any = enumerate(value)
            elif isinstance(value, Mapping):
                items = sorted_items(value)
            elif value is None or value is MISSING:
                items = ()
            else:
                self.errorf(f"range can't iterate over {go_str(value)}")
            inner = len(self.vars)
            decl = node.pipe.decl
            iterated = False
            try:
                for index, elem in items:
                    iterated = True
                    if decl:
                        if node.pipe.is_assign:
                            self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
                            if len(decl) > 1:
                                self.set_var(decl[1].ident[0], elem)
                        else:
                            self.vars[-1][1] = elem
                            if len(decl) > 1:
                                self.vars[-2][1] = index
                    try:
                        self.walk(elem, node.list)
                    except _Continue:
                        pass
                    finally:
                        del self.vars[inner:]
            except _Break:
                return
            if not iterated and node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    # evaluation

    def eval_pipeline(self, dot: object, pipe: PipeNode) -> object:
        self.node = pipe
        value: object = NO_FINAL
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.vars.append([var.ident[0], value])
        return value

    def not_a_function(self, args: list[Node], final: object) -> None:
        if len(args) > 1 or final is not NO_FINAL:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: object, cmd: CommandNode, final: object) -> object:
        first = cmd.args[0]
        kind = type(first)
        if kind is FieldNode:
            assert isinstance(first, FieldNode)
            self.node = first
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)
        if kind is ChainNode:
            assert isinstance(first, ChainNode)
            return self.eval_chain_node(dot, first, cmd.args, final)
        if kind is IdentifierNode:
            assert isinstance(first, IdentifierNode)
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if kind is PipeNode:
            assert isinstance(first, PipeNode)
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if kind is VariableNode:
            assert isinstance(first, VariableNode)
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.node = first
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        self.errorf(f"can't evaluate command {go_quote(str(first))}")

    def ideal_constant(self, node: NumberNode) -> object:
        self.node = node
        text = node.text
        is_hex_int = text[:2] in ("0x", "0X") and "p" not in text and "P" not in text
        if node.is_float and not is_hex_int and not node.is_char and any(c in text for c in ".eEpP"):
            return node.float_value
        if node.is_int:
            return node.int_value
        return node.float_value

    def eval_chain_node(self, dot: object, chain: ChainNode, args: list[Node] | None,
                        final: object) -> object:
        self.node = chain
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        receiver = self.eval_arg(dot, "value", chain.node)
        return self.eval_field_chain(dot, receiver, chain, chain.field, args, final)

    def eval_variable_node(self, dot: object, var: VariableNode, args: list[Node] | None,
                           final: object) -> object:
        self.node = var
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            if args is not None:
                self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(self, dot: object, receiver: object, node: Node, idents: list[str],
                         args: list[Node] | None, final: object) -> object:
        for ident in idents[:-1]:
            receiver = self.eval_field(dot, ident, node, None, NO_FINAL, receiver)
        return self.eval_field(dot, idents[-1], node, args, final, receiver)

    def eval_field(self, dot: object, name: str, node: Node, args: list[Node] | None, final: object,
                   receiver: object) -> object:
        if receiver is MISSING:
            return MISSING
        has_args = (args is not None and len(args) > 1) or final is not NO_FINAL
        if type(receiver) is dict:
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            return receiver.get(name, MISSING)
        if receiver is None:
            self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        hook = getattr(type(receiver), "__gotemplate_field__", None)
        if hook is not None:
            return hook(receiver, name, self.method_args(dot, args, final))
        if isinstance(receiver, Mapping):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            try:
                return receiver[name]
            except KeyError:
                return MISSING
        if name[0] == "_" or isinstance(receiver, SCALAR_TYPES):
            self.errorf(f"can't evaluate field {name} in type {go_type(receiver)}")
        try:
            attr = getattr(receiver, name)
        except AttributeError:
            self.errorf(f"can't evaluate field {name} in type {go_type(receiver)}")
        if isinstance(attr, MethodType | BuiltinMethodType):
            return self.call_method(dot, attr, node, name, args, final)
        if has_args:
            self.errorf(f"{name} has arguments but cannot be invoked as function")
        return attr

    def method_args(self, dot: object, args: list[Node] | None, final: object) -> list[object]:
        argv = [self.eval_arg(dot, "any", a) for a in args[1:]] if args else []
        if final is not NO_FINAL:
            argv.append(None if final is MISSING else final)
        return argv

    def call_method(self, dot: object, method: Any, node: Node, name: str, args: list[Node] | None,
                    final: object) -> object:
        argv = self.method_args(dot, args, final)
        func = getattr(method, "__func__", None)
        code = getattr(func, "__code__", None)
        if code is not None:
            wanted = code.co_argcount - 1
            optional = len(getattr(func, "__defaults__", None) or ())
            if len(argv) < wanted - optional or (not code.co_flags & 0x04 and len(argv) > wanted):
                self.errorf(f"wrong number of args for {name}: want {wanted} got {len(argv)}")
        try:
            return method(*argv)
        except TemplateError:
            raise
        except Exception as err:
            self.node = node
            self.errorf(f"error calling {name}: {err}")

    def eval_function(self, dot: object, ident: IdentifierNode, cmd: Node, args: list[Node] | None,
                      final: object) -> object:
        self.node = ident
        return self.eval_call(dot, FUNCS[ident.ident], cmd, args, final)

    def eval_call(self, dot: object, spec: FuncSpec, node: Node, args: list[Node] | None,
                  final: object) -> object:
        name = spec.name
        argnodes = args[1:] if args is not None else []
        num_in = len(argnodes) + (final is not NO_FINAL)
        fixed = len(spec.params)
        if spec.variadic is not None:
            if num_in < fixed:
                self.errorf(f"wrong number of args for {name}: want at least {fixed} got {len(argnodes)}")
        elif num_in != fixed:
            self.errorf(f"wrong number of args for {name}: want {fixed} got {num_in}")
        if name in ("and", "or"):
            value: object = MISSING
            for arg in argnodes:
                value = self.eval_arg(dot, "value", arg)
                if is_true(value) == (name == "or"):
                    return value
            return final if final is not NO_FINAL else value
        argv: list[object] = []
        for i, arg in enumerate(argnodes):
            argv.append(self.eval_arg(dot, spec.params[i] if i < fixed else str(spec.variadic), arg))
        if final is not NO_FINAL:
            last = num_in - 1
            argv.append(self.validate_type(final, spec.params[last] if last < fixed else str(spec.variadic)))
        try:
            return spec.impl(*argv)
        except FuncError as err:
            self.node = node
            self.errorf(f"error calling {name}: {err}")

    def eval_arg(self, dot: object, typ: str, node: Node) -> object:
        self.node = node
        kind = type(node)
        if kind is DotNode:
            return self.validate_type(dot, typ)
        if kind is NilNode:
            if typ in _NILLABLE:
                return None
            self.errorf(f"cannot assign nil to {typ}")
        if kind is FieldNode:
            assert isinstance(node, FieldNode)
            value = self.eval_field_chain(dot, dot, node, node.ident, [node], NO_FINAL)
            return self.validate_type(value, typ)
        if kind is VariableNode:
            assert isinstance(node, VariableNode)
            return self.validate_type(self.eval_variable_node(dot, node, None, NO_FINAL), typ)
        if kind is PipeNode:
            assert isinstance(node, PipeNode)
            return self.validate_type(self.eval_pipeline(dot, node), typ)
        if kind is IdentifierNode:
            assert isinstance(node, IdentifierNode)
            return self.validate_type(self.eval_function(dot, node, node, None, NO_FINAL), typ)
        if kind is ChainNode:
            assert isinstance(node, ChainNode)
            return self.validate_type(self.eval_chain_node(dot, node, None, NO_FINAL), typ)
        if typ == "string":
            if isinstance(node, StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if typ == "int":
            if isinstance(node, NumberNode) and node.is_int:
                return node.int_value
            self.errorf(f"expected integer; found {node}")
        if typ == "bool":
            if isinstance(node, BoolNode):
                return node.value
            self.errorf(f"expected bool; found {node}")
        if typ in ("any", "value"):
            if isinstance(node, BoolNode):
                return node.value
            if isinstance(node, NumberNode):
                return self.ideal_constant(node)
            if isinstance(node, StringNode):
                return node.text
        self.errorf(f"can't handle {node} for arg of type {typ}")

    def validate_type(self, value: object, typ: str) -> object:
        if typ == "value":
            return value
        if value is MISSING or value is None:
            if typ == "any":
                return None
            if typ == "[]string":
                return []
            self.errorf(f"invalid value; expected {typ}")
        if typ == "any":
            return value
        if typ == "string":
            if isinstance(value, str):
                return value
        elif typ == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif typ == "bool":
            if isinstance(value, bool):
                return value
        elif typ == "[]string" and isinstance(value, list | tuple):
            return value
        self.errorf(f"wrong type for value; expected {typ}; got {go_type(value)}")
