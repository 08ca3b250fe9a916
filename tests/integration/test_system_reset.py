"""system reset removes everything of the store and nothing else: host directories bound into
containers survive, and without --force nothing happens unless the user says yes."""

from __future__ import annotations

import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _mounts_under(path: str) -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if line.split()[4].startswith(path.rstrip("/") + "/")]


def test_reset_removes_the_store_but_not_bound_host_data(podpy_bb: Podpy, tmp_path: object) -> None:
    host_dir = os.path.join(str(tmp_path), "host-data")
    os.makedirs(host_dir)
    with open(os.path.join(host_dir, "keep"), "w") as f:
        f.write("precious")
    podpy_bb("volume", "create", "vol")
    podpy_bb("run", "--network", "none", "-v", "vol:/v", "busybox", "sh", "-c", "echo data > /v/f")
    podpy_bb("run", "-d", "--network", "none", "--name", "running", "-v", f"{host_dir}:/h", "busybox",
             "sleep", "600")
    podpy_bb("secret", "create", "s", "-", input="x")
    podpy_bb("network", "create", "resetnet")
    podpy_bb("pod", "create", "--name", "resetpod", "--network", "none")

    declined = podpy_bb("system", "reset", input="n\n")
    assert declined.returncode == 0 and "Are you sure you want to continue?" in declined.stdout
    assert "running" in podpy_bb("ps", "--format", "{{.Names}}").stdout

    podpy_bb("system", "reset", "--force")

    assert not os.path.exists(podpy_bb.root) or os.listdir(podpy_bb.root) == []
    assert _mounts_under(podpy_bb.root) == [] and _mounts_under(podpy_bb.runroot) == []
    with open(os.path.join(host_dir, "keep")) as f:
        assert f.read() == "precious"
    assert podpy_bb("ps", "-a", "-q").stdout == ""
    assert podpy_bb("pod", "ps", "-q").stdout == ""
    assert podpy_bb("images", "-q").stdout == ""
    assert podpy_bb("volume", "ls", "-q").stdout == ""
    assert podpy_bb("secret", "ls", "-q").stdout == ""
    assert podpy_bb("network", "ls", "--format", "{{.Name}}").stdout.split() == ["podman"]
