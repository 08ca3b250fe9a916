"""--sig-proxy: signals the attached CLI gets go to the container (`run`, `start -a`); =false keeps them."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

# Traps a few signals, each with its own exit code, then says it is ready.
SCRIPT = ('trap "echo usr1; exit 3" USR1; trap "echo hup; exit 4" HUP; trap "echo int; exit 5" INT; '
          'trap "echo rt; exit 6" 37; echo ready; while :; do sleep 0.1; done')


def _popen(podpy: Podpy, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*podpy.argv, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=podpy_env())


def _signalled(proc: subprocess.Popen[bytes], sig: int) -> tuple[int, bytes]:
    """Wait for the container's "ready", send ``sig`` to the podpy process; its exit code and output."""
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(sig)
        proc.wait(timeout=30)
        out, _ = proc.communicate(timeout=30)
        return proc.returncode, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _status(podpy: Podpy, name: str) -> str:
    return podpy("inspect", "--format", "{{.State.Status}}", name).stdout.strip()


@pytest.mark.parametrize(("sig", "code", "said"), [
    (signal.SIGUSR1, 3, b"usr1\n"), (signal.SIGHUP, 4, b"hup\n"), (signal.SIGINT, 5, b"int\n"),
    (signal.SIGRTMIN + 3, 6, b"rt\n"),
])
def test_run_forwards_signals(podpy_bb: Podpy, sig: int, code: int, said: bytes) -> None:
    proc = _popen(podpy_bb, "run", "--rm", "--sig-proxy=true", "busybox", "sh", "-c", SCRIPT)
    assert _signalled(proc, sig) == (code, said)


def test_run_forwards_by_default_and_start_a(podpy_bb: Podpy) -> None:
    proc = _popen(podpy_bb, "run", "--name", "dflt", "busybox", "sh", "-c", SCRIPT)
    assert _signalled(proc, signal.SIGUSR1) == (3, b"usr1\n")
    proc = _popen(podpy_bb, "start", "-a", "dflt")
    assert _signalled(proc, signal.SIGHUP) == (4, b"hup\n")
    assert podpy_bb("inspect", "--format", "{{.State.ExitCode}}", "dflt").stdout == "4\n"
    podpy_bb("rm", "dflt")


def test_sig_proxy_false_leaves_the_container_alone(podpy_bb: Podpy) -> None:
    proc = _popen(podpy_bb, "run", "--name", "np", "--sig-proxy=false", "busybox", "sh", "-c", SCRIPT)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        deadline = time.monotonic() + 20
        while _status(podpy_bb, "np") != "running":  # recorded by the CLI just after the start
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == -signal.SIGTERM  # its stdout stays open in the monitor
        time.sleep(0.5)
        assert _status(podpy_bb, "np") == "running"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        podpy_bb("rm", "-f", "-t", "0", "np")
        if proc.stdout is not None:
            proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
