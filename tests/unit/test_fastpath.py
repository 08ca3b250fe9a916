"""The click-free fast path: its table matches the click commands, and it parses as click does or declines."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import click
import pytest
from tests.support.podpy import podpy_env

from podpy.cli import gen_fasttable
from podpy.cli.fastpath import Decline, parse
from podpy.cli.fasttable import COMMANDS, ROOT
from podpy.cli.root import cli


def test_table_is_up_to_date() -> None:
    with open(gen_fasttable.table_path(), encoding="utf-8") as f:
        assert f.read() == gen_fasttable.render(), "run `python -m podpy.cli.gen_fasttable`"


def _click_params(path: str, argv: list[str]) -> dict[str, Any] | None:
    root_ctx = click.Context(cli, info_name="podpy", **cli.context_settings)
    ctx = root_ctx
    command: click.Command = cli
    for word in path.split():
        assert isinstance(command, click.Group)
        sub = command.get_command(ctx, word)
        assert sub is not None
        command = sub
        ctx = click.Context(command, parent=ctx, info_name=word)
    try:
        return dict(command.make_context(path, list(argv), parent=ctx.parent).params)
    except (click.UsageError, click.exceptions.Exit):
        return None


def _fast_params(path: str, argv: list[str]) -> dict[str, Any] | None:
    try:
        return parse(COMMANDS[path][1], argv, stop_at_positional=False)[0]
    except Decline:
        return None


PS_LINES = [
    [], ["-a"], ["-aq"], ["-a", "-q", "--no-trunc"], ["--all", "--format", "{{.ID}}"], ["--format={{.ID}} x"],
    ["-n", "3"], ["-n3"], ["--last", "2"], ["--last=2"], ["-f", "status=exited", "-f", "name=x"],
    ["--filter=label=a=b"], ["-af", "name=x"], ["--noheading", "-l"], ["--format", "json"],
    # declined ones: click decides (errors, help, odd values)
    ["-n", "-1"], ["-n", "x"], ["--bogus"], ["-h"], ["--help"], ["-a", "extra"], ["--format"], ["-z"],
    ["--all=true"], ["--", "x"],
]


@pytest.mark.parametrize("argv", PS_LINES, ids=lambda a: " ".join(a) or "(none)")
@pytest.mark.parametrize("path", ["ps", "container ps", "container ls"])
def test_ps_parses_like_click(path: str, argv: list[str]) -> None:
    fast = _fast_params(path, argv)
    if fast is not None:
        assert fast == _click_params(path, argv)


RUN_LINES = [
    ["busybox"], ["--rm", "busybox", "true"], ["-d", "--name", "x", "busybox", "sleep", "1"], ["-it", "busybox", "sh"],
    ["-e", "A=1", "-eB=2", "--env=C=3", "busybox", "env"], ["--rm", "--network", "none", "localhost/busybox", "true"],
    ["--sig-proxy=false", "busybox"], ["--sig-proxy", "0", "busybox"], ["busybox", "ls", "-l", "--all"],
    ["-v", "/a:/b:ro", "--volume=/c:/d", "busybox"], ["--entrypoint", "", "busybox"], ["-h", "host", "busybox"],
    ["-u", "1000:1000", "-w", "/tmp", "busybox", "id"], ["--", "busybox", "x"], ["-dit", "busybox"],
    ["--detach-keys", "ctrl-a", "-l", "a=b", "--label=c=d", "busybox"], ["--read-only", "--tmpfs", "/t", "busybox"],
    # declined ones
    [], ["--help"], ["--bogus", "busybox"], ["--sig-proxy", "maybe", "busybox"], ["--sig-proxy=TRUE", "busybox"],
    ["--name"], ["-e", "-x", "busybox"],
]


@pytest.mark.parametrize("argv", RUN_LINES, ids=lambda a: " ".join(a) or "(none)")
@pytest.mark.parametrize("path", ["run", "container run"])
def test_run_parses_like_click(path: str, argv: list[str]) -> None:
    fast = _fast_params(path, argv)
    if fast is not None:
        assert fast == _click_params(path, argv)


def test_common_lines_take_the_fast_path() -> None:
    for argv in (["--rm", "busybox", "true"], ["-dit", "--name", "x", "busybox"], ["-h", "h", "busybox", "ls", "-l"]):
        assert _fast_params("run", argv) is not None, argv
    for argv in (["-a"], ["-aq"], ["--format", "{{.ID}}"], ["-n3"], ["-f", "status=exited"]):
        assert _fast_params("ps", argv) is not None, argv


@pytest.mark.parametrize("argv", [
    ["--root", "/r", "--runroot", "/rr", "ps"], ["--log-level", "debug", "ps"], ["--log-level=error", "ps"],
    ["--cgroup-manager", "cgroupfs", "ps", "-a"], ["--storage-driver=overlay", "--runtime", "runc", "ps"],
])
def test_global_flags_parse_like_click(argv: list[str]) -> None:
    fast, rest = parse(ROOT, argv, stop_at_positional=True)
    ctx = cli.make_context("podpy", list(argv), **cli.context_settings)
    assert fast == ctx.params
    assert rest == [*ctx._protected_args, *ctx.args]


@pytest.mark.parametrize("argv", [["--version", "ps"], ["-v"], ["--help"], ["--log-level", "DEBUG", "ps"],
                                  ["--bogus", "ps"], ["--root"]])
def test_global_flags_declined(argv: list[str]) -> None:
    with pytest.raises(Decline):
        parse(ROOT, argv, stop_at_positional=True)


def _modules_after(*args: str) -> set[str]:
    code = ("import sys\nfrom podpy.cli.main import main\n"
            "try:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n')\n")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=podpy_env())
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES ")][-1]
    return set(line.split()[1:])


def test_run_runs_without_click(tmp_path: Any) -> None:
    args = ("--root", str(tmp_path / "root"), "--runroot", str(tmp_path / "run"))
    modules = _modules_after(*args, "run", "--rm", "no-such-image-here")
    assert "click" not in modules


def test_ps_runs_without_click(tmp_path: Any) -> None:
    modules = _modules_after("--root", str(tmp_path / "root"), "--runroot", str(tmp_path / "run"), "ps", "-a")
    assert "click" not in modules
    modules = _modules_after("--root", str(tmp_path / "root"), "--runroot", str(tmp_path / "run"), "ps", "--help")
    assert "click" in modules


def _generic_lines(path: str) -> list[list[str]]:
    """Every option of a tabled command once, with a value of its kind, before the positional arguments."""
    options, _, arguments, _, _ = COMMANDS[path][1]
    positional = ["x" for _, nargs, required in arguments for _ in range(nargs if nargs > 0 else int(required))]
    values = {"str": "v", "int": "3", "bool": "false", "flag": None, "gobool": None}
    lines = [positional, ["--help"], [*positional, "--no-such-flag"]]
    for flag, (_, kind, _, extra) in sorted(options.items()):
        if kind == "decline":
            continue
        value = extra[0] if kind == "choice" else values[kind]
        lines.append([flag, *([] if value is None else [value]), *positional])
        if value is not None and flag.startswith("--"):
            lines.append([f"{flag}={value}", *positional])
    return lines


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_tabled_command_parses_like_click(path: str) -> None:
    accepted = 0
    for argv in _generic_lines(path):
        fast = _fast_params(path, argv)
        if fast is not None:
            accepted += 1
            assert fast == _click_params(path, argv), argv
    assert accepted > 1
