"""Turning a validated SpecGenerator plus the image's defaults into an OCI runtime spec (Podman's defaults)."""

from __future__ import annotations

from podpy.config.containers_conf import DEFAULT_CAPABILITIES as CONF_DEFAULT_CAPABILITIES
from podpy.specgen.generator import SpecGenerator
from podpy.specgen.user import ResolvedUser
from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

DEFAULT_CAPABILITIES = tuple(f"CAP_{name}" for name in CONF_DEFAULT_CAPABILITIES)

MASKED_PATHS = (
    "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux",
    "/sys/dev/block",
)
READONLY_PATHS = ("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")


@record
class ImageDefaults:
    """What the image's config contributes to the process."""

    env: list[str] = field(default_factory=list)
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    workdir: str = ""
    user: str = ""
    stop_signal: str = ""


@record
class Rlimit:
    type: str
    soft: int
    hard: int


@record
class HostFiles:
    """Per-container files bind-mounted into the rootfs."""

    hosts: str
    hostname: str
    resolv_conf: str
    containerenv: str


def process_args(gen: SpecGenerator, image: ImageDefaults) -> list[str]:
    """Docker's rule: entrypoint + command, where a given entrypoint drops the image's CMD."""
    entrypoint = image.entrypoint if gen.basic.entrypoint is None else gen.basic.entrypoint
    if gen.basic.command:
        command = gen.basic.command
    elif gen.basic.entrypoint is not None:
        command = []
    else:
        command = image.cmd
    return [*entrypoint, *command]


def merged_env(gen: SpecGenerator, image: ImageDefaults, *, hostname: str, home: str) -> list[str]:
    env: dict[str, str] = {"PATH": DEFAULT_PATH}
    for item in image.env:
        key, _, value = item.partition("=")
        env[key] = value
    env.update(gen.basic.env)
    if gen.basic.terminal:
        env.setdefault("TERM", "xterm")
    env.setdefault("container", "podman")
    env.setdefault("HOSTNAME", hostname)
    env.setdefault("HOME", home)
    return [f"{k}={v}" for k, v in env.items()]


def _mount(dest: str, mtype: str, source: str, options: list[str]) -> dict[str, Any]:
    return {"destination": dest, "type": mtype, "source": source, "options": options}


