"""A from-scratch Go text/template for `--format`: the subset Podman users write.

Compile once, execute many: ``compile(text, name).execute(data)``. Parse and
execution errors are TemplateError with Go's wording, e.g.
``template: ps:1:13: executing "ps" at <.Foo>: can't evaluate field Foo in type ps.PsRow``.
Besides Go's builtins the functions of Podman's containers/common report
package are defined (json, join, lower, upper, title, split, pad, truncate),
plus contains and replace.
"""

from __future__ import annotations

from podpy.util.gotemplate.errors import TemplateError
from podpy.util.gotemplate.gojson import encode as json_encode
from podpy.util.gotemplate.nodes import ListNode
from podpy.util.gotemplate.values import MISSING, go_str


class Template:
    """A parsed template; executing it never re-parses."""

    __slots__ = ("name", "text", "root")

    def __init__(self, name: str, text: str, root: ListNode) -> None:
        self.name = name
        self.text = text
        self.root = root

    def execute(self, data: object) -> str:
        out: list[str] = []
        self.execute_into(data, out)
        return "".join(out)

    def execute_into(self, data: object, out: list[str]) -> None:
        """Append the output pieces to out; on TemplateError what was produced so far stays there."""
        from podpy.util.gotemplate.execute import Executor

        Executor(self, out, data).walk(data, self.root)


def compile(text: str, name: str = "") -> Template:  # noqa: A001 - the name Go users expect
    from podpy.util.gotemplate.funcs import FUNCS
    from podpy.util.gotemplate.parser import parse

    return Template(name, text, parse(text, name, FUNCS))


__all__ = ["MISSING", "Template", "TemplateError", "compile", "go_str", "json_encode"]
