"""The host probe: what this machine offers and which runtime, cgroup manager and limits podpy uses.

Everything is read from /proc, /sys and a few stats; the one exec
(``RUNTIME --version``) is cached under the runroot, keyed by the binary's
path, mtime and the boot id, so the ``run`` hot path never pays for it
twice.  Each choice is explained in ``HostInfo.reasons`` (``podpy info``,
debug logs).  Rlimit helpers live here too because their clamping depends
on the probed capabilities and hard limits.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Mapping, Sequence

from podpy.config.loader import EngineConfig, GlobalOverrides, apply_overrides, load_config
from podpy.errors import ConfigError, UsageError
from podpy.runtime.options import RuntimeOptions
from podpy.util.atomic import atomic_write
from podpy.util.record import field, record

RLIM_INFINITY = 2**64 - 1  # as the OCI spec writes "unlimited" (uint64)
RLIMIT_DEFAULT_VALUE = 1048576  # Podman's define.RLimitDefaultValue
CAP_SYS_RESOURCE = 24
BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id"
VERSION_CACHE = "runtime-versions.json"
ULIMIT_NAMES = ("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc",
                "rss", "rtprio", "rttime", "sigpending", "stack")  # docker/go-units: "as" is not accepted
_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "armv6l": "arm", "i686": "386",
            "i386": "386", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
_NO_OVERLAY_UPPER = ("overlay", "aufs", "nfs", "nfs4", "cifs", "smb3", "ecryptfs")


# ---------------------------------------------------------------- rlimits

@record
class Rlimit:
    type: str  # "RLIMIT_NOFILE"
    hard: int  # RLIM_INFINITY for unlimited
    soft: int


def _limit_value(text: str, ulimit: str) -> int:
    if text == "unlimited" or text == "-1":
        return RLIM_INFINITY
    try:
        value = int(text, 10)
    except ValueError:
        raise UsageError(f"invalid ulimit argument: {ulimit}: {text!r} is not a number") from None
    if value < 0:
        raise UsageError(f"invalid ulimit argument: {ulimit}: limits are -1 (unlimited) or positive")
    return value


def parse_ulimit(text: str) -> Rlimit:
    """Podman's ``name=soft[:hard]``; one value sets both, and -1 or "unlimited" means no limit."""
    name, sep, values = text.partition("=")
    if not sep:
        raise UsageError(f"invalid ulimit argument: {text}")
    if name.lower() not in ULIMIT_NAMES:
        raise UsageError(f"invalid ulimit type: {name}")
    parts = values.split(":")
    if len(parts) > 2:
        raise UsageError(f"too many limit value arguments - {values}, can only have up to two, `soft[:hard]`")
    soft = _limit_value(parts[0], text)
    hard = _limit_value(parts[1], text) if len(parts) == 2 else soft
    if soft > hard:
        raise UsageError(f"ulimit soft limit must be less than or equal to hard limit: "
                         f"{_fmt(soft)} > {_fmt(hard)}")
    return Rlimit(type=f"RLIMIT_{name.upper()}", hard=hard, soft=soft)


def _fmt(value: int) -> str:
    return "unlimited" if value == RLIM_INFINITY else str(value)


def _from_resource(value: int) -> int:
    return RLIM_INFINITY if value == resource.RLIM_INFINITY else value


def host_rlimits() -> tuple[Rlimit, ...]:
    """This process's limits, which the OCI runtime inherits."""
    out = []
    for name in dir(resource):
        if name.startswith("RLIMIT_") and name != "RLIMIT_OFILE":
            soft, hard = resource.getrlimit(getattr(resource, name))
            out.append(Rlimit(type=name, hard=_from_resource(hard), soft=_from_resource(soft)))
    return tuple(out)


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _read_int(path: str, default: int) -> int:
    try:
        return int((_read(path) or "").strip())
    except ValueError:
        return default


def _cap_effective() -> int:
    for line in (_read("/proc/self/status") or "").splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def has_cap_sys_resource() -> bool:
    return bool(_cap_effective() >> CAP_SYS_RESOURCE & 1)


