"""create/run security and resource flags, checked from inside real containers (runc, cgroups v1/v2/hybrid)."""

from __future__ import annotations

import os
import shutil

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

BB = "localhost/busybox"


def _status(podpy: Podpy, *flags: str) -> dict[str, str]:
    out = podpy("run", "--rm", *flags, BB, "sh", "-c", "cat /proc/self/status").stdout
    return {k: v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _cap_bits(names: list[str]) -> int:
    from podpy.specgen.security import ALL_CAPABILITIES

    return sum(1 << ALL_CAPABILITIES.index(n) for n in names)


def test_default_caps_seccomp_and_no_new_privileges(podpy_bb: Podpy) -> None:
    from podpy.specgen.oci import DEFAULT_CAPABILITIES

    status = _status(podpy_bb)
    assert int(status["CapEff"], 16) == _cap_bits(list(DEFAULT_CAPABILITIES))
    assert status["Seccomp"] == "2" and status["NoNewPrivs"] == "0"
    status = _status(podpy_bb, "--cap-add", "net_admin", "--cap-drop", "CAP_CHOWN",
                     "--security-opt", "no-new-privileges")
    expected = [c for c in DEFAULT_CAPABILITIES if c != "CAP_CHOWN"] + ["CAP_NET_ADMIN"]
    assert int(status["CapEff"], 16) == _cap_bits(expected)
    assert status["NoNewPrivs"] == "1"
    assert int(_status(podpy_bb, "--cap-drop", "ALL")["CapEff"], 16) == 0
    assert _status(podpy_bb, "--security-opt", "seccomp=unconfined")["Seccomp"] == "0"


def test_seccomp_profile_follows_capabilities() -> None:
    """containers-common's profile, resolved as Podman does: bpf(2) only with CAP_SYS_ADMIN."""
    from podpy.specgen.oci import DEFAULT_CAPABILITIES
    from podpy.specgen.security import SecuritySpec, seccomp_section

    def action(caps: list[str], name: str) -> set[str]:
        section = seccomp_section(SecuritySpec(), caps)
        assert section is not None
        return {rule["action"] for rule in section["syscalls"] if name in rule["names"]}

    assert action(list(DEFAULT_CAPABILITIES), "bpf") <= {"SCMP_ACT_ERRNO"}
    assert "SCMP_ACT_ALLOW" in action([*DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"], "bpf")
    assert "SCMP_ACT_ALLOW" in action(list(DEFAULT_CAPABILITIES), "read")
    assert seccomp_section(SecuritySpec(privileged=True), []) is None


def test_privileged_lifts_what_podman_lifts(podpy_bb: Podpy) -> None:
    from podpy.specgen.security import bounding_capabilities

    status = _status(podpy_bb, "--privileged")
    assert int(status["CapEff"], 16) == _cap_bits(list(bounding_capabilities()))
    assert status["Seccomp"] == "0"
    devices = podpy_bb("run", "--rm", "--privileged", BB, "sh", "-c", "ls /dev").stdout.split()
    assert len(devices) > 10
    mounts = podpy_bb("run", "--rm", "--privileged", BB, "sh", "-c", "cat /proc/self/mountinfo").stdout
    assert " /proc/keys " not in mounts and " /proc/sys " not in mounts


def test_masked_and_readonly_paths(podpy_bb: Podpy) -> None:
    mounts = podpy_bb("run", "--rm", BB, "sh", "-c", "cat /proc/self/mountinfo").stdout
    assert " /proc/keys " in mounts and " /proc/sys " in mounts
    mounts = podpy_bb("run", "--rm", "--security-opt", "unmask=ALL", "--security-opt", "mask=/proc/cpuinfo", BB,
                      "sh", "-c", "cat /proc/self/mountinfo").stdout
    assert " /proc/keys " not in mounts and " /proc/sys " not in mounts and " /proc/cpuinfo " in mounts


def test_cgroup_limits(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "-m", "64m", "--memory-swap", "128m", "--pids-limit", "77", "--cpus", "0.5",
                   "--cpu-shares", "512", "--cpuset-cpus", "0", BB, "sh", "-c",
                   "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max "
                   "/sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares "
                   "/sys/fs/cgroup/cpuset/cpuset.cpus 2>/dev/null || "
                   "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max").stdout.split()
    if len(out) == 5:  # cgroup v1 controllers (v1 or hybrid host)
        assert out == [str(64 << 20), "77", "50000", "512", "0"]
    else:
        assert out[:3] == [str(64 << 20), "77", "50000"]
    default = podpy_bb("run", "--rm", BB, "sh", "-c",
                       "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max").stdout
    assert default.strip() == "2048"


def test_ulimits_devices_groups_oom(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "--ulimit", "nofile=100:200", BB, "sh", "-c", "ulimit -n; ulimit -Hn").stdout
    assert out.split() == ["100", "200"]
    out = podpy_bb("run", "--rm", "--device", "/dev/null:/dev/mynull:rw", BB, "sh", "-c",
                   "ls -l /dev/mynull; echo x > /dev/mynull && echo written").stdout
    assert out.startswith("crw") and "1,   3" in out and "written" in out
    assert "1234" in podpy_bb("run", "--rm", "--group-add", "1234", BB, "busybox", "id", "-G").stdout.split()
    oom = podpy_bb("run", "--rm", "--oom-score-adj", "100", BB, "busybox", "cat", "/proc/self/oom_score_adj")
    assert oom.stdout == "100\n"


@pytest.mark.skipif(not any(os.path.exists(p) for p in ("/usr/libexec/podman/catatonit", "/usr/bin/catatonit")),
                    reason="catatonit is not installed")
def test_init(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "--init", BB, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '").stdout
    assert out.startswith("/run/podman-init -- sh -c")
    assert podpy_bb("run", "--rm", "--init", BB, "sh", "-c", "exit 7", check=False).returncode == 7
    assert shutil.which("true")


def test_pidfile_read_only_tmpfs_annotations_and_inspect(podpy_bb: Podpy, tmp_path: object) -> None:
    pidfile = os.path.join(str(tmp_path), "pid")
    cid = podpy_bb("run", "-d", "--pidfile", pidfile, "--annotation", "team=core", "--stop-signal", "SIGUSR1",
                   "--stop-timeout", "3", "-m", "32m", "--cap-add", "NET_RAW", "--read-only", BB,
                   "sleep", "60").stdout.strip()
    try:
        data = podpy_bb.json("inspect", cid)[0]
        with open(pidfile) as f:
            assert int(f.read()) == data["State"]["Pid"]
        assert data["Config"]["Annotations"]["team"] == "core"
        assert data["Config"]["StopSignal"] == 10 and data["Config"]["StopTimeout"] == 3
        host = data["HostConfig"]
        assert host["Memory"] == 32 << 20 and host["MemorySwap"] == 64 << 20 and host["ReadonlyRootfs"] is True
        assert host["CapAdd"] == ["CAP_NET_RAW"] and host["CapDrop"] == [] and host["Privileged"] is False
        assert "CAP_NET_RAW" in data["EffectiveCaps"]
        assert podpy_bb("exec", cid, "sh", "-c", "touch /tmp/x /run/y /var/tmp/z && echo ok").stdout == "ok\n"
        assert podpy_bb("exec", cid, "busybox", "touch", "/x", check=False).returncode != 0
    finally:
        podpy_bb("rm", "-f", cid)
    out = podpy_bb("run", "--rm", "--read-only", "--read-only-tmpfs=false", BB, "sh", "-c",
                   "touch /tmp/x 2>/dev/null && echo writable || echo read-only").stdout
    assert out == "read-only\n"


@pytest.mark.parametrize(("flags", "message"), [
    (["--cap-add", "BOGUS"], "unknown capability"),
    (["-m", "1k"], "minimum memory limit"),
    (["-m", "lots"], "invalid size"),
    (["--device", "/nonexistent-device"], "stat /nonexistent-device: no such file or directory"),
    (["--security-opt", "seccomp=/nonexistent.json"], "seccomp profile"),
    (["--security-opt", "bogus"], "invalid --security-opt"),
    (["--oom-score-adj", "5000"], "oom_score_adj"),
    (["--cpus", "x"], "--cpus"),
])
def test_bad_flags(podpy_bb: Podpy, flags: list[str], message: str) -> None:
    result = podpy_bb("run", "--rm", *flags, BB, "true", check=False)
    assert result.returncode == 125
    assert result.stderr.startswith("Error: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert podpy_bb("ps", "-a", "-q").stdout == ""
