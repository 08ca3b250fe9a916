from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from podpy.config.loader import EngineConfig, load_config
from podpy.config.locations import ConfigScope
from podpy.errors import ConfigError, UsageError
from podpy.runtime import probe
from podpy.runtime.options import RuntimeOptions
from podpy.runtime.probe import (
    RLIM_INFINITY,
    CgroupInfo,
    Rlimit,
    clamp_rlimits,
    container_rlimits,
    crun_refusal,
    default_rlimits,
    detect_cgroups,
    parse_mountinfo,
    parse_ulimit,
    probe_host,
    runtime_version,
)

IS_ROOT = os.geteuid() == 0


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EngineConfig:
    """The host's runtimes table, no config files, a private runroot."""
    for name in ("CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "STORAGE_DRIVER"):
        monkeypatch.delenv(name, raising=False)
    scope = ConfigScope(usr=str(tmp_path / "usr"), etc=str(tmp_path / "etc"), rootless=False)
    return load_config(root=str(tmp_path / "root"), runroot=str(tmp_path / "run"), storage_driver=None,
                       runtime=None, cgroup_manager=None, scope=scope)


def with_flags(cfg: EngineConfig, **flags: str) -> EngineConfig:
    from podpy.config.loader import GlobalOverrides, apply_overrides

    return apply_overrides(cfg, GlobalOverrides(**flags))


# ---------------------------------------------------------------- ulimits and rlimits

@pytest.mark.parametrize(("text", "expected"), [
    ("nofile=1024:2048", Rlimit("RLIMIT_NOFILE", 2048, 1024)),
    ("nofile=1024", Rlimit("RLIMIT_NOFILE", 1024, 1024)),
    ("nproc=-1", Rlimit("RLIMIT_NPROC", RLIM_INFINITY, RLIM_INFINITY)),
    ("core=unlimited:unlimited", Rlimit("RLIMIT_CORE", RLIM_INFINITY, RLIM_INFINITY)),
    ("memlock=100:-1", Rlimit("RLIMIT_MEMLOCK", RLIM_INFINITY, 100)),
    ("rtprio=0:0", Rlimit("RLIMIT_RTPRIO", 0, 0)),
])
def test_parse_ulimit(text: str, expected: Rlimit) -> None:
    assert parse_ulimit(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("nofile", "invalid ulimit argument: nofile"),
    ("foo=1", "invalid ulimit type: foo"),
    ("as=1", "invalid ulimit type: as"),
    ("nofile=2:1", "ulimit soft limit must be less than or equal to hard limit: 2 > 1"),
    ("nofile=-1:10", "ulimit soft limit must be less than or equal to hard limit: unlimited > 10"),
    ("nofile=1:2:3", "too many limit value arguments - 1:2:3"),
    ("nofile=abc", "invalid ulimit argument: nofile=abc"),
    ("nofile=-5", "invalid ulimit argument: nofile=-5"),
])
def test_parse_ulimit_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_ulimit(text)
    assert str(info.value).startswith(message)


def test_clamp_without_cap_sys_resource() -> None:
    limits = {"RLIMIT_NOFILE": 20000, "RLIMIT_NPROC": 96365, "RLIMIT_CORE": RLIM_INFINITY}
    wanted = [Rlimit("RLIMIT_NOFILE", 1048576, 1048576), Rlimit("RLIMIT_NPROC", 32768, 32768),
              Rlimit("RLIMIT_CORE", RLIM_INFINITY, 0), Rlimit("RLIMIT_NOFILE", 30000, 1024)]
    out, warnings = clamp_rlimits(wanted, hard_limits=limits, can_raise=False, nr_open=1048576)
    assert out == [Rlimit("RLIMIT_NOFILE", 20000, 20000), Rlimit("RLIMIT_NPROC", 32768, 32768),
                   Rlimit("RLIMIT_CORE", RLIM_INFINITY, 0), Rlimit("RLIMIT_NOFILE", 20000, 1024)]
    assert warnings == [
        "RLIMIT_NOFILE 1048576:1048576 lowered to 20000:20000 "
        "(the host's hard limit, and raising it needs CAP_SYS_RESOURCE)",
        "RLIMIT_NOFILE 1024:30000 lowered to 1024:20000 "
        "(the host's hard limit, and raising it needs CAP_SYS_RESOURCE)",
    ]