def clamp_rlimits(requested: Sequence[Rlimit], *, hard_limits: Mapping[str, int] | None = None,
                  can_raise: bool | None = None, nr_open: int | None = None
                  ) -> tuple[list[Rlimit], list[str]]:
    """Lower limits the runtime could not set, with one warning per clamped rlimit.

    Without CAP_SYS_RESOURCE no limit may exceed this process's hard limit
    (runc fails with "operation not permitted"); RLIMIT_NOFILE can never
    exceed fs.nr_open.  The keyword arguments default to this process's
    values and exist for tests.
    """
    if can_raise is None:
        can_raise = has_cap_sys_resource()
    if hard_limits is None:
        hard_limits = {r.type: r.hard for r in host_rlimits()}
    if nr_open is None:
        nr_open = _read_int("/proc/sys/fs/nr_open", RLIMIT_DEFAULT_VALUE)
    out: list[Rlimit] = []
    warnings: list[str] = []
    for r in requested:
        ceiling = RLIM_INFINITY if can_raise else hard_limits.get(r.type, RLIM_INFINITY)
        why = "the host's hard limit, and raising it needs CAP_SYS_RESOURCE"
        if r.type == "RLIMIT_NOFILE" and nr_open < ceiling:
            ceiling, why = nr_open, "fs.nr_open"
        hard, soft = min(r.hard, ceiling), min(r.soft, ceiling)
        if (hard, soft) != (r.hard, r.soft):
            warnings.append(f"{r.type} {_fmt(r.soft)}:{_fmt(r.hard)} lowered to {_fmt(soft)}:{_fmt(hard)} "
                            f"({why})")
        out.append(Rlimit(type=r.type, hard=hard, soft=soft))
    return out, warnings


def _podman_defaults(rootless: bool) -> list[Rlimit]:
    nproc = _read_int("/proc/sys/kernel/pid_max", RLIMIT_DEFAULT_VALUE)
    wanted = [Rlimit("RLIMIT_NOFILE", RLIMIT_DEFAULT_VALUE, RLIMIT_DEFAULT_VALUE),
              Rlimit("RLIMIT_NPROC", nproc, nproc)]
    if not rootless:
        return wanted
    current = {r.type: r for r in host_rlimits()}
    return [Rlimit(r.type, min(r.hard, current[r.type].hard), min(r.soft, current[r.type].soft))
            for r in wanted]


def default_rlimits(*, clamp: bool = True, rootless: bool | None = None) -> list[Rlimit]:
    """Podman 4.3's limits when none are configured: nofile 1048576, nproc kernel.pid_max; clamped.

    (Podman takes nproc from containers.conf's built-in default_ulimits,
    which is pid_max as root; rootless it keeps the current limits when lower.)
    """
    wanted = _podman_defaults(os.geteuid() != 0 if rootless is None else rootless)
    return clamp_rlimits(wanted)[0] if clamp else wanted


def container_rlimits(default_ulimits: Sequence[str], ulimits: Sequence[str] = ()
                      ) -> tuple[list[Rlimit], list[str]]:
    """The rlimits for one container: ``--ulimit`` over containers.conf over Podman's nofile/nproc defaults.

    ``--ulimit host`` means no rlimits in the spec (the runtime's are inherited).
    """
    if "host" in ulimits:
        return [], []
    chosen: dict[str, Rlimit] = {r.type: r for r in default_rlimits(clamp=False)}
    for text in (*default_ulimits, *ulimits):
        r = parse_ulimit(text)
        chosen[r.type] = r
    return clamp_rlimits(list(chosen.values()))


# ---------------------------------------------------------------- cgroups and mounts

@record
class Mount:
    mount_point: str
    fstype: str
    source: str
    super_options: str


def _unescape(field_text: str) -> str:
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field_text = field_text.replace(code, char)
    return field_text


