"""The hot verbs without click: a strict argv parser over tables generated from the click commands.

Importing click and typing costs about 20 ms, a fifth of `podpy run --rm … true`. For the
verbs people time (`run`, `ps`, …) the command line is parsed here instead, from
``podpy.cli.fasttable``, which ``python -m podpy.cli.gen_fasttable`` writes from the click
definitions themselves (a test keeps the two equal). The parser accepts only what it is sure
click would parse the same way and gives the same values for; anything else (help, completion,
unknown or malformed flags, errors of any kind) declines, and click handles the command line
with its own messages. The verb's body is the same function in both cases.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# An option: (destination, kind, multiple, extra). kind is "flag" (extra: the value it sets),
# "str", "int", "bool" (a value such as --sig-proxy=false), "gobool" (Go's: bare means true, a value only
# after `=`), "choice" (extra: the allowed values) or "decline" (eager flags such as --version).
Option = tuple[str, str, bool, "Any"]
# A command: (options by flag string, defaults by destination, positional (destination, nargs, required),
# interspersed arguments allowed, help flag strings).
Spec = tuple[dict[str, Option], dict[str, "Any"], tuple[tuple[str, int, bool], ...], bool, tuple[str, ...]]

COMPLETION_ENV = "_PODPY_COMPLETE"
# click.BOOL's words; other spellings (upper case, spaces) are left to click.
_BOOLS = {"true": True, "1": True, "yes": True, "y": True, "on": True, "t": True,
          "false": False, "0": False, "no": False, "n": False, "off": False, "f": False}


class Decline(Exception):
    """The fast path does not take this command line; click will."""


def fast_call(argv: list[str]) -> Callable[[], Any] | None:
    """A ready-to-run call of a hot verb's body, or None when click must parse ``argv``."""
    if os.environ.get(COMPLETION_ENV):
        return None
    from podpy.cli.fasttable import COMMANDS, ROOT

    try:
        global_flags, rest = parse(ROOT, argv, stop_at_positional=True)
        if not rest:
            return None
        path = rest[0]
        if path not in COMMANDS and len(rest) > 1 and f"{path} {rest[1]}" in COMMANDS:
            path = f"{path} {rest[1]}"
        entry = COMMANDS.get(path)
        if entry is None:
            return None
        target, spec = entry
        params, _ = parse(spec, rest[len(path.split()):], stop_at_positional=False)
    except Decline:
        return None
    return lambda: _run(target, global_flags, params)


def _run(target: str, global_flags: dict[str, Any], params: dict[str, Any]) -> Any:
    from podpy.cli.state import new_cli_state

    module_name, attr = target.split(":")
    __import__(module_name)  # not importlib.import_module: importlib imports warnings
    body = getattr(sys.modules[module_name], attr)
    state = new_cli_state(**global_flags)
    try:
        return body(state, **params)
    finally:
        state.close()


def parse(spec: Spec, argv: list[str], *, stop_at_positional: bool) -> tuple[dict[str, Any], list[str]]:
    """Values by destination, and (for a group) the arguments left after its options.

    For a command, positional arguments are bound to its declared arguments and nothing is left.
    """
    options, defaults, arguments, interspersed, help_names = spec
    values: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token in help_names:
            raise Decline
        if token == "--":
            positional.extend(argv[i:])
            break
        if token.startswith("--"):
            name, eq, value = token.partition("=")
            option = _option(options, name)
            if option[1] == "gobool" and not eq:
                _store(values, option, True)
                continue
            if option[1] == "flag":
                if eq:
                    raise Decline
                _store(values, option, option[3])
                continue
            if not eq:
                value, i = _next_value(argv, i)
            _store(values, option, _convert(option, value))
            continue
        if token.startswith("-") and token != "-":
            i = _short_options(options, help_names, values, argv, token, i)
            continue
        positional.append(token)
        if stop_at_positional or not interspersed:
            positional.extend(argv[i:])
            break
    if stop_at_positional:
        return {**defaults, **values}, positional
    return {**defaults, **values, **_bind(arguments, positional)}, []


def _short_options(options: dict[str, Option], help_names: tuple[str, ...], values: dict[str, Any],
                   argv: list[str], token: str, i: int) -> int:
    """`-a`, `-abc` (flags together) and `-nVALUE` / `-n VALUE`; returns the next index."""
    for position in range(1, len(token)):
        flag = "-" + token[position]
        if flag in help_names:
            raise Decline
        option = _option(options, flag)
        if option[1] == "flag":
            _store(values, option, option[3])
            continue
        rest = token[position + 1:]
        if rest:
            value = rest
        else:
            value, i = _next_value(argv, i)
        _store(values, option, _convert(option, value))
        return i
    return i


def _option(options: dict[str, Option], name: str) -> Option:
    option = options.get(name)
    if option is None or option[1] == "decline":
        raise Decline
    return option


def _next_value(argv: list[str], i: int) -> tuple[str, int]:
    # A value that looks like a flag is left to click, which has rules of its own for it.
    if i >= len(argv) or (argv[i].startswith("-") and argv[i] != "-"):
        raise Decline
    return argv[i], i + 1


def _convert(option: Option, value: str) -> Any:
    kind = option[1]
    if kind == "str":
        return value
    if kind == "int":
        if not value.isdigit():
            raise Decline
        return int(value)
    if kind in ("bool", "gobool") and value in _BOOLS:
        return _BOOLS[value]
    if kind == "choice" and value in option[3]:
        return value
    raise Decline


def _store(values: dict[str, Any], option: Option, value: Any) -> None:
    dest, _, multiple, _ = option
    if multiple:
        values[dest] = (*values.get(dest, ()), value)
    else:
        values[dest] = value


def _bind(arguments: tuple[tuple[str, int, bool], ...], positional: list[str]) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    rest = list(positional)
    for index, (dest, nargs, required) in enumerate(arguments):
        if nargs == -1:
            tail = sum(1 for _, n, _ in arguments[index + 1:] if n != -1)
            bound[dest] = tuple(rest[:len(rest) - tail])
            if required and not bound[dest]:
                raise Decline
            rest = rest[len(rest) - tail:]
            continue
        if len(rest) < nargs:
            raise Decline
        bound[dest] = rest[0] if nargs == 1 else tuple(rest[:nargs])
        rest = rest[nargs:]
    if rest:
        raise Decline
    return bound
