"""The one output renderer: Podman's tables, `--format json`, and Go templates.

Podman's rules (containers/common pkg/report plus the verbs), as observed on 4.3.1:
- `json` (Podman's IsJSON: `json`, `{{json}}`, `{{ json . }}`) prints the items as
  an indented JSON array (or one object, for version/info style commands);
- a format starting with `table ` goes through a tabwriter (minwidth 12,
  padding 2) with a header row made by executing the same template on a row
  of column names; spaces and the escapes `\\t`, `\\n` become tabs/newlines;
- any other format is one template execution per item, newline appended
  unless the format already ends in one; `\\t` and `\\n` become tab/newline;
- a format that no longer parses after those rewrites is used as typed
  (wrapped in `{{range .}}`), which is how Podman treats `{{"\\n"}}` and friends;
- the whole template is executed once over the list (`{{range .}}…{{end -}}`),
  so `$` is the list, and a user format holding its own `{{range .}}…{{end}}`
  is left as is.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Mapping, Sequence
    from typing import Final, TextIO

    from podpy.util.gotemplate import Template
else:
    from _collections_abc import Mapping  # the ABC, without importing the collections package

_GO_SPACE: Final = r"[\t\n\f\r ]"
_TABLE_REPL: Final = {"table ": "", "\\t": "\t", " ": "\t", "\\n": "\n"}
_ESCAPE_REPL: Final = {"\\t": "\t", "\\n": "\n"}
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(key: str) -> re.Pattern[str]:
    """The module's regular expressions, compiled on first use: a default table needs none of them,
    and `re` with its compilations is a tenth of a listing's start-up."""
    found = _PATTERNS.get(key)
    if found is None:
        import re

        sources = {
            "json": rf"^{_GO_SPACE}*(json|{{{{{_GO_SPACE}*json *\.?{_GO_SPACE}*}}}}){_GO_SPACE}*$",
            "range": rf"(?s){{{{{_GO_SPACE}*range{_GO_SPACE}*\.{_GO_SPACE}*}}}}.*"
                     rf"{{{{{_GO_SPACE}*end{_GO_SPACE}*-?{_GO_SPACE}*}}}}",
            "table": r"table |\\t| |\\n",
            "escape": r"\\t|\\n",
            "plain_body": r"(?s)\{\{range \.\}\}(.*)\{\{end -\}\}",
            "plain_field": r"\{\{\s*\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}",
        }
        found = _PATTERNS[key] = re.compile(sources[key])
    return found


def is_json(fmt: str | None) -> bool:
    """Podman's report.IsJSON (case-sensitive, like Podman)."""
    return fmt is not None and "json" in fmt and _pattern("json").match(fmt) is not None


def has_table(fmt: str | None) -> bool:
    return fmt is not None and fmt.startswith("table ")


def normalize_format(fmt: str) -> str:
    """report.NormalizeFormat: rewrite escapes (and, for tables, spaces); end with a newline."""
    if has_table(fmt):
        text = _pattern("table").sub(lambda m: _TABLE_REPL[m.group()], fmt)
    else:
        text = _pattern("escape").sub(lambda m: _ESCAPE_REPL[m.group()], fmt)
    return text if text.endswith("\n") else text + "\n"


def enforce_range(fmt: str) -> str:
    return fmt if _pattern("range").search(fmt) else "{{range .}}" + fmt + "{{end -}}"


def compile_format(fmt: str, name: str) -> tuple[Template, bool]:
    """The template for a user format and whether it renders as a table."""
    from podpy.util.gotemplate import TemplateError, compile

    table = has_table(fmt)
    normalized = normalize_format(fmt)
    text = "{{range .}}" + normalized + "{{end -}}" if table else enforce_range(normalized)
    try:
        return compile(text, name), table
    except TemplateError:
        return compile(enforce_range(fmt), name), False


# tables

