"""--restart policies with real short-lived containers: the monitor's exit command restarts them."""

from __future__ import annotations

import os
import signal
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _state(podpy: Podpy, name: str) -> tuple[int, str, int]:
    out = podpy("inspect", "--format", "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}", name).stdout
    count, status, code = out.split()
    return int(count), status, int(code)


def _settle(podpy: Podpy, name: str, want: tuple[int, str, int], timeout: float = 30) -> tuple[int, str, int]:
    deadline = time.monotonic() + timeout
    state = _state(podpy, name)
    while state != want and time.monotonic() < deadline:
        time.sleep(0.1)
        state = _state(podpy, name)
    return state


def test_on_failure_counts_retries_and_keeps_the_log(podpy_bb: Podpy) -> None:
    run = podpy_bb("run", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c",
                   "echo attempt; exit 1", check=False)
    assert (run.returncode, run.stdout) == (1, "attempt\n")
    assert _settle(podpy_bb, "flaky", (2, "exited", 1)) == (2, "exited", 1)
    time.sleep(1)
    assert _state(podpy_bb, "flaky") == (2, "exited", 1)
    assert podpy_bb("logs", "flaky").stdout == "attempt\n" * 3
    policy = podpy_bb.json("inspect", "flaky")[0]["HostConfig"]["RestartPolicy"]  # type: ignore[index]
    assert policy == {"Name": "on-failure", "MaximumRetryCount": 2}
    # A start by the user forgets the earlier restarts.
    podpy_bb("start", "flaky")
    assert _settle(podpy_bb, "flaky", (2, "exited", 1))[0] == 2
    podpy_bb("rm", "flaky")


def test_on_failure_leaves_a_clean_exit_alone(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "fine", "--restart", "on-failure", "busybox", "true")
    assert podpy_bb("wait", "fine").stdout == "0\n"
    time.sleep(1)
    assert _state(podpy_bb, "fine") == (0, "exited", 0)
    podpy_bb("rm", "fine")


def test_always_restarts_until_stopped_by_the_user(podpy_bb: Podpy) -> None:
    for policy in ("always", "unless-stopped"):
        name = f"svc-{policy}"
        podpy_bb("run", "-d", "--name", name, "--restart", policy, "busybox", "sh", "-c", "sleep 0.3; exit 3")
        deadline = time.monotonic() + 30
        while _state(podpy_bb, name)[0] < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _state(podpy_bb, name)[0] >= 2
        podpy_bb("stop", "-t", "0", name)
        count, status, _ = _state(podpy_bb, name)
        assert status == "exited"
        time.sleep(1.5)
        assert _state(podpy_bb, name)[:2] == (count, "exited")
        assert podpy_bb("logs", name).stdout == ""
        podpy_bb("rm", name)


def test_kill_also_keeps_it_down_and_start_rearms(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "k", "--restart", "always", "busybox", "sleep", "60")
    podpy_bb("kill", "k")
    assert podpy_bb("wait", "k").stdout == "137\n"
    time.sleep(1.5)
    assert _state(podpy_bb, "k") == (0, "exited", 137)
    podpy_bb("start", "k")
    assert _state(podpy_bb, "k")[:2] == (0, "running")
    # Killed by someone else than podpy: the policy restarts it.
    pid = podpy_bb("inspect", "--format", "{{.State.Pid}}", "k").stdout.strip()
    os.kill(int(pid), signal.SIGKILL)
    assert _settle(podpy_bb, "k", (1, "running", 0)) == (1, "running", 0)
    podpy_bb("rm", "-f", "k")


def test_attached_run_returns_and_the_policy_restarts_in_the_background(podpy_bb: Podpy) -> None:
    run = podpy_bb("run", "--name", "fg", "--restart", "on-failure:1", "busybox", "sh", "-c", "exit 4",
                   check=False)
    assert run.returncode == 4
    assert _settle(podpy_bb, "fg", (1, "exited", 4)) == (1, "exited", 4)
    podpy_bb("rm", "fg")


def test_rm_conflicts_and_bad_policies(podpy_bb: Podpy) -> None:
    bad = podpy_bb("run", "--rm", "--restart", "always", "busybox", "true", check=False)
    assert bad.returncode == 125
    assert bad.stderr == 'Error: the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"\n'
    bad = podpy_bb("create", "--restart", "sometimes", "busybox", "true", check=False)
    assert bad.returncode == 125 and '"sometimes" is not a valid restart policy' in bad.stderr
    assert podpy_bb("ps", "-a", "-q").stdout == ""
    none = podpy_bb.json("inspect", podpy_bb("create", "busybox", "true").stdout.strip())[0]
    assert none["HostConfig"]["RestartPolicy"] == {"Name": "", "MaximumRetryCount": 0}  # type: ignore[index]
    assert none["RestartCount"] == 0  # type: ignore[index]
