"""--systemd (Podman's systemd mode) and --userns/--uidmap/--gidmap (only the host's user namespace yet)."""

from __future__ import annotations

import json
import os

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _bundle_config(podpy: Podpy, cid: str) -> dict[str, object]:
    path = os.path.join(podpy.root, "overlay-containers", cid, "userdata", "config.json")
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    assert isinstance(spec, dict)
    return spec


def test_systemd_always_config_json(podpy_bb: Podpy) -> None:
    cid = podpy_bb("create", "--systemd=always", "busybox", "sleep", "100").stdout.strip()
    try:
        podpy_bb("init", cid)
        spec = _bundle_config(podpy_bb, cid)
        mounts = spec["mounts"]
        assert isinstance(mounts, list)
        tmpfs = {m["destination"]: m["options"] for m in mounts if m["type"] == "tmpfs"}
        for dest in ("/run", "/run/lock", "/tmp", "/var/log/journal"):
            assert tmpfs[dest] == ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"], dest
        order = [m["destination"] for m in mounts]
        assert order.index("/run") < order.index("/run/.containerenv")  # not hidden by the tmpfs
        process = spec["process"]
        assert isinstance(process, dict)
        assert "container=podman" in process["env"] and f"container_uuid={cid[:32]}" in process["env"]
        if os.path.isdir("/sys/fs/cgroup/systemd"):  # v1 with a name=systemd hierarchy: bound in writable
            bound = [m for m in mounts if m["destination"] == "/sys/fs/cgroup/systemd"]
            assert bound == [{"destination": "/sys/fs/cgroup/systemd", "type": "bind",
                              "source": "/sys/fs/cgroup/systemd", "options": ["bind", "rprivate"]}]
            linux = spec["linux"]
            assert isinstance(linux, dict)
            assert "/sys/fs/cgroup/systemd/release_agent" in linux["maskedPaths"]
        data = podpy_bb.json("inspect", cid)[0]  # type: ignore[index]
        assert data["Config"]["StopSignal"] == 37 and data["Config"]["SystemdMode"] is True  # SIGRTMIN+3
    finally:
        podpy_bb("rm", "-f", "-t", "0", cid)


@pytest.mark.parametrize(("flags", "command", "signal", "mode"), [
    ([], "/sbin/init", 37, True),
    (["--systemd=true"], "/usr/lib/systemd/systemd", 37, True),
    (["--systemd=false"], "/sbin/init", 15, False),
    (["--systemd=true", "--stop-signal", "SIGTERM"], "/sbin/init", 15, True),
    ([], "sleep", 15, False),
])
def test_systemd_mode_follows_the_command(podpy_bb: Podpy, flags: list[str], command: str, signal: int,
                                          mode: bool) -> None:
    cid = podpy_bb("create", *flags, "busybox", command).stdout.strip()
    config = podpy_bb.json("inspect", cid)[0]["Config"]  # type: ignore[index]
    assert config["StopSignal"] == signal and config.get("SystemdMode", False) is mode
    podpy_bb("rm", cid)


def test_systemd_mode_in_a_running_container_and_bad_value(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "--systemd=always", "busybox", "sh", "-c",
                   "test -f /run/.containerenv && touch /run/lock/x /var/log/journal/y && mount | "
                   "grep -c -E ' on (/run|/run/lock|/tmp|/var/log/journal) type tmpfs'").stdout
    assert out == "4\n"
    bad = podpy_bb("create", "--systemd=maybe", "busybox", "true", check=False)
    assert bad.returncode == 125
    assert bad.stderr == ('Error: invalid config provided: --systemd values must be one of "true, false, always": '
                          "invalid configuration\n")


def test_userns_host_and_refused_modes(podpy_bb: Podpy) -> None:
    assert podpy_bb("run", "--rm", "--userns=host", "busybox", "cat", "/proc/self/uid_map").stdout.split() == [
        "0", "0", "4294967295"]
    cases = [
        (["--userns=auto"], "Error: --userns=auto is not supported yet (only host)"),
        (["--userns=keep-id"], "Error: keep-id is only supported in rootless mode"),
        (["--userns=bogus"], "Error: unrecognized namespace mode bogus passed"),
        (["--uidmap", "bad"], 'Error: initializing ID mappings: UID setting is malformed expected '
                              '["uint32:uint32:uint32"]: ["bad"]'),
        (["--uidmap", "0:100000:65536"], "Error: --uidmap and --gidmap are not supported yet"),
        (["--gidmap", "0:100000:65536"], "Error: --uidmap and --gidmap are not supported yet"),
    ]
    for flags, message in cases:
        result = podpy_bb("run", "--rm", *flags, "busybox", "true", check=False)
        assert result.returncode == 125 and result.stderr.startswith(message), flags
    assert podpy_bb("ps", "-a", "-q").stdout == ""