def test_clamp_with_cap_sys_resource_only_respects_nr_open() -> None:
    wanted = [Rlimit("RLIMIT_NOFILE", 2_000_000, 1_500_000), Rlimit("RLIMIT_NPROC", RLIM_INFINITY, 10)]
    out, warnings = clamp_rlimits(wanted, hard_limits={"RLIMIT_NOFILE": 10, "RLIMIT_NPROC": 10},
                                  can_raise=True, nr_open=1048576)
    assert out == [Rlimit("RLIMIT_NOFILE", 1048576, 1048576), Rlimit("RLIMIT_NPROC", RLIM_INFINITY, 10)]
    assert len(warnings) == 1 and "fs.nr_open" in warnings[0]


def test_clamp_defaults_to_this_process() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    host_hard = RLIM_INFINITY if hard == resource.RLIM_INFINITY else hard
    out, warnings = clamp_rlimits([Rlimit("RLIMIT_NOFILE", RLIM_INFINITY, RLIM_INFINITY)])
    nr_open = int(Path("/proc/sys/fs/nr_open").read_text())
    expected = min(nr_open, RLIM_INFINITY if probe.has_cap_sys_resource() else host_hard)
    assert out == [Rlimit("RLIMIT_NOFILE", expected, expected)] and len(warnings) == 1


def test_default_rlimits_are_podmans() -> None:
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    assert default_rlimits(clamp=False, rootless=False) == [Rlimit("RLIMIT_NOFILE", 1048576, 1048576),
                                                            Rlimit("RLIMIT_NPROC", pid_max, pid_max)]
    clamped = default_rlimits()
    assert clamped == clamp_rlimits(default_rlimits(clamp=False))[0]
    if not probe.has_cap_sys_resource():
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert clamped[0].hard <= hard


def test_container_rlimits_merge_order() -> None:
    chosen, _ = container_rlimits(["nofile=1280:2560", "core=0"], ["nofile=100:200", "nproc=50"])
    by_type = {r.type: r for r in chosen}
    assert by_type["RLIMIT_NOFILE"] == Rlimit("RLIMIT_NOFILE", 200, 100)
    assert by_type["RLIMIT_NPROC"] == Rlimit("RLIMIT_NPROC", 50, 50)
    assert by_type["RLIMIT_CORE"] == Rlimit("RLIMIT_CORE", 0, 0)
    assert container_rlimits([], ["host"]) == ([], [])
    defaults, _ = container_rlimits([])
    assert [r.type for r in defaults] == ["RLIMIT_NOFILE", "RLIMIT_NPROC"]


# ---------------------------------------------------------------- cgroups

V1_LINES = [
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
]
PROC_CGROUPS = ("#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t4\t1\ncpuacct\t1\t4\t1\n"
                "memory\t4\t14\t1\nhugetlb\t0\t3\t1\npids\t8\t4\t0\n")


def fake_reader(files: dict[str, str]) -> Callable[[str], str | None]:
    return files.get


def test_detect_cgroups_v2() -> None:
    mounts = parse_mountinfo("27 1 254:0 / / rw - ext4 /dev/vda rw\n"
                             "31 23 0:28 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n")
    files = {"/sys/fs/cgroup/cgroup.controllers": "cpu io memory\n"}
    info, reasons = detect_cgroups(mounts, fake_reader(files))
    assert info == CgroupInfo("v2", False, ("cpu", "io", "memory"))
    assert crun_refusal(info) is None and "v2" in reasons[0]


def test_detect_cgroups_legacy_with_name_systemd() -> None:
    mounts = parse_mountinfo("\n".join(V1_LINES))
    info, reasons = detect_cgroups(mounts, fake_reader({"/proc/cgroups": PROC_CGROUPS}))
    assert info == CgroupInfo("v1", False, ("cpu", "cpuacct", "memory"))
    assert "legacy" in reasons[0] and "name=systemd" in reasons[0]
    assert crun_refusal(info) is None


def test_detect_cgroups_hybrid() -> None:
    lines = [*V1_LINES, "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"]
    files = {"/proc/cgroups": PROC_CGROUPS, "/sys/fs/cgroup/unified/cgroup.controllers": "hugetlb\n"}
    info, reasons = detect_cgroups(parse_mountinfo("\n".join(lines)), fake_reader(files))
    assert info == CgroupInfo("v1", True, ("cpu", "cpuacct", "memory"), "/sys/fs/cgroup/unified",
                              ("hugetlb",))
    assert crun_refusal(info) == "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
    files["/sys/fs/cgroup/unified/cgroup.controllers"] = "\n"
    info, _ = detect_cgroups(parse_mountinfo("\n".join(lines)), fake_reader(files))
    assert info.hybrid and crun_refusal(info) is None  # crun accepts a hybrid host with an empty cgroup2


