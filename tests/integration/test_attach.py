"""-i (stdin through the monitor), `attach` with several clients, `start -a -i`."""

from __future__ import annotations

import subprocess
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root


def _popen(podpy: Podpy, *args: str, stdin: int | None = subprocess.PIPE) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*podpy.argv, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=podpy_env())


def _wait_running(podpy: Podpy, name: str) -> None:
    deadline = time.monotonic() + 20
    while podpy("inspect", "--format", "{{.State.Status}}", name).stdout.strip() != "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_piped_stdin(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "-i", "--rm", "busybox", "cat", input="hi\n")
    assert out.stdout == "hi\n"
    out = podpy_bb("run", "-i", "--rm", "busybox", "sh", "-c", "read x; echo got $x; exit 6", input="hi\n",
                   check=False)
    assert (out.returncode, out.stdout) == (6, "got hi\n")
    big = "".join(f"line {i}\n" for i in range(20000))
    out = podpy_bb("run", "-i", "--rm", "busybox", "wc", "-l", input=big)
    assert out.stdout.split() == ["20000"]
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_without_i_stdin_is_dev_null(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "busybox", "sh", "-c", "cat; echo end", input="ignored\n")
    assert out.stdout == "end\n"


def test_several_attachers_and_stdin_eof(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "-i", "--name", "multi", "busybox", "sh", "-c",
             'while read l; do echo "got $l"; echo "err $l" >&2; done; echo bye; exit 4')
    _wait_running(podpy_bb, "multi")
    writer = _popen(podpy_bb, "attach", "multi")
    watchers = [_popen(podpy_bb, "attach", "--no-stdin", "multi", stdin=subprocess.DEVNULL) for _ in range(2)]
    try:
        time.sleep(1.0)  # all three connected
        assert writer.stdin is not None
        writer.stdin.write(b"one\n")
        writer.stdin.flush()
        time.sleep(0.5)
        writer.stdin.close()  # end of our stdin closes the container's: the loop ends
        writer.stdin = None
        results = [p.communicate(timeout=30) for p in (writer, *watchers)]
        for proc, (out, err) in zip((writer, *watchers), results, strict=True):
            assert proc.returncode == 4, err
            assert out == b"got one\nbye\n"
            assert err == b"err one\n"
    finally:
        for p in (writer, *watchers):
            if p.poll() is None:
                p.kill()
                p.wait()
    assert podpy_bb("wait", "multi").stdout.strip() == "4"
    assert "got one" in podpy_bb("logs", "multi").stdout
    podpy_bb("rm", "multi")


def test_attach_errors(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "idle", "busybox", "true")
    result = podpy_bb("attach", "idle", check=False)
    assert result.returncode == 125 and "you can only attach to running containers" in result.stderr
    missing = podpy_bb("attach", "nothere", check=False)
    assert missing.returncode == 125 and "no such container" in missing.stderr
    podpy_bb("rm", "idle")


def test_start_attach_interactive(podpy_bb: Podpy) -> None:
    podpy_bb("create", "-i", "--name", "si", "busybox", "sh", "-c", "cat; exit 3")
    out = podpy_bb("start", "-a", "-i", "si", input="abc\n", check=False)
    assert (out.returncode, out.stdout) == (3, "abc\n")
    # Without -i the created-with--i container still gets its stdin held open by the monitor.
    podpy_bb("start", "si")
    _wait_running(podpy_bb, "si")
    attached = podpy_bb("attach", "si", input="later\n", check=False)
    assert (attached.returncode, attached.stdout) == (3, "later\n")
    podpy_bb("rm", "si")


def test_sig_proxy_with_i(podpy_bb: Podpy) -> None:
    proc = _popen(podpy_bb, "run", "-i", "--rm", "busybox", "sh", "-c",
                  "trap 'echo term; exit 42' TERM; echo ready; while true; do sleep 0.1; done")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 42 and out == b"term\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