def _camel_split(name: str) -> list[str]:
    """fatih/camelcase.Split: `CreatedAt` → Created, At; `ImageID` → Image, ID."""
    runs: list[list[str]] = []
    last = ""
    for ch in name:
        kind = "l" if ch.islower() else "u" if ch.isupper() else "d" if ch.isdigit() else "o"
        if runs and kind == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = kind
    for i in range(len(runs) - 1):
        if runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def header_name(field: str, overrides: Mapping[str, str] | None = None) -> str:
    """A column title: the override, else the field name split at case changes, upper-cased."""
    if overrides and field in overrides:
        return overrides[field].upper()
    return " ".join(_camel_split(field)).upper()


class _HeaderCell(str):
    """A column title that also answers further field lookups (`.Config.Labels` → LABELS)."""

    _overrides: Mapping[str, str] | None = None

    def __gotemplate_field__(self, name: str, args: list[object]) -> _HeaderCell:
        cell = _HeaderCell(header_name(name, self._overrides))
        cell._overrides = self._overrides
        return cell


class _HeaderRow:
    """The data the header line is rendered from: every field is its column title."""

    __slots__ = ("_overrides",)

    def __init__(self, overrides: Mapping[str, str] | None) -> None:
        self._overrides = overrides

    def __gotemplate_field__(self, name: str, args: list[object]) -> _HeaderCell:
        cell = _HeaderCell(header_name(name, self._overrides))
        cell._overrides = self._overrides
        return cell


class TabWriter:
    """Go's text/tabwriter (no flags): tab-terminated cells aligned per column block.

    A column block is a run of consecutive lines that all have a cell in that
    column; its width is max(minwidth, widest cell + padding). The last cell of
    a line is not tab-terminated, belongs to no column and is never padded.
    """

    def __init__(self, out: TextIO, minwidth: int = 12, padding: int = 2, padchar: str = " ") -> None:
        self._out = out
        self._minwidth = minwidth
        self._padding = padding
        self._padchar = padchar
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def flush(self) -> None:
        text = "".join(self._parts)
        self._parts.clear()
        if not text:
            return
        lines = [line.split("\t") for line in text.replace("\f", "\n").replace("\v", "\t").split("\n")]
        if len(lines[-1]) > 1 and not lines[-1][-1]:
            lines[-1].pop()  # an unterminated last line keeps no empty trailing cell
        out: list[str] = []
        self._format(lines, 0, len(lines), [], out)
        self._out.write("".join(out))

    def _format(self, lines: list[list[str]], line0: int, line1: int, widths: list[int],
                out: list[str]) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            self._write_lines(lines, line0, this, widths, out)
            line0 = this
            width = self._minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + self._padding)
                this += 1
            widths.append(width)
            self._format(lines, line0, this, widths, out)
            widths.pop()
            line0 = this
        self._write_lines(lines, line0, line1, widths, out)

    def _write_lines(self, lines: list[list[str]], line0: int, line1: int, widths: list[int],
                     out: list[str]) -> None:
        ncols = len(widths)
        for i in range(line0, line1):
            for j, cell in enumerate(lines[i]):
                out.append(cell)
                if j < ncols:
                    out.append(self._padchar * (widths[j] - len(cell)))
            if i + 1 < len(lines):
                out.append("\n")


# rendering

def _template_name(name: str | None) -> str:
    """Podman names the template after the command (`template: ps:1:13: …`)."""
    if name is not None:
        return name
    click = sys.modules.get("click")
    if click is not None:
        ctx = click.get_current_context(silent=True)
        if ctx is not None and ctx.info_name:
            return str(ctx.info_name)
    return ""


def render_json(data: object, *, out: TextIO, indent: int = 4, escape_html: bool = False) -> None:
    """Pretty JSON as Podman prints it (json.MarshalIndent; ps and volume ls use indent 2 and escape HTML)."""
    from podpy.util.gotemplate.gojson import encode

    out.write(encode(data, indent=indent, escape_html=escape_html) + "\n")