def test_mountinfo_unescapes_and_finds_the_mount() -> None:
    mounts = parse_mountinfo("1 0 8:1 / / rw - ext4 /dev/sda rw\n"
                             "2 1 0:5 / /mnt/with\\040space rw - tmpfs tmpfs rw\n"
                             "3 1 0:6 / /mnt rw shared:1 - xfs /dev/sdb rw\n")
    assert mounts[1].mount_point == "/mnt/with space" and mounts[2].fstype == "xfs"
    found = probe.mount_of("/", mounts)
    assert found is not None and found.fstype == "ext4"


def test_cgroups_on_this_host_match_mountinfo() -> None:
    text = Path("/proc/self/mountinfo").read_text()
    info, _ = detect_cgroups(parse_mountinfo(text))
    fstypes = {line.split(" - ")[1].split()[0]: line.split()[4] for line in text.splitlines()
               if " - cgroup" in line}
    root_is_v2 = any(line.split()[4] == "/sys/fs/cgroup" and " - cgroup2 " in line
                     for line in text.splitlines())
    if root_is_v2:
        assert info.version == "v2" and not info.hybrid
    else:
        assert info.version == "v1"
        assert info.hybrid == ("cgroup2" in fstypes)
        enabled = Path("/proc/cgroups").read_text()
        for name in info.controllers:
            assert re.search(rf"^{name}\s", enabled, re.M)


# ---------------------------------------------------------------- the real probe

def test_probe_this_host(cfg: EngineConfig) -> None:
    host = probe_host(cfg)
    assert host.boot_id == Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", host.boot_id)
    assert host.kernel == os.uname().release and host.hostname == os.uname().nodename
    assert host.cpus >= 1 and host.mem_total > 0 and host.arch
    assert host.rootless == (os.geteuid() != 0)
    assert host.graph_root == cfg.storage.graphroot and host.storage_driver == "overlay"
    cgroups, _ = detect_cgroups(parse_mountinfo(Path("/proc/self/mountinfo").read_text()))
    assert (host.cgroup_version, host.cgroup_hybrid) == (cgroups.version, cgroups.hybrid)
    if crun_refusal(cgroups) and shutil.which("runc"):
        assert host.runtime_name == "runc"
        assert any("crun" in r and "skipped" in r for r in host.reasons)
    assert os.access(host.runtime_path, os.X_OK)
    assert host.runtime_version.startswith(f"{host.runtime_name} version")
    assert host.cgroup_manager in ("cgroupfs", "systemd")
    if not os.path.isdir("/run/systemd/system"):
        assert host.cgroup_manager == "cgroupfs"
    status = Path("/proc/self/status").read_text()
    cap_eff = int(re.search(r"^CapEff:\s*([0-9a-f]+)", status, re.M).group(1), 16)  # type: ignore[union-attr]
    assert host.cap_sys_resource == bool(cap_eff & (1 << 24)) == host.can_lower_oom_score
    assert ("overlay" in Path("/proc/filesystems").read_text()) == host.overlay_supported
    by_type = {r.type: r for r in host.rlimits}
    _, nofile_hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert by_type["RLIMIT_NOFILE"].hard in (nofile_hard, RLIM_INFINITY)
    assert host.reasons and all(isinstance(r, str) for r in host.reasons)


def test_probe_accepts_runtime_options(cfg: EngineConfig) -> None:
    opts = RuntimeOptions(graph_root=cfg.storage.graphroot, run_root=cfg.storage.runroot, config=cfg,
                          runtime_name="runc" if shutil.which("runc") else None)
    host = probe_host(opts)
    assert host.run_root == cfg.storage.runroot
    if opts.runtime_name:
        assert host.runtime_name == "runc" and any("--runtime" in r for r in host.reasons)


