"""The output renderer: Podman's table layout, JSON, and template rules.

Expected strings were taken from `podman images`/`podman ps` 4.3.1; the last
test compares against the installed podman directly when it can.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence

import pytest

from podpy.cli.render import TabWriter, header_name, is_json, render, render_template_lines
from podpy.util.gotemplate import TemplateError
from podpy.util.record import field, record


@record(frozen=False)
class Image:
    Repository: str
    Tag: str
    ID: str = "d006abe100a7"
    CreatedAt: str = "2 hours ago"
    Names: list[str] = field(default_factory=list)


ROWS = [Image("localhost/test", "v1"), Image("quay.io/some/longername", "latest-tag")]
DEFAULT = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}"
HEADERS = {"ID": "image id"}


def show(fmt: str | None, rows: Sequence[object] = ROWS, **kwargs: object) -> str:
    buf = io.StringIO()
    render(rows, fmt, default_format=DEFAULT, headers=HEADERS, out=buf, name="images", **kwargs)  # type: ignore[arg-type]
    return buf.getvalue()


def tabwrite(text: str) -> str:
    buf = io.StringIO()
    writer = TabWriter(buf)
    writer.write(text)
    writer.flush()
    return buf.getvalue()


def test_tabwriter_aligns_like_go() -> None:
    assert tabwrite("REPOSITORY\tTAG\nlocalhost/test\tv1\nquay.io/some/longername\tlatest-tag\n") == (
        "REPOSITORY               TAG\n"
        "localhost/test           v1\n"
        "quay.io/some/longername  latest-tag\n")
    # minwidth 12, padding 2; the last cell of a line is never padded
    assert tabwrite("a\tb\tc\n") == "a           b           c\n"
    # empty cells still take the column width
    assert tabwrite("a\t\t\tx\n") == "a" + " " * 35 + "x\n"
    # column blocks: a line with fewer cells ends the block of the wider column
    assert tabwrite("aaaaaaaaaaaaaaaaaaaa\tb\tc\nx\ty\nlong-long-long-long-long\tz\n") == (
        "aaaaaaaaaaaaaaaaaaaa      b           c\n"
        "x                         y\n"
        "long-long-long-long-long  z\n")
    assert tabwrite("a\tb\tccccccccccccccccc\td\nx\ty\nq\tw\te\tf\n") == (
        "a           b           ccccccccccccccccc  d\n"
        "x           y\n"
        "q           w           e           f\n")  # the short line splits column 2 into two blocks
    assert tabwrite("no tabs\n\nx\ty") == "no tabs\n\nx           y"


def test_default_table_and_table_keyword() -> None:
    expected = ("REPOSITORY               TAG         IMAGE ID\n"
                "localhost/test           v1          d006abe100a7\n"
                "quay.io/some/longername  latest-tag  d006abe100a7\n")
    assert show(None) == expected
    assert show("table") == expected
    assert show(None, noheading=True) == expected.split("\n", 1)[1]
    assert show(None, rows=[]) == "REPOSITORY  TAG         IMAGE ID\n"


def test_user_tables() -> None:
    two = ("REPOSITORY               TAG\n"
           "localhost/test           v1\n"
           "quay.io/some/longername  latest-tag\n")
    assert show("table {{.Repository}}\t{{.Tag}}") == two
    assert show("table {{.Repository}}\\t{{.Tag}}") == two
    assert show("table {{.Repository}} {{.Tag}}") == two  # Podman turns spaces into columns
    assert show("table {{.Repository}}\t{{.Tag}}", noheading=True) == two.split("\n", 1)[1]
    assert show('table {{printf "%s %s" .Repository .Tag}}|{{.ID}}') == (
        "REPOSITORY               TAG|IMAGE ID\n"
        "localhost/test           v1|d006abe100a7\n"
        "quay.io/some/longername  latest-tag|d006abe100a7\n")
    assert show("table {{.CreatedAt}}") == "CREATED AT\n2 hours ago\n2 hours ago\n"


def test_plain_templates_one_line_per_item() -> None:
    assert show("{{.Repository}}") == "localhost/test\nquay.io/some/longername\n"
    assert show("{{.Repository}}\\t{{.Tag}}") == "localhost/test\tv1\nquay.io/some/longername\tlatest-tag\n"
    assert show("{{.Tag}}\n") == "v1\nlatest-tag\n"
    assert show("{{.Tag}}\\n") == "v1\nlatest-tag\n"
    assert show("a\\nb{{.Tag}}") == "a\nbv1\na\nblatest-tag\n"
    assert show("{{range .}}{{.Tag}}|{{end}}") == "v1|latest-tag|\n"
    assert show("{{.Tag}}", rows=[]) == ""
    assert show("{{len $}}") == "2\n2\n"  # $ is the whole list, as in Podman


def test_formats_podman_uses_as_typed() -> None:
    """A format that no longer parses once `\\n` is rewritten is used as typed (Podman 4.3.1)."""
    assert show('{{.Tag}}{{"\\n"}}') == "v1\nlatest-tag\n"
    assert show('{{.Tag}}{{"\\n"}}X') == "v1\nXlatest-tag\nX"
    assert show('{{.Tag}}{{"\\\\t"}}y') == "v1\\tylatest-tag\\ty"
    assert show('table {{.Tag}}{{"\\n"}}') == "table TAG\ntable v1\ntable latest-tag\n"
    assert show("{{.Tag}}{{else}}") == "v1latest-tag"


def test_json_output() -> None:
    assert is_json("json") and is_json(" json ") and is_json("{{json .}}") and is_json("{{ json }}")
    assert not is_json("JSON") and not is_json("{{json .Names}}") and not is_json(None)
    assert show("json", rows=ROWS[:1]) == (
        '[\n    {\n        "Repository": "localhost/test",\n        "Tag": "v1",\n'
        '        "ID": "d006abe100a7",\n        "CreatedAt": "2 hours ago",\n        "Names": []\n    }\n]\n')
    assert show("json", rows=[{"a": "<&>"}], json_indent=2, json_escape_html=True) == \
        '[\n  {\n    "a": "\\u003c\\u0026\\u003e"\n  }\n]\n'
    assert show("json", rows=[{"Version": "1"}], json_single=True) == '{\n    "Version": "1"\n}\n'
    assert show("json", rows=[]) == "[]\n"


def test_headers() -> None:
    assert header_name("CreatedAt") == "CREATED AT"
    assert header_name("ImageID") == "IMAGE ID"
    assert header_name("PIDNS") == "PIDNS"
    assert header_name("ID", {"ID": "container id"}) == "CONTAINER ID"
    assert show("table {{.Repository}}\t{{upper .Tag}}\t{{json .ID}}", rows=[]) == \
        'REPOSITORY  TAG         "IMAGE ID"\n'


def test_errors() -> None:
    with pytest.raises(TemplateError, match=r"^template: images:1:13: executing \"images\" at <.Foo>: "
                                            r"can't evaluate field Foo in type test_render.Image$"):
        show("{{.Foo}}")
    with pytest.raises(TemplateError, match=r"^template: images:1: bad character U\+007B '\{'$"):
        show("{{.Tag")
    buf = io.StringIO()
    with pytest.raises(TemplateError):
        render(ROWS, "table {{.Tag}}\t{{.Foo}}", default_format=DEFAULT, out=buf, name="images")
    assert buf.getvalue() == "TAG         FOO\nv1"  # what was rendered before the failure, as Podman
    buf = io.StringIO()
    with pytest.raises(TemplateError):
        render(ROWS, "{{.Tag}} {{.Foo}}", default_format=DEFAULT, out=buf, name="images")
    assert buf.getvalue() == "v1 "


def test_render_template_lines_for_inspect() -> None:
    data = [{"Name": "c1", "State": {"Status": "running"}}, {"Name": "amp", "State": {"Status": "exited"}}]
    buf = io.StringIO()
    render_template_lines(data, "{{.Name}}\\t{{.State.Status}}", out=buf, name="inspect")
    assert buf.getvalue() == "c1\trunning\namp\texited\n"
    buf = io.StringIO()
    render_template_lines(data, "table {{.Name}}", out=buf)
    assert buf.getvalue() == "c1\namp\n"


def test_a_thousand_rows_render_quickly() -> None:
    import time

    rows = [Image(f"registry.example.com/repo{i}", f"tag{i}", f"{i:012x}") for i in range(1000)]
    start = time.perf_counter()
    text = show(None, rows=rows)
    assert time.perf_counter() - start < 1.0
    assert text.count("\n") == 1001


# Against the real podman, in a throw-away store.

PODMAN = shutil.which("podman")
pytestmark_live = pytest.mark.skipif(PODMAN is None or os.geteuid() != 0, reason="needs root and podman")


@pytest.fixture
def podman_store() -> Iterator[list[str]]:
    base = tempfile.mkdtemp(prefix="podpy-render-", dir="/var/tmp")
    cmd = [str(PODMAN), "--root", f"{base}/root", "--runroot", f"{base}/run", "--tmpdir", f"{base}/tmp",
           "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"]
    try:
        layer = os.path.join(base, "rootfs.tar")
        with tarfile.open(layer, "w") as tar:
            info = tarfile.TarInfo("hello.txt")
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
        subprocess.run(cmd + ["import", "-q", layer, "localhost/test:v1"], check=True, capture_output=True)
        for ref in ("quay.io/some/longername:latest-tag", "localhost/x/a:b"):
            subprocess.run(cmd + ["tag", "localhost/test:v1", ref], check=True, capture_output=True)
        yield cmd
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytestmark_live
def test_same_output_as_podman_images(podman_store: list[str]) -> None:
    listing = subprocess.run(podman_store + ["images", "--format", "{{.Repository}}|{{.Tag}}|{{.ID}}"],
                             check=True, capture_output=True, text=True).stdout.split()
    names = [f"{r}:{t}" for r, t, _ in (line.split("|") for line in listing)]
    rows = [Image(repo, tag, image_id, Names=names)
            for repo, tag, image_id in (line.split("|") for line in listing)]
    formats = [
        "table {{.Repository}}\t{{.Tag}}",
        'table {{.Repository}}\t{{if eq .Tag "v1"}}{{.Tag}}\t{{.ID}}{{else}}{{.ID}}{{end}}',
        "table {{.Tag}}\t\t{{.ID}}\t",
        "table {{.Repository}}:{{.Tag}} {{.ID}}",
        "{{.Repository}}\\t{{.Tag}}",
        "{{range $i, $n := .Names}}{{$i}}={{$n}},{{end}}",
        "{{json .Names}} {{len .Names}} {{index .Names 1}} {{upper .Tag}} {{title .Repository}}",
        '{{printf "%-25s|%5.5s|%x" .Repository .Tag .Tag}}',
        '{{.Repository | printf "%q"}}{{"\\n"}}--',
        '{{- .Tag -}}  {{"x"}}  {{- "y"}}',
        "{{slice .ID 0 4}} {{not .Tag}} {{or \"\" .Tag}} {{.ID | len}} {{print 1 2 \"a\" 3}}",
        '{{join (split .Repository "/") "+"}}',
        "{{index .Names 9}}", "{{.Tag.X}}", "{{ .Tag | 1 }}", "{{range .Tag}}{{end}}", "{{if .Tag}}",
        '{{"abc}}', "{{upper 1}}", '{{lt 1 "a"}}',
    ]
    for fmt in formats:
        result = subprocess.run(podman_store + ["images", "--format", fmt], capture_output=True, text=True)
        buf = io.StringIO()
        try:
            render(rows, fmt, default_format=DEFAULT, headers=HEADERS, out=buf, name="images")
            got = buf.getvalue()
        except TemplateError as err:
            got = f"{buf.getvalue()}Error: {err}\n"
        assert got == result.stdout + result.stderr, fmt


class _Row:
    def __init__(self, n: int) -> None:
        self.ID = f"id{n}"
        self.Names = ["a", "b"] if n % 2 else []
        self.Size = n * 1000
        self.Ok = n % 3 == 0
        self.Gone = None

    @property
    def Status(self) -> str:  # noqa: N802
        return f"Up {self.Size}"


@pytest.mark.parametrize("fmt", ["table {{.ID}}\\t{{.Names}}\\t{{.Size}}", "{{.ID}} {{.Ok}} {{.Gone}}",
                                 "table {{.Status}}", "{{ .ID }}-{{.Size}}\\n"])
def test_plain_field_formats_render_as_the_engine_does(fmt: str) -> None:
    from podpy.cli.render import _render_plain_fields, compile_format

    rows = [_Row(n) for n in range(5)]
    template = compile_format(fmt, "t")[0]
    fast: list[str] = []
    assert _render_plain_fields(template.text, rows, fast)
    slow: list[str] = []
    template.execute_into(rows, slow)
    assert "".join(fast) == "".join(slow)


def test_plain_fields_leave_other_templates_to_the_engine() -> None:
    from podpy.cli.render import _render_plain_fields, compile_format

    for fmt in ("{{.ID | upper}}", "{{json .}}", "{{range .Names}}{{.}}{{end}}", "{{.Missing}}"):
        assert not _render_plain_fields(compile_format(fmt, "t")[0].text, [_Row(1)], [])
    assert not _render_plain_fields(compile_format("{{.ID}}", "t")[0].text, [{"ID": "x"}], [])
