"""`podpy --help` and `podpy version` must not import the engine (start-up speed)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.support.podpy import podpy_env


def _imported_modules(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    code = ("import sys, runpy; sys.argv=['podpy', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('podpy', run_name='__main__')\n"
            "except SystemExit as e:\n"
            "    sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n'); raise\n")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=podpy_env())
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES ")][-1]
    return set(line.split()[1:]), proc


@pytest.mark.parametrize("args", [("--help",), ("version",), ("run", "--help"), ("ps", "--help")])
def test_no_engine_imports(args: tuple[str, ...]) -> None:
    modules, proc = _imported_modules(*args)
    assert proc.returncode == 0, proc.stderr
    heavy = {m for m in modules if m.startswith(("podpy.engine.local", "podpy.runtime", "podpy.storage",
                                                   "podpy.state", "podpy._native", "sqlite3", "subprocess"))}
    assert not heavy


def test_help_lists_podman_commands() -> None:
    proc = subprocess.run([sys.executable, "-m", "podpy", "--help"], capture_output=True, text=True,
                          env=podpy_env())
    assert proc.returncode == 0
    for verb in ("run", "ps", "images", "container", "image", "pod", "network", "volume", "build", "pull"):
        assert f"  {verb} " in proc.stdout


def test_version_flag() -> None:
    proc = subprocess.run([sys.executable, "-m", "podpy", "--version"], capture_output=True, text=True,
                          env=podpy_env())
    assert proc.returncode == 0 and proc.stdout.startswith("podpy version ")


def test_not_implemented_and_remote() -> None:
    proc = subprocess.run([sys.executable, "-m", "podpy", "system", "service"], capture_output=True, text=True,
                          env=podpy_env())
    assert proc.returncode == 125 and proc.stderr.startswith("Error: ")
    proc = subprocess.run([sys.executable, "-m", "podpy", "--remote", "ps"], capture_output=True, text=True,
                          env=podpy_env())
    assert proc.returncode == 125 and "not available yet" in proc.stderr


def test_shell_completion() -> None:
    script = subprocess.run([sys.executable, "-m", "podpy", "completion", "bash"], capture_output=True, text=True,
                            env=podpy_env())
    assert script.returncode == 0 and "_PODPY_COMPLETE" in script.stdout
    env = dict(podpy_env(), COMP_WORDS="podpy ru", COMP_CWORD="1", _PODPY_COMPLETE="bash_complete")
    words = subprocess.run([sys.executable, "-m", "podpy"], capture_output=True, text=True, env=env).stdout
    assert "plain,run" in words.split()
