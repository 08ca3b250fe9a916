"""Many podpy processes at once, and podpy or its monitor killed at the worst moment (issue 5's fault list)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

BB = "localhost/busybox"


def _ps_ids(podpy: Podpy) -> list[str]:
    return podpy("ps", "-a", "-q", "--no-trunc").stdout.split()


def test_fifty_run_rm_at_once(podpy_bb: Podpy) -> None:
    def one(i: int) -> int:
        return podpy_bb("run", "--rm", BB, "sh", "-c", f"exit {i % 7}", check=False, timeout=600).returncode

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(one, range(50)))
    assert codes == [i % 7 for i in range(50)]
    assert _ps_ids(podpy_bb) == []


def test_hundred_detached_then_stop_and_rm_all_at_once(podpy_bb: Podpy) -> None:
    seen_ps: list[int] = []

    def start(i: int) -> str:
        result = podpy_bb("run", "-d", BB, "sleep", "600", check=False, timeout=600)
        assert result.returncode == 0, result.stderr
        if i % 10 == 0:  # ps -a stays consistent while containers are being made
            seen_ps.append(len(podpy_bb("ps", "-a", "-q").stdout.split()))
        return result.stdout.strip()

    with ThreadPoolExecutor(max_workers=100) as pool:
        ids = list(pool.map(start, range(100)))
    assert len(set(ids)) == 100
    names = podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert len(names) == 100 and len(set(names)) == 100
    assert podpy_bb("ps", "-q").stdout.split().__len__() == 100
    assert all(0 < n <= 100 for n in seen_ps)

    def stop_rm(cid: str) -> tuple[int, int]:
        stop = podpy_bb("stop", "-t", "0", cid, check=False, timeout=600)
        rm = podpy_bb("rm", cid, check=False, timeout=600)
        assert "database is locked" not in stop.stderr + rm.stderr
        return stop.returncode, rm.returncode

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(stop_rm, ids))
    assert results == [(0, 0)] * 100
    assert _ps_ids(podpy_bb) == []


def test_thousand_short_containers_keep_their_exit_codes(podpy_bb: Podpy) -> None:
    """Exit codes are written before --rm removal: every `run --rm` returns the real code."""
    count = int(os.environ.get("PODPY_TEST_SERIAL_RUNS", "1000"))
    wrong = []
    for i in range(count):
        code = podpy_bb("run", "--rm", BB, "sh", "-c", f"exit {i % 4}", check=False, timeout=120).returncode
        if code != i % 4:
            wrong.append((i, code))
    assert wrong == []
    assert _ps_ids(podpy_bb) == []


def test_kill_9_of_podpy_during_run_d_leaves_no_blocked_name(podpy_bb: Podpy) -> None:
    for delay in (0.05, 0.1, 0.2, 0.3, 0.5):
        name = f"victim{int(delay * 100)}"
        proc = subprocess.Popen([*podpy_bb.argv, "run", "-d", "--name", name, BB, "sleep", "600"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=podpy_env())
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        listed = podpy_bb("ps", "-a", "--format", "{{.Names}} {{.State}}").stdout.split("\n")
        mine = [line for line in listed if line.startswith(name + " ")]
        # Either it never got recorded, or it is there in a state `rm -f` clears; the name is usable again.
        if mine:
            podpy_bb("rm", "-f", name)
        assert podpy_bb("run", "-d", "--name", name, BB, "true").returncode == 0
        podpy_bb("wait", name)
        podpy_bb("rm", "-f", name)
    assert _ps_ids(podpy_bb) == []


def test_kill_9_of_the_monitor(podpy_bb: Podpy) -> None:
    cid = podpy_bb("run", "-d", BB, "sleep", "600").stdout.strip()
    data = podpy_bb.json("inspect", cid)[0]
    monitor = int(data["State"]["ConmonPid"])
    assert monitor > 0
    os.kill(monitor, signal.SIGKILL)
    os.kill(int(data["State"]["Pid"]), signal.SIGKILL)
    for _ in range(50):
        state = podpy_bb("ps", "-a", "--format", "{{.State}}", "--filter", f"id={cid}").stdout.strip()
        if state != "running":
            break
        time.sleep(0.1)
    assert state in ("exited", "stopped")
    podpy_bb("rm", cid)
    assert _ps_ids(podpy_bb) == []


def test_wiped_runroot_shows_exited_and_starts_again(podpy_bb: Podpy) -> None:
    cid = podpy_bb("run", "-d", "--name", "survivor", BB, "sleep", "600").stdout.strip()
    pid = podpy_bb.json("inspect", cid)[0]["State"]["Pid"]
    podpy_bb("kill", cid)
    podpy_bb("wait", cid)
    assert pid > 0
    # As after a reboot: the runroot (runtime state, exit files, locks) is gone.
    subprocess.run(["rm", "-rf", podpy_bb.runroot], check=True)
    assert podpy_bb("ps", "-a", "--format", "{{.State}}").stdout.strip() == "exited"
    podpy_bb("start", "survivor")
    assert podpy_bb("ps", "--format", "{{.Names}}").stdout.strip() == "survivor"
    podpy_bb("rm", "-f", "survivor")