def default_mounts(files: HostFiles, *, read_only: bool) -> list[dict[str, Any]]:
    bind_opts = ["rbind", "ro" if read_only else "rw", "nosuid", "nodev", "noexec"]
    return [
        _mount("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
        _mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        _mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        _mount("/dev/pts", "devpts", "devpts",
               ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        _mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        _mount("/sys/fs/cgroup", "cgroup", "cgroup", ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]),
        _mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        _mount("/etc/hosts", "bind", files.hosts, ["rbind", "rw", "nosuid", "nodev", "noexec"]),
        _mount("/etc/hostname", "bind", files.hostname, ["rbind", "rw", "nosuid", "nodev", "noexec"]),
        _mount("/etc/resolv.conf", "bind", files.resolv_conf, ["rbind", "rw", "nosuid", "nodev", "noexec"]),
        _mount("/run/.containerenv", "bind", files.containerenv, bind_opts),
    ]


def _with_user_mounts(defaults: list[dict[str, Any]], gen: SpecGenerator) -> list[dict[str, Any]]:
    """The user's mounts win over a default at the same destination."""
    taken = {m.destination for m in gen.storage.mounts}
    return [m for m in defaults if m["destination"] not in taken] + [m.to_oci() for m in gen.storage.mounts]


INIT_PATH_IN_CONTAINER = "/run/podman-init"
_READ_ONLY_TMPFS = ("/run", "/tmp", "/var/tmp")


@record
class HostDefaults:
    """What containers.conf contributes to every container's spec."""

    capabilities: tuple[str, ...] = DEFAULT_CAPABILITIES
    pids_limit: int = 2048
    init_path: str = "/usr/libexec/podman/catatonit"
    cgroup_v2: bool = False  # for --systemd: the cgroup mount is made writable on v2


def _extra_mounts(gen: SpecGenerator, host: HostDefaults) -> list[dict[str, Any]]:
    mounts = []
    if gen.storage.read_only and gen.storage.read_only_tmpfs:
        taken = {m.destination for m in gen.storage.mounts}
        mounts += [_mount(d, "tmpfs", "tmpfs", ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"])
                   for d in _READ_ONLY_TMPFS if d not in taken]
    if gen.basic.init:
        mounts.append(_mount(INIT_PATH_IN_CONTAINER, "bind", gen.basic.init_path or host.init_path,
                             ["bind", "ro", "rprivate"]))
    return mounts


def build_oci_spec(gen: SpecGenerator, image: ImageDefaults, *, rootfs: str, user: ResolvedUser,
                   hostname: str, files: HostFiles, rlimits: list[Rlimit], cgroups_path: str,
                   annotations: dict[str, str], console_size: tuple[int, int] | None = None,
                   host: HostDefaults | None = None) -> dict[str, Any]:
    """``console_size``: (rows, cols) the pty starts with (-t), so the process never sees 0x0."""
    from podpy.specgen import resources as res
    from podpy.specgen import security as sec

    host = host or HostDefaults()
    security = gen.security
    caps = sec.capabilities(security, tuple(sec.normalize_capability(c) for c in host.capabilities))
    namespaces = [{"type": t} for t in ("pid", "ipc", "uts", "mount")]
    if gen.network.mode != "host":
        namespaces.append({"type": "network"})
    args = process_args(gen, image)
    if gen.basic.init:
        args = [INIT_PATH_IN_CONTAINER, "--", *args]
    process: dict[str, Any] = {
        "terminal": gen.basic.terminal,
        "user": {"uid": user.uid, "gid": user.gid,
                 **({"additionalGids": list(user.additional_gids)} if user.additional_gids else {})},
        "args": args,
        "env": merged_env(gen, image, hostname=hostname, home=user.home),
        "cwd": gen.basic.workdir or image.workdir or "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "rlimits": [{"type": r.type, "hard": r.hard, "soft": r.soft} for r in rlimits],
        "noNewPrivileges": security.no_new_privileges,
    }
    if security.oom_score_adj is not None:
        process["oomScoreAdj"] = security.oom_score_adj
    if gen.basic.terminal and console_size:
        process["consoleSize"] = {"height": console_size[0], "width": console_size[1]}
    mounts = _with_user_mounts(default_mounts(files, read_only=gen.storage.read_only), gen)
    if security.privileged:
        for mount in mounts:
            if mount["destination"] in ("/sys", "/sys/fs/cgroup"):
                mount["options"] = [o for o in mount["options"] if o != "ro"] + ["rw"]
        devices = res.host_devices()
        device_rules: list[dict[str, Any]] = [{"allow": True, "access": "rwm"}]
    else:
        devices, allowed = res.oci_devices(gen.resources.devices)
        device_rules = [{"allow": False, "access": "rwm"}, *allowed]
    linux: dict[str, Any] = {
        "resources": {"devices": device_rules,
                      **res.cgroup_resources(gen.resources, default_pids_limit=host.pids_limit)},
        "cgroupsPath": cgroups_path,
        "namespaces": namespaces,
        "maskedPaths": sec.masked_paths(security, MASKED_PATHS),
        "readonlyPaths": sec.readonly_paths(security, READONLY_PATHS),
    }
    if devices:
        linux["devices"] = devices
    seccomp = sec.seccomp_section(security, caps)
    if seccomp is not None:
        linux["seccomp"] = seccomp
    spec: dict[str, Any] = {
        "ociVersion": "1.0.2-dev",
        "process": process,
        "root": {"path": rootfs, "readonly": gen.storage.read_only},
        "hostname": hostname,
        "mounts": [*mounts, *_extra_mounts(gen, host)],
        "annotations": annotations,
        "linux": linux,
    }
    if gen.basic.systemd_mode:
        from podpy.specgen import systemd

        systemd.adjust_spec(spec, taken={m["destination"] for m in spec["mounts"]}, cgroup_v2=host.cgroup_v2)
    return spec