def parse_mountinfo(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            sep = fields.index("-", 6)
            mounts.append(Mount(mount_point=_unescape(fields[4]), fstype=fields[sep + 1],
                                source=fields[sep + 2], super_options=fields[sep + 3]))
        except (ValueError, IndexError):
            continue
    return mounts


@record
class CgroupInfo:
    version: str  # "v2" (unified only) or "v1" (legacy, or hybrid), as Podman's cgroupVersion
    hybrid: bool  # v1 controllers plus a cgroup2 hierarchy (systemd's "hybrid" layout)
    controllers: tuple[str, ...]
    unified_mount: str = ""  # where the hybrid layout's cgroup2 hierarchy is mounted
    unified_controllers: tuple[str, ...] = ()  # controllers enabled on that cgroup2 hierarchy


def detect_cgroups(mounts: Sequence[Mount], read: Callable[[str], str | None] = _read
                   ) -> tuple[CgroupInfo, list[str]]:
    """Classify the cgroup layout from the mount table (as crun does, but without statfs)."""
    root = next((m for m in reversed(mounts) if m.mount_point == "/sys/fs/cgroup"), None)
    if root is not None and root.fstype == "cgroup2":
        enabled = tuple((read("/sys/fs/cgroup/cgroup.controllers") or "").split())
        return CgroupInfo("v2", False, enabled), ["cgroups v2: cgroup2 is mounted on /sys/fs/cgroup"]
    v1 = [m for m in mounts if m.fstype == "cgroup"]
    v2 = next((m for m in mounts if m.fstype == "cgroup2" and m.mount_point.startswith("/sys/fs/cgroup/")),
              None)
    mounted = {opt for m in v1 for opt in m.super_options.split(",")}
    controllers: list[str] = []
    for line in (read("/proc/cgroups") or "").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 4 and parts[3] == "1" and parts[0] in mounted:
            controllers.append(parts[0])
    if v2 is None:
        named = " (with a name=systemd hierarchy)" if "name=systemd" in mounted else ""
        return (CgroupInfo("v1", False, tuple(controllers)),
                [f"cgroups v1 (legacy): {len(v1)} v1 hierarchies{named}, no cgroup2 mount"])
    unified = tuple((read(os.path.join(v2.mount_point, "cgroup.controllers")) or "").split())
    listed = ", ".join(unified) or "none"
    return (CgroupInfo("v1", True, tuple(controllers), v2.mount_point, unified),
            [f"cgroups v1 hybrid: v1 controllers plus cgroup2 on {v2.mount_point} "
             f"(its controllers: {listed})"])


def crun_refusal(cgroups: CgroupInfo) -> str | None:
    """crun's own error when it would refuse every container on this host, else None.

    crun (checked with 1.8.1 here) rejects the hybrid layout as soon as the
    cgroup2 hierarchy has any controller; pure v1 and v2 hosts work.
    """
    if cgroups.hybrid and cgroups.unified_controllers:
        return "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
    return None


def systemd_is_init() -> bool:
    return os.path.isdir("/run/systemd/system") and (_read("/proc/1/comm") or "").strip() == "systemd"


def mount_of(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The mount holding ``path`` (or its nearest existing ancestor)."""
    path = os.path.realpath(path)
    while not os.path.exists(path) and path != "/":
        path = os.path.dirname(path)
    best: Mount | None = None
    for m in mounts:  # later entries shadow earlier ones at the same point
        point = m.mount_point.rstrip("/") or "/"
        inside = path == point or path.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = m
    return best


# ---------------------------------------------------------------- host info

@record
class OsRelease:
    distribution: str = ""  # ID
    version: str = ""  # VERSION_ID
    codename: str = ""  # VERSION_CODENAME
    pretty_name: str = ""


@record
class HostInfo:
    kernel: str
    os: OsRelease
    arch: str  # Go's name, as Podman reports it ("amd64")
    hostname: str
    cpus: int
    mem_total: int  # bytes
    mem_free: int
    swap_total: int
    swap_free: int
    uptime_seconds: float
    boot_id: str
    rootless: bool
    cgroup_version: str  # "v1" | "v2"
    cgroup_hybrid: bool
    cgroup_controllers: tuple[str, ...]
    cgroup_manager: str  # "cgroupfs" | "systemd"
    runtime_name: str
    runtime_path: str
    runtime_version: str
    cap_sys_resource: bool
    oom_score_adj: int
    can_lower_oom_score: bool
    overlay_supported: bool  # the kernel lists overlay in /proc/filesystems
    graph_root_fstype: str
    overlay_usable: bool  # ... and the graphroot's filesystem can hold overlay upper dirs
    storage_driver: str
    graph_root: str
    run_root: str
    rlimits: tuple[Rlimit, ...]  # this process's limits (hard limits bound the containers')
    reasons: list[str] = field(default_factory=list)


def read_boot_id() -> str:
    return (_read(BOOT_ID_FILE) or "").strip()


def _os_release() -> OsRelease:
    values: dict[str, str] = {}
    for line in (_read("/etc/os-release") or _read("/usr/lib/os-release") or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip("\"'")
    return OsRelease(values.get("ID", ""), values.get("VERSION_ID", ""), values.get("VERSION_CODENAME", ""),
                     values.get("PRETTY_NAME", ""))


def _meminfo() -> dict[str, int]:
    out: dict[str, int] = {}
    for line in (_read("/proc/meminfo") or "").splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[key] = int(parts[0]) * (1024 if parts[1:] == ["kB"] else 1)
    return out


def _as_config(config: EngineConfig | RuntimeOptions) -> EngineConfig:
    if isinstance(config, EngineConfig):
        return config
    flags = GlobalOverrides(root=config.graph_root, runroot=config.run_root,
                            storage_driver=config.storage_driver, runtime=config.runtime_name,
                            cgroup_manager=config.cgroup_manager)
    if config.config is None:
        return load_config(root=flags.root, runroot=flags.runroot, storage_driver=flags.storage_driver,
                           runtime=flags.runtime, cgroup_manager=flags.cgroup_manager)
    return apply_overrides(config.config, flags)


def find_runtime(cfg: EngineConfig, name: str) -> str | None:
    """The runtime binary for a name (from ``[engine.runtimes]``) or an absolute path."""
    candidates = (name,) if "/" in name else cfg.containers.engine.runtime_paths(name)
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def choose_runtime(cfg: EngineConfig, cgroups: CgroupInfo, reasons: list[str]) -> tuple[str, str]:
    """(name, path): the flag's or containers.conf's runtime, else crun, else runc."""
    refusal = crun_refusal(cgroups)
    asked = cfg.containers.engine.runtime
    if asked:
        source = "--runtime" if cfg.overrides.runtime else "containers.conf engine.runtime"
        path = find_runtime(cfg, asked)
        if path is None:
            raise ConfigError(f'default OCI runtime "{asked}" not found: invalid argument')
        name = os.path.basename(path) if "/" in asked else asked
        reasons.append(f"OCI runtime {name} ({path}): chosen by {source}")
        if name == "crun" and refusal:
            reasons.append(f"warning: crun will refuse containers on this host: {refusal}")
        return name, path
    for name in ("crun", "runc"):
        path = find_runtime(cfg, name)
        if path is None:
            reasons.append(f"OCI runtime {name}: not found in engine.runtimes.{name}")
        elif name == "crun" and refusal:
            reasons.append(f"OCI runtime crun ({path}) skipped: it fails on this host: {refusal}")
        else:
            reasons.append(f"OCI runtime {name} ({path}): first usable of crun, runc")
            return name, path
    path = find_runtime(cfg, "crun")
    if path is not None:
        reasons.append("OCI runtime crun: the only one installed, although it will likely fail here")
        return "crun", path
    raise ConfigError('default OCI runtime "crun" not found: invalid argument',
                      hint="install crun or runc, or list its path in containers.conf [engine.runtimes]")


def choose_cgroup_manager(cfg: EngineConfig, cgroups: CgroupInfo, rootless: bool, reasons: list[str]) -> str:
    asked = cfg.containers.engine.cgroup_manager
    systemd = systemd_is_init()
    flag = cfg.overrides.cgroup_manager
    if flag:
        reasons.append(f"cgroup manager {flag}: chosen by --cgroup-manager")
        return flag
    if asked == "systemd" and rootless and cgroups.version == "v1":
        reasons.append("cgroup manager cgroupfs: rootless on cgroups v1 cannot use systemd")
        return "cgroupfs"
    if asked:
        # Podman (as root) keeps it without systemd too: containers then fail to start (see systemd_refusal).
        late = "" if asked != "systemd" or systemd else " (systemd is not PID 1: containers will not start)"
        reasons.append(f"cgroup manager {asked}: chosen by containers.conf engine.cgroup_manager{late}")
        return asked
    if systemd and not (rootless and cgroups.version == "v1"):
        reasons.append("cgroup manager systemd: systemd is PID 1")
        return "systemd"
    reasons.append("cgroup manager cgroupfs: systemd is not PID 1 (no /run/systemd/system)"
                   if not systemd else "cgroup manager cgroupfs: rootless on cgroups v1")
    return "cgroupfs"


def systemd_refusal(cgroup_manager: str, runtime_name: str) -> str:
    """Why no container can start with this cgroup manager ("" if one can): runc's words, which Podman shows."""
    if cgroup_manager != "systemd" or systemd_is_init():
        return ""
    return f"{runtime_name}: systemd not running on this host, cannot use systemd cgroups manager: OCI runtime error"


def runtime_version(path: str, *, run_root: str, boot_id: str, use_cache: bool = True) -> str:
    """``RUNTIME --version``, cached in ``<runroot>/runtime-versions.json`` per binary, mtime and boot."""
    import json

    try:
        st = os.stat(path)
    except OSError:
        return ""
    key = {"mtime_ns": st.st_mtime_ns, "size": st.st_size, "boot_id": boot_id}
    cache_file = os.path.join(run_root, VERSION_CACHE)
    cache: dict[str, object] = {}
    try:
        with open(cache_file) as f:
            loaded = json.load(f)
        if isinstance(loaded, dict):
            cache = loaded
    except (OSError, ValueError):
        pass
    entry = cache.get(path)
    if use_cache and isinstance(entry, dict) and entry.get("key") == key:
        cached = entry.get("version")
        if isinstance(cached, str) and cached:
            return cached
    import subprocess

    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
        version = proc.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    if not version:
        return ""
    cache[path] = {"key": key, "version": version}
    try:
        os.makedirs(run_root, exist_ok=True)
        atomic_write(cache_file, json.dumps(cache, indent=1).encode(), fsync=False)
    except OSError:
        pass  # a read-only or foreign runroot only costs the exec next time
    return version


def _overlay(cfg: EngineConfig, mounts: Sequence[Mount], reasons: list[str]) -> tuple[bool, str, bool]:
    kernel = any(line.split()[-1:] == ["overlay"] for line in (_read("/proc/filesystems") or "").splitlines())
    mount = mount_of(cfg.storage.graphroot, mounts)
    fstype = mount.fstype if mount is not None else ""
    upper_ok = bool(fstype) and fstype not in _NO_OVERLAY_UPPER and not fstype.startswith("fuse")
    usable = kernel and upper_ok
    if not kernel:
        reasons.append("overlay: not listed in /proc/filesystems (module not loaded?)")
    elif not upper_ok:
        reasons.append(f"overlay: graphroot {cfg.storage.graphroot} is on {fstype or 'an unknown fs'}, "
                       f"which cannot hold overlay upper directories")
    else:
        reasons.append(f"overlay: supported by the kernel, graphroot is on {fstype}")
    if cfg.storage.driver == "overlay" and not usable:
        reasons.append("warning: storage driver overlay is configured but not usable here")
    return kernel, fstype, usable


def probe_host(config: EngineConfig | RuntimeOptions, *, use_cache: bool = True) -> HostInfo:
    """Gather HostInfo; raises ConfigError when no usable OCI runtime exists."""
    cfg = _as_config(config)
    reasons: list[str] = []
    rootless = os.geteuid() != 0
    mounts = parse_mountinfo(_read("/proc/self/mountinfo") or "")
    cgroups, cg_reasons = detect_cgroups(mounts)
    reasons += cg_reasons
    manager = choose_cgroup_manager(cfg, cgroups, rootless, reasons)
    name, path = choose_runtime(cfg, cgroups, reasons)
    boot_id = read_boot_id()
    version = runtime_version(path, run_root=cfg.storage.runroot, boot_id=boot_id, use_cache=use_cache)
    if not version:
        reasons.append(f"warning: {path} --version printed nothing")
    cap = has_cap_sys_resource()
    oom = _read_int("/proc/self/oom_score_adj", 0)
    reasons.append("CAP_SYS_RESOURCE: held; rlimits may be raised and the OOM score lowered" if cap else
                   f"CAP_SYS_RESOURCE: missing; rlimits are clamped to this process's hard limits and the "
                   f"OOM score cannot go below {oom}")
    kernel_overlay, fstype, overlay_usable = _overlay(cfg, mounts, reasons)
    mem = _meminfo()
    uname = os.uname()
    try:
        uptime = float((_read("/proc/uptime") or "0").split()[0])
    except (ValueError, IndexError):
        uptime = 0.0
    return HostInfo(
        kernel=uname.release, os=_os_release(), arch=_GO_ARCH.get(uname.machine, uname.machine),
        hostname=uname.nodename, cpus=len(os.sched_getaffinity(0)), mem_total=mem.get("MemTotal", 0),
        mem_free=mem.get("MemFree", 0), swap_total=mem.get("SwapTotal", 0), swap_free=mem.get("SwapFree", 0),
        uptime_seconds=uptime, boot_id=boot_id, rootless=rootless, cgroup_version=cgroups.version,
        cgroup_hybrid=cgroups.hybrid, cgroup_controllers=cgroups.controllers, cgroup_manager=manager,
        runtime_name=name, runtime_path=path, runtime_version=version, cap_sys_resource=cap,
        oom_score_adj=oom, can_lower_oom_score=cap, overlay_supported=kernel_overlay,
        graph_root_fstype=fstype,
        overlay_usable=overlay_usable, storage_driver=cfg.storage.driver, graph_root=cfg.storage.graphroot,
        run_root=cfg.storage.runroot, rlimits=host_rlimits(), reasons=reasons,
    )
