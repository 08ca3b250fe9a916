"""podpy update: limits changed live in the running container's cgroup, kept for the next start."""

from __future__ import annotations

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

BB = "localhost/busybox"
READ_LIMITS = ("cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null || "
               "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max")


def test_update_running_and_stopped(podpy_bb: Podpy) -> None:
    cid = podpy_bb("run", "-d", "--name", "u", "-m", "64m", BB, "sleep", "600").stdout.strip()
    assert podpy_bb("update", "--memory", "128m", "--pids-limit", "99", "u").stdout.strip() == cid
    assert podpy_bb("exec", "u", "sh", "-c", READ_LIMITS).stdout.split() == [str(128 << 20), "99"]
    host = podpy_bb.json("inspect", "u")[0]["HostConfig"]
    assert host["Memory"] == 128 << 20 and host["PidsLimit"] == 99
    podpy_bb("stop", "-t", "0", "u")
    podpy_bb("update", "--memory", "96m", "u")
    podpy_bb("start", "u")
    assert podpy_bb("exec", "u", "sh", "-c", READ_LIMITS).stdout.split() == [str(96 << 20), "99"]
    for args, message in ((["u"], "at least one flag"), (["--memory", "1k", "u"], "minimum memory"),
                          (["--memory", "64m", "nosuch"], "no such container")):
        bad = podpy_bb("update", *args, check=False)
        assert bad.returncode == 125 and message in bad.stderr, bad.stderr
    podpy_bb("rm", "-f", "-t", "0", "u")