@pytest.mark.skipif(shutil.which("runc") is None, reason="needs runc")
def test_runtime_flag_by_path_and_unknown_name(cfg: EngineConfig) -> None:
    runc = shutil.which("runc")
    assert runc is not None
    host = probe_host(with_flags(cfg, runtime=runc))
    assert (host.runtime_name, host.runtime_path) == ("runc", runc)
    with pytest.raises(ConfigError, match='default OCI runtime "nosuch" not found'):
        probe_host(with_flags(cfg, runtime="nosuch"))


def test_cgroup_manager_choice(cfg: EngineConfig) -> None:
    flagged = probe_host(with_flags(cfg, cgroup_manager="systemd"))
    assert flagged.cgroup_manager == "systemd" and any("--cgroup-manager" in r for r in flagged.reasons)
    if not probe.systemd_is_init():
        from podpy.util.record import replace

        engine = replace(cfg.containers.engine, cgroup_manager="systemd")
        asked = replace(cfg, containers=replace(cfg.containers, engine=engine))
        host = probe_host(asked)
        # As Podman (root): kept, and containers refuse to start with runc's reason.
        assert host.cgroup_manager == "systemd" and any("systemd is not PID 1" in r for r in host.reasons)
        assert "systemd not running on this host" in probe.systemd_refusal("systemd", "runc")
    assert probe.systemd_refusal("cgroupfs", "runc") == ""


def test_runtime_version_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "fake-runtime"
    runtime.write_text("#!/bin/sh\necho \"fake version 1.0\"\necho \"$$\" >> \"$0.calls\"\n")
    runtime.chmod(0o755)
    calls = tmp_path / "fake-runtime.calls"
    run_root = str(tmp_path / "run")

    def version(boot: str = "boot-a", use_cache: bool = True) -> str:
        return runtime_version(str(runtime), run_root=run_root, boot_id=boot, use_cache=use_cache)

    assert version() == "fake version 1.0"
    assert version() == "fake version 1.0"
    assert len(calls.read_text().split()) == 1
    cache = json.loads((tmp_path / "run" / probe.VERSION_CACHE).read_text())
    assert cache[str(runtime)]["key"]["boot_id"] == "boot-a"
    version(boot="boot-b")  # a reboot invalidates
    assert len(calls.read_text().split()) == 2
    version(boot="boot-b", use_cache=False)
    assert len(calls.read_text().split()) == 3
    os.utime(runtime, ns=(0, 1_000_000_000))  # a new binary invalidates
    version(boot="boot-b")
    assert len(calls.read_text().split()) == 4

    def no_exec(*args: object, **kwargs: object) -> None:
        raise AssertionError("must come from the cache")

    monkeypatch.setattr(subprocess, "run", no_exec)
    assert version(boot="boot-b") == "fake version 1.0"


def test_probe_twice_execs_the_runtime_once(cfg: EngineConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    first = probe_host(cfg)

    def no_exec(*args: object, **kwargs: object) -> None:
        raise AssertionError("the second probe must not exec the runtime")

    monkeypatch.setattr(subprocess, "run", no_exec)
    assert probe_host(cfg).runtime_version == first.runtime_version


@pytest.mark.skipif(not (IS_ROOT and shutil.which("crun") and os.path.exists("/bin/busybox")),
                    reason="needs root, crun and busybox-static")
def test_crun_refusal_prediction_matches_real_crun(tmp_path: Path) -> None:
    """Run crun for real: it fails exactly when the probe predicts it (hybrid with cgroup2 controllers)."""
    crun = shutil.which("crun")
    assert crun is not None
    bundle = tmp_path / "bundle"
    (bundle / "rootfs/bin").mkdir(parents=True)
    shutil.copy("/bin/busybox", bundle / "rootfs/bin/busybox")
    os.symlink("busybox", bundle / "rootfs/bin/true")
    subprocess.run([crun, "spec"], cwd=bundle, check=True)
    spec = json.loads((bundle / "config.json").read_text())
    spec["process"]["args"] = ["/bin/true"]
    spec["process"]["terminal"] = False
    (bundle / "config.json").write_text(json.dumps(spec))
    state = str(tmp_path / "state")
    name = f"podpy-probe-test-{os.getpid()}"
    try:
        proc = subprocess.run([crun, "--root", state, "run", "--bundle", str(bundle), name],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([crun, "--root", state, "delete", "--force", name], capture_output=True, timeout=60)
    cgroups, _ = detect_cgroups(parse_mountinfo(Path("/proc/self/mountinfo").read_text()))
    refusal = crun_refusal(cgroups)
    if refusal is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0 and refusal in proc.stderr
