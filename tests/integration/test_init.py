"""podpy init: the monitor runs `runc create`; start then runs `runc start` (Podman's initialized state)."""

from __future__ import annotations

import os
import threading
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _state(podpy: Podpy, name: str) -> str:
    return podpy("inspect", "--format", "{{.State.Status}}", name).stdout.strip()


def _runtime_states(podpy: Podpy) -> list[str]:
    root = os.path.join(podpy.runroot, "runtime")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def test_init_then_start_attached(podpy_bb: Podpy) -> None:
    cid = podpy_bb("create", "--name", "in1", "busybox", "sh", "-c", "echo hello; sleep 0.3; echo bye; exit 3"
                   ).stdout.strip()
    assert podpy_bb("init", "in1").stdout == "in1\n"
    state = podpy_bb.json("inspect", "in1")[0]["State"]  # type: ignore[index]
    assert state["Status"] == "initialized" and state["Pid"] > 0 and state["ConmonPid"] > 0  # type: ignore[index]
    assert state["Running"] is False  # type: ignore[index]
    assert podpy_bb("ps", "-q").stdout == ""
    assert podpy_bb("ps", "-a", "--format", "{{.Status}} {{.State}}").stdout == "Initialized initialized\n"
    again = podpy_bb("init", "in1", check=False)
    assert again.returncode == 125
    assert again.stderr == f"Error: container {cid} has already been created in runtime: container state improper\n"
    assert podpy_bb("logs", "in1").stdout == ""  # the process waits for start
    attached = podpy_bb("start", "-a", "in1", check=False)
    assert (attached.returncode, attached.stdout) == (3, "hello\nbye\n")
    assert podpy_bb("wait", "in1").stdout == "3\n"
    # An exited container can be initialized again.
    podpy_bb("init", "in1")
    assert _state(podpy_bb, "in1") == "initialized"
    podpy_bb("rm", "in1")  # no --force needed for an initialized container, as in Podman
    assert podpy_bb("ps", "-a", "-q").stdout == "" and _runtime_states(podpy_bb) == []


def test_wait_blocks_until_an_initialized_container_ran(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "w", "busybox", "sh", "-c", "exit 5")
    podpy_bb("init", "w")
    waited: list[str] = []
    waiter = threading.Thread(target=lambda: waited.append(podpy_bb("wait", "w").stdout))
    waiter.start()
    time.sleep(1)
    assert waited == []
    assert podpy_bb("start", "w").stdout == "w\n"
    waiter.join(30)
    assert waited == ["5\n"]
    podpy_bb("rm", "w")


def test_stop_kill_and_rm_of_initialized(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "s", "busybox", "sleep", "100")
    podpy_bb("init", "s")
    killed = podpy_bb("kill", "s", check=False)
    assert killed.returncode == 125 and "can only kill running containers" in killed.stderr
    assert "is in state initialized" in killed.stderr
    started = time.monotonic()
    assert podpy_bb("stop", "s").stdout == "s\n"
    assert time.monotonic() - started < 5  # no stop timeout for the runtime's own process
    assert _state(podpy_bb, "s") == "exited"
    podpy_bb("start", "s")
    assert _state(podpy_bb, "s") == "running"
    podpy_bb("rm", "-f", "s")
    assert _runtime_states(podpy_bb) == []


def test_init_all_latest_and_auto_remove(podpy_bb: Podpy) -> None:
    running = podpy_bb("run", "-d", "--name", "up", "busybox", "sleep", "100").stdout.strip()
    created = podpy_bb("create", "--name", "c1", "busybox", "true").stdout.strip()
    out = podpy_bb("init", "--all").stdout.split()
    assert sorted(out) == sorted([running, created])  # the running one is passed over silently
    assert _state(podpy_bb, "c1") == "initialized" and _state(podpy_bb, "up") == "running"
    latest = podpy_bb("create", "--rm", "--name", "gone", "busybox", "echo", "bye").stdout.strip()
    assert podpy_bb("init", "--latest").stdout == latest + "\n"
    assert podpy_bb("start", "gone").stdout == "gone\n"
    deadline = time.monotonic() + 20
    while podpy_bb("container", "exists", "gone", check=False).returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert podpy_bb("container", "exists", "gone", check=False).returncode == 1
    bad = podpy_bb("init", check=False)
    assert (bad.returncode, bad.stderr) == (125, "Error: you must provide at least one name or id\n")
    bad = podpy_bb("init", "--all", "c1", check=False)
    assert (bad.returncode, bad.stderr) == (125, "Error: no arguments are needed with --all\n")
    podpy_bb("rm", "-f", "up", "c1")