def render(items: Sequence[object], fmt: str | None, *, default_format: str, out: TextIO,
           headers: Mapping[str, str] | None = None, noheading: bool = False, json_single: bool = False,
           json_indent: int = 4, json_escape_html: bool = False, name: str | None = None) -> None:
    """Print a listing or report the way Podman's verbs do.

    items: what templates see (one entry per row); fmt: the user's --format or None;
    default_format: the command's own template (`table {{.ID}}\\t…` or a row template);
    headers: column titles by field name where the split field name is not right;
    json_single: `--format json` prints the lone item as an object, not an array.
    Raises TemplateError after printing what was rendered before the failure.
    """
    if is_json(fmt):
        render_json(items[0] if json_single and len(items) == 1 else list(items), out=out,
                    indent=json_indent, escape_html=json_escape_html)
        return
    if fmt is None or fmt == "table":
        body = default_format[len("table "):] if has_table(default_format) else default_format
        if _render_simple_table(body, items, headers, not noheading, out):
            return
    tname = _template_name(name)
    if fmt is None or fmt == "table":
        template = compile_format("table " + body, tname)[0]
        table, want_headers = True, not noheading
    else:
        template, table = compile_format(fmt, tname)
        want_headers = has_table(fmt) and not noheading
    parts: list[str] = []
    try:
        if want_headers:
            template.execute_into([_HeaderRow(headers)], parts)
        if not _render_plain_fields(template.text, items, parts):
            template.execute_into(items, parts)
    finally:
        if table:
            writer = TabWriter(out)
            writer.write("".join(parts))
            writer.flush()
        else:
            out.write("".join(parts))


def _simple_table_fields(body: str) -> list[str] | None:
    """The field names of a default table body made only of `{{.Field}}` cells joined by single tabs."""
    cells = body[:-1].split("\t") if body.endswith("\n") else body.split("\t")
    names = []
    for cell in cells:
        if not (cell.startswith("{{.") and cell.endswith("}}")):
            return None
        name = cell[3:-2]
        if not (name.isidentifier() and name[0].isalpha()):
            return None
        names.append(name)
    return names


def _render_simple_table(body: str, items: Sequence[object], headers: Mapping[str, str] | None,
                         want_headers: bool, out: TextIO) -> bool:
    """A command's default table without the template engine (nor its imports): every cell a plain
    str, int or bool field. False, having written nothing, when anything needs the engine."""
    names = _simple_table_fields(body)
    if names is None:
        return False
    lines = ["\t".join(header_name(n, headers) for n in names)] if want_headers else []
    for item in items:
        if isinstance(item, Mapping) or hasattr(type(item), "__gotemplate_field__"):
            return False
        cells = []
        for n in names:
            value = getattr(item, n, None)
            if type(value) is str:
                cells.append(value)
            elif type(value) is int:
                cells.append(str(value))
            elif type(value) is bool:
                cells.append("true" if value else "false")
            else:
                return False
        lines.append("\t".join(cells))
    writer = TabWriter(out)
    writer.write("".join(line + "\n" for line in lines))
    writer.flush()
    return True


def _render_plain_fields(text: str, items: Sequence[object], parts: list[str]) -> bool:
    """The common case without the template engine: a body of literal text and `{{.Field}}` actions
    over plain objects (ps and images rows: ten times faster on a thousand rows). False when the
    template or an item needs the engine (maps, methods, missing fields: its own rules and errors)."""
    from types import BuiltinMethodType, MethodType

    from podpy.util.gotemplate import go_str

    match = _pattern("plain_body").fullmatch(text)
    if match is None:
        return False
    pieces = _pattern("plain_field").split(match.group(1))
    literals, names = pieces[0::2], pieces[1::2]
    if any("{{" in literal or "}}" in literal for literal in literals):
        return False
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping) or hasattr(type(item), "__gotemplate_field__"):
            return False
        out.append(literals[0])
        for name, literal in zip(names, literals[1:], strict=True):
            try:
                value = getattr(item, name)
            except AttributeError:
                return False
            if isinstance(value, MethodType | BuiltinMethodType):
                return False
            out.append(value if isinstance(value, str) else "<no value>" if value is None else go_str(value))
            out.append(literal)
    parts.extend(out)
    return True


def render_template_lines(items: Sequence[object], fmt: str, *, out: TextIO, name: str | None = None) -> None:
    """One template execution per item, no table and no headers (inspect, version, info --format)."""
    template = compile_format(fmt, _template_name(name))[0]
    parts: list[str] = []
    try:
        template.execute_into(items, parts)
    finally:
        out.write("".join(parts))
