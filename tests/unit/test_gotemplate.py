"""The Go text/template engine: expected strings come from Go 1.19 / Podman 4.3.1 runs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from podpy.errors import PodpyError
from podpy.util.gotemplate import TemplateError, compile, json_encode
from podpy.util.gotemplate.printf import sprint, sprintf
from podpy.util.gotemplate.values import go_float, go_str
from podpy.util.record import field, record


@record(frozen=False)
class Mount:
    Destination: str
    RW: bool = True


@record(frozen=False)
class Ctr:
    ID: str
    Names: list[str]
    Labels: dict[str, str]
    Mounts: list[Mount]
    ExitCode: int = 0
    Pod: str = ""

    def Label(self, key: str) -> str:  # noqa: N802 - Go-style method name, as templates call it
        return self.Labels.get(key, "")

    @property
    def Name(self) -> str:  # noqa: N802
        return self.Names[0]


CTR = Ctr("647c2cd23eb4", ["c1", "web"], {"zz": "1", "a": "b"}, [Mount("/data"), Mount("/etc/x", RW=False)])
INSPECT: dict[str, Any] = {
    "Name": "web",
    "State": {"Running": True, "Status": "running", "Pid": 42},
    "Config": {"Labels": {"k": "v", "io.podman": "yes"}, "Healthcheck": None},
    "Mounts": [],
}


def run(text: str, data: object = CTR, name: str = "ps") -> str:
    return compile(text, name).execute(data)


def error(text: str, data: object = CTR, name: str = "ps") -> str:
    with pytest.raises(TemplateError) as info:
        run(text, data, name)
    return str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("{{.ID}}", "647c2cd23eb4"),
    ("{{.Names}}", "[c1 web]"),
    ("{{.Name}}", "c1"),
    ("{{.Labels}}", "map[a:b zz:1]"),
    ("{{.}}", "{647c2cd23eb4 [c1 web] map[a:b zz:1] [{/data true} {/etc/x false}] 0 }"),
    ("{{range .Mounts}}{{.Destination}} {{end}}", "/data /etc/x "),
    ('{{.Label "a"}}|{{.Label "nope"}}', "b|"),
    ("{{len .Mounts}} {{len .Name}} {{len .Labels}}", "2 2 2"),
    ('{{printf "%-10s|" .Name}}', "c1        |"),
    ('{{join .Names ","}}', "c1,web"),
    ("{{upper .Name}} {{lower \"ABC\"}} {{title \"hello world\"}}", "C1 abc Hello World"),
    ("{{.Name | upper}}", "C1"),
    ('{{index .Labels "a"}}|{{index .Labels "missing"}}|{{index .Names 1}}', "b||web"),
    ("{{with .Pod}}in pod{{else}}no pod{{end}}", "no pod"),
    ('{{split "a:b:c" ":"}} {{truncate "abcdef" 3}}|{{pad "x" 1 2}}|{{pad "" 1 2}}|', "[a b c] abc| x  ||"),
    ('{{contains "abc" "b"}} {{replace "a-b-c" "-" "+"}}', "true a+b+c"),
])
def test_common_podman_formats(text: str, expected: str) -> None:
    assert run(text) == expected


def test_inspect_style_maps() -> None:
    assert run('{{index .Config.Labels "k"}}', INSPECT) == "v"
    assert run("{{.Config.Labels.k}}", INSPECT) == "v"
    assert run("{{if .State.Running}}up{{else}}down{{end}}", INSPECT) == "up"
    assert run("{{.State.Pid}} {{.State.Nope}} {{.Nope.Deeper}}", INSPECT) == "42 <no value> <no value>"
    assert run("{{range .Mounts}}x{{else}}no mounts{{end}}", INSPECT) == "no mounts"
    assert run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", INSPECT) == "io.podman=yes;k=v;"
    assert run("{{.Config.Healthcheck}}", INSPECT) == "<no value>"


def test_trim_markers_and_comments() -> None:
    assert run("a  {{- .Name -}}  b") == "ac1b"
    assert run("a \n\t{{- .Name}}") == "ac1"
    assert run("{{/* note */}}x{{- /* c */ -}}  y") == "xy"
    assert run("{{.Name -}}  |{{- .Name}}") == "c1|c1"
    assert run("{{-3}}") == "-3"  # no space: a negative number, not a trim marker


def test_variables_and_nested_range_with_dollar() -> None:
    text = "{{range $i, $m := .Mounts}}{{$i}}:{{$m.Destination}}@{{$.ID}};{{end}}"
    assert run(text) == "0:/data@647c2cd23eb4;1:/etc/x@647c2cd23eb4;"
    nested = "{{range .Mounts}}{{range $.Names}}{{.}}{{end}}/{{.Destination}} {{end}}"
    assert run(nested) == "c1web//data c1web//etc/x "
    assert run('{{$x := .Name}}{{$x = "q"}}{{$x}}') == "q"
    assert run("{{range .Names}}{{if eq . \"web\"}}{{break}}{{end}}{{.}}{{end}}") == "c1"
    assert run("{{range .Names}}{{if eq . \"c1\"}}{{continue}}{{end}}{{.}}{{end}}") == "web"


def test_conditionals_and_logic() -> None:
    assert run('{{if eq .Name "x" "c1"}}yes{{end}}') == "yes"
    assert run('{{if ne .Name "c1"}}a{{else if .Pod}}b{{else}}c{{end}}') == "c"
    logic = '{{and 1 0 2}} {{or 0 "" "x"}} {{not 0}} {{lt 1 2}} {{le 2 2}} {{ge 1 2}} {{gt 2.5 1.5}}'
    assert run(logic) == "0 x true true true false true"
    assert run("{{and .Pod (index .Labels \"zz\")}}|{{or .Pod .Name}}") == "|c1"


def test_literals_and_go_printing() -> None:
    assert run('{{"a\\tb"}}|{{`raw\\n`}}|{{\'a\'}}|{{0x1F}}|{{1e6}}|{{3.0}}|{{-7}}|{{true}}') == \
        "a\tb|raw\\n|97|31|1e+06|3|-7|true"
    assert run("{{1.5e7}} {{0.00001}} {{1234567.0}} {{100000.0}}") == "1.5e+07 1e-05 1.234567e+06 100000"
    assert run('{{print 1 2 "a" "b" 3 true}}|{{println "x" 1}}|{{print nil}}') == "1 2ab3 true|x 1\n|<nil>"
    assert go_str([1, None, "a", {"b": [True]}]) == "[1 <nil> a map[b:[true]]]"
    assert go_str(datetime.datetime(2026, 11, 28, 19, 56, 31, 744931, tzinfo=datetime.UTC)) == \
        "2026-11-28 19:56:31.744931 +0000 UTC"
    assert [go_float(v) for v in (0.1, 1e21, 123456789.0, -0.0)] == ["0.1", "1e+21", "1.23456789e+08", "-0"]


def test_printf_verbs_like_go() -> None:
    fmt = '%d %s %v %q %5.2f|%-6s|%6s|%x %t %03d'
    assert sprintf(fmt, [0, "c1", "c1", "c1", 3.14159, "ab", "cd", "hi", True, 7]) == \
        '0 c1 c1 "c1"  3.14|ab    |    cd|6869 true 007'
    assert sprintf("%s %d %s", [1, "x"]) == "%!s(int=1) %!d(string=x) %!s(MISSING)"
    assert sprintf("a", [1]) == "a%!(EXTRA int=1)"
    assert sprintf("%v %5s %X %#x %+d %e %08.3f %%", [[1, 2], ["a"], 255, 255, 5, 1234.5678, 3.14159]) == \
        "[1 2] [    a] FF 0xff +5 1.234568e+03 0003.142 %"
    assert sprint(["a", 1, 2, "b"]) == "a1 2b"


def test_json_function_is_compact_go_json() -> None:
    assert run("{{json .Names}}") == '["c1","web"]'
    assert run("{{json .Labels}}") == '{"zz":"1","a":"b"}'
    assert run('{{json "<a&b>"}} {{json 1.5}} {{json 2.0}} {{json .Pod}} {{json nil}}') == \
        '"<a&b>" 1.5 2 "" null'
    assert run("{{json .Mounts}}") == \
        '[{"Destination":"/data","RW":true},{"Destination":"/etc/x","RW":false}]'
    assert json_encode({"a": "<&>", "b": [], "c": {}}, indent=2, escape_html=True) == \
        '{\n  "a": "\\u003c\\u0026\\u003e",\n  "b": [],\n  "c": {}\n}'


def test_dataclass_json_field_rename() -> None:
    @record(frozen=False)
    class Row:
        ID: str = field(metadata={"json": "Id"})
        secret: str = field(default="", metadata={"json": "-"})

    assert json_encode(Row("abc", "s")) == '{"Id":"abc"}'


@pytest.mark.parametrize(("text", "message"), [
    ("{{.Foo}}", 'template: ps:1:2: executing "ps" at <.Foo>: can\'t evaluate field Foo in type '
                 "test_gotemplate.Ctr"),
    ("{{ .Names.x.y }}", 'template: ps:1:9: executing "ps" at <.Names.x.y>: can\'t evaluate field x in type '
                         "[]string"),
    ("{{index .Names 5}}", 'template: ps:1:2: executing "ps" at <index .Names 5>: error calling index: '
                           "index out of range: 5"),
    ("{{upper .ExitCode}}", 'template: ps:1:8: executing "ps" at <.ExitCode>: wrong type for value; '
                            "expected string; got int"),
    ("{{join .Names}}", 'template: ps:1:2: executing "ps" at <join>: wrong number of args for join: '
                        "want 2 got 1"),
    ('{{eq .Names 1}}', 'template: ps:1:2: executing "ps" at <eq .Names 1>: error calling eq: '
                        "incompatible types for comparison"),
    ("{{gt 1.5 1}}", 'template: ps:1:2: executing "ps" at <gt 1.5 1>: error calling gt: '
                     "incompatible types for comparison"),
    ("{{ 1 2 }}", 'template: ps:1:3: executing "ps" at <1>: can\'t give argument to non-function 1'),
    ("{{range .Name}}{{end}}", 'template: ps:1:8: executing "ps" at <.Name>: range can\'t iterate over c1'),
    ("{{.Label}}", 'template: ps:1:2: executing "ps" at <.Label>: wrong number of args for Label: '
                   "want 1 got 0"),
    ("{{len 1}}", 'template: ps:1:2: executing "ps" at <len 1>: error calling len: len of type int'),
    ('{{index .Labels 1}}', 'template: ps:1:2: executing "ps" at <index .Labels 1>: error calling index: '
                            "value has type int; should be string"),
    ('{{template "x"}}', 'template: ps:1:11: executing "ps" at <{{template "x"}}>: template "x" not defined'),
    ("a\n{{.Name}}{{.Foo}}", 'template: ps:2:11: executing "ps" at <.Foo>: can\'t evaluate field Foo in type '
                             "test_gotemplate.Ctr"),
])
def test_execution_errors_use_go_wording(text: str, message: str) -> None:
    assert error(text) == message


@pytest.mark.parametrize(("text", "message"), [
    ("{{.Name", "template: ps:1: unclosed action"),
    ("{{.Name}}{{end}}", "template: ps:1: unexpected {{end}}"),
    ("{{if .Name}}", "template: ps:1: unexpected EOF"),
    ("{{if}}{{end}}", "template: ps:1: missing value for if"),
    ("{{range}}{{end}}", "template: ps:1: missing value for range"),
    ("{{nofunc .Name}}", 'template: ps:1: function "nofunc" not defined'),
    ('{{ "abc }}', "template: ps:1: unterminated quoted string"),
    ("{{ $x }}", 'template: ps:1: undefined variable "$x"'),
    ("{{ ( .Name }}", "template: ps:1: unclosed left paren"),
    ("{{ .Name ) }}", 'template: ps:1: unexpected ")" in command'),
    ("{{ if 1 }}{{ else }}{{ else }}{{ end }}", "template: ps:1: expected end; found {{else}}"),
    ("{{ }}", "template: ps:1: missing value for command"),
    ("{{ | }}", 'template: ps:1: unexpected "|" in command'),
    ("{{ .Name | 1 }}", "template: ps:1: non executable command in pipeline stage 2"),
    ("{{.Name{{end}}", "template: ps:1: bad character U+007B '{'"),
    ("x\n{{break}}", "template: ps:2: {{break}} outside {{range}}"),
])
def test_parse_errors_use_go_wording(text: str, message: str) -> None:
    assert error(text) == message


def test_template_error_is_a_podpy_error_with_exit_125() -> None:
    with pytest.raises(PodpyError) as info:
        compile("{{.Nope}}").execute({"a": 1} and CTR)
    assert info.value.exit_code == 125
    assert info.value.code == "template"


def test_partial_output_survives_an_error() -> None:
    out: list[str] = []
    with pytest.raises(TemplateError):
        compile("{{.Name}} {{.Foo}}").execute_into(CTR, out)
    assert "".join(out) == "c1 "


def test_compiled_once_executes_many() -> None:
    template = compile("{{.ID}}:{{len .Names}}")
    rows = [Ctr(str(i), ["n"] * i, {}, []) for i in range(3)]
    assert [template.execute(r) for r in rows] == ["0:0", "1:1", "2:2"]


def test_private_names_and_builtin_types_are_not_reachable() -> None:
    assert "can't evaluate field __class__" in error("{{.__class__}}")
    assert "can't evaluate field upper in type string" in error("{{.Name.upper}}")
