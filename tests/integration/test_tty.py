"""-t through a real pseudo-terminal: raw mode, sizes, exit codes, detach and attach again, exec -it."""

from __future__ import annotations

import os
import subprocess
import termios
import time

from tests.conftest import needs_root
from tests.integration.ptyutil import PtySession
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

# The test image has no stty applet: busybox itself, bound in, is one.
STTY = ("-v", "/bin/busybox:/bin/stty:ro")
PROMPT = b"# "


def _echo_on(fd: int) -> bool:
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def test_run_it_raw_terminal_size_resize_and_exit_code(podpy_bb: Podpy) -> None:
    with PtySession(podpy_bb, "run", "-it", "--rm", *STTY, "busybox", "sh", rows=33, cols=101) as s:
        s.read_until(PROMPT)
        assert not _echo_on(s.fd), "our terminal should be raw while attached"
        s.send(b"stty size; echo TERM=$TERM\r")
        s.read_until(b"TERM=xterm\r\n")
        assert b"33 101\r\n" in s.output
        s.resize(40, 120)
        time.sleep(0.3)
        s.send(b"stty size\r")
        s.read_until(b"40 120\r\n")
        s.send(b"exit 5\r")
        assert s.wait() == 5
        assert _echo_on(s.fd), "the terminal's modes must be restored"
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_ctrl_c_goes_to_the_container(podpy_bb: Podpy) -> None:
    with PtySession(podpy_bb, "run", "-it", "--rm", "busybox", "sh") as s:
        s.read_until(PROMPT)
        s.send(b"sleep 30\r")
        time.sleep(0.5)
        s.send(b"\x03")  # in raw mode ^C is a byte for the container's tty, which signals sleep
        s.read_until(b"^C")
        s.send(b"echo alive; exit 0\r")
        s.read_until(b"alive\r\n")
        assert s.wait() == 0


def test_detach_keys_then_attach_again(podpy_bb: Podpy) -> None:
    with PtySession(podpy_bb, "run", "-it", "--name", "dt", "busybox", "sh") as s:
        s.read_until(PROMPT)
        s.send(b"echo one\r")
        s.read_until(b"one\r\n")
        s.send(b"\x10\x11")  # ctrl-p ctrl-q
        assert s.wait() == 0
        # Podman prints nothing extra on detaching.
        assert b"one\r\n" in s.output and b"detach" not in s.output.lower()
    assert podpy_bb("inspect", "--format", "{{.State.Status}}", "dt").stdout.strip() == "running"
    with PtySession(podpy_bb, "attach", "--detach-keys", "ctrl-x,y", "dt") as s:
        s.send(b"echo two\r")
        s.read_until(b"two\r\n")
        s.send(b"\x18y")
        assert s.wait() == 0
    with PtySession(podpy_bb, "attach", "dt") as s:
        s.send(b"echo three; exit 7\r")
        s.read_until(b"three\r\n")
        assert s.wait() == 7
    assert podpy_bb("wait", "dt").stdout.strip() == "7"
    # The tty output is in the log, as stdout.
    logs = podpy_bb("logs", "dt").stdout
    assert "one" in logs and "two" in logs and "three" in logs
    podpy_bb("rm", "dt")


def test_detach_keys_from_containers_conf_and_disabled(podpy_bb: Podpy, tmp_path: object) -> None:
    conf = os.path.join(str(tmp_path), "containers.conf")
    with open(conf, "w") as f:
        f.write('[engine]\ndetach_keys = "ctrl-a,b"\n')
    env = dict(podpy_env(), CONTAINERS_CONF=conf)
    with PtySession(podpy_bb, "run", "-it", "--name", "cf", "busybox", "sh", env=env) as s:
        s.read_until(PROMPT)
        s.send(b"\x10\x11")  # not the configured keys: goes to the shell
        s.send(b"\x01b")
        assert s.wait() == 0
    assert podpy_bb("inspect", "--format", "{{.State.Running}}", "cf").stdout.strip() == "true"
    with PtySession(podpy_bb, "attach", "--detach-keys", "", "cf") as s:
        s.send(b"\x10\x11echo still; exit 3\r")
        s.read_until(b"still")
        assert s.wait() == 3
    podpy_bb("rm", "cf")
    bad = podpy_bb("run", "-it", "--detach-keys", "ctrl-", "busybox", "true", check=False)
    assert bad.returncode == 125 and "invalid detach keys" in bad.stderr
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_run_t_without_a_terminal_and_logs(podpy_bb: Podpy) -> None:
    # Raw bytes: the container's tty turns \n into \r\n, and nothing else touches them.
    out = subprocess.run([*podpy_bb.argv, "run", "-t", "--rm", "busybox", "sh", "-c",
                          "test -t 0 && test -t 1 && echo tty"], capture_output=True, env=podpy_env(), timeout=60)
    assert (out.returncode, out.stdout) == (0, b"tty\r\n"), out.stderr
    cid = podpy_bb("run", "-d", "-t", "busybox", "sh", "-c", "echo logged; exit 2").stdout.strip()
    assert podpy_bb("wait", cid).stdout.strip() == "2"
    logs = subprocess.run([*podpy_bb.argv, "logs", cid], capture_output=True, env=podpy_env(), timeout=60)
    assert logs.stdout == b"logged\r\n"
    podpy_bb("rm", cid)


def test_start_attach_tty(podpy_bb: Podpy) -> None:
    podpy_bb("create", "-it", "--name", "st", *STTY, "busybox", "sh")
    assert podpy_bb("inspect", "--format", "{{.Config.Tty}} {{.Config.OpenStdin}}", "st").stdout.strip() == \
        "true true"
    with PtySession(podpy_bb, "start", "-a", "-i", "st", rows=11, cols=22) as s:
        s.read_until(PROMPT)
        s.send(b"stty size; exit 4\r")
        s.read_until(b"11 22\r\n")
        assert s.wait() == 4
    podpy_bb("rm", "st")


def test_exec_it(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "ex", *STTY, "busybox", "sleep", "60")
    with PtySession(podpy_bb, "exec", "-it", "ex", "sh", rows=50, cols=60) as s:
        s.read_until(PROMPT)
        s.send(b"stty size; test -t 0 && echo TTY=$TERM; exit 3\r")
        s.read_until(b"TTY=xterm\r\n")
        assert b"50 60\r\n" in s.output
        assert s.wait() == 3
    with PtySession(podpy_bb, "exec", "-it", "ex", "sh", "-c", "echo ready; sleep 60") as s:
        s.read_until(b"ready")
        s.send(b"\x10\x11")
        assert s.wait() == 0
    ps = subprocess.run(["pgrep", "-f", "sleep 60"], capture_output=True, text=True)
    assert len(ps.stdout.split()) >= 2, "the detached exec session keeps running"
    assert podpy_bb("exec", "-t", "ex", "sh", "-c", "exit 9", check=False).returncode == 9
    missing = podpy_bb("exec", "-it", "ex", "nothere", check=False)
    assert missing.returncode == 127, missing.stderr
    podpy_bb("rm", "-f", "ex")
