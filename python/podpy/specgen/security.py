"""The security section of a container: capabilities, no-new-privileges, seccomp, masked paths, privileged.

Podman's rules: the default capability set from containers.conf (or Podman's eleven), `--cap-add` and
`--cap-drop` applied in that order with `ALL` on either side, `--privileged` giving every capability and
dropping seccomp and the masked and read-only /proc and /sys paths (and no more), and the default seccomp
profile taken from containers-common's seccomp.json when the system has one.
"""

from __future__ import annotations

import os

from podpy.errors import UsageError
from podpy.util.jsonfast import loads
from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SECCOMP_UNCONFINED = "unconfined"
SYSTEM_SECCOMP_PATHS = ("/etc/containers/seccomp.json", "/usr/share/containers/seccomp.json")

# Every capability the kernel knows today (capability.h), for ALL and for --privileged.
ALL_CAPABILITIES = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
)

# Syscalls Docker's and Podman's default profiles refuse to unprivileged containers; the profile of
# last resort when no seccomp.json is installed (allow the rest, refuse these with EPERM).
FALLBACK_DENIED_SYSCALLS = (
    "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
    "finit_module", "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
    "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages",
    "name_to_handle_at", "nfsservctl", "open_by_handle_at", "perf_event_open", "pivot_root",
    "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key",
    "set_mempolicy", "setns", "settimeofday", "stime", "swapoff", "swapon", "sysfs", "_sysctl", "umount",
    "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
)

_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "armv7l": "arm", "ppc64le": "ppc64le",
            "s390x": "s390x", "riscv64": "riscv64"}
_SECCOMP_ARCH = {"amd64": "SCMP_ARCH_X86_64", "arm64": "SCMP_ARCH_AARCH64", "386": "SCMP_ARCH_X86",
                 "arm": "SCMP_ARCH_ARM", "ppc64le": "SCMP_ARCH_PPC64LE", "s390x": "SCMP_ARCH_S390X",
                 "riscv64": "SCMP_ARCH_RISCV64"}


@record(frozen=False)
class SecuritySpec:
    privileged: bool = False
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    no_new_privileges: bool = False
    seccomp_profile: str = ""  # "": the default profile; "unconfined"; or a path to a JSON profile
    label_disable: bool = False
    mask: list[str] = field(default_factory=list)
    unmask: list[str] = field(default_factory=list)  # "ALL" unmasks every default path
    group_add: list[str] = field(default_factory=list)
    oom_score_adj: int | None = None
    security_opts: list[str] = field(default_factory=list)  # as given, for inspect's SecurityOpt

    def validate(self) -> None:
        for name in (*self.cap_add, *self.cap_drop):
            normalize_capability(name)
        if self.oom_score_adj is not None and not -1000 <= self.oom_score_adj <= 1000:
            raise UsageError(f"oom_score_adj must be between -1000 and 1000: {self.oom_score_adj}")
        if self.seccomp_profile not in ("", SECCOMP_UNCONFINED) and not os.path.isfile(self.seccomp_profile):
            raise UsageError(f"opening seccomp profile failed: open {self.seccomp_profile}: no such file or directory")


def normalize_capability(name: str) -> str:
    upper = name.strip().upper()
    if upper == "ALL":
        return upper
    full = upper if upper.startswith("CAP_") else f"CAP_{upper}"
    if full not in ALL_CAPABILITIES:
        raise UsageError(f"unknown capability {name!r}")
    return full


def parse_security_opts(opts: list[str], spec: SecuritySpec) -> SecuritySpec:
    """Fold `--security-opt` values into ``spec`` (Podman's spellings: key=value and key:value)."""
    for opt in opts:
        if opt == "no-new-privileges" or opt in ("no-new-privileges=true", "no-new-privileges:true"):
            spec.no_new_privileges = True
            continue
        if opt in ("no-new-privileges=false", "no-new-privileges:false"):
            spec.no_new_privileges = False
            continue
        key, sep, value = opt.partition("=")
        if not sep:
            key, sep, value = opt.partition(":")
        if not sep:
            raise UsageError(f"invalid --security-opt {opt!r}")
        if key == "seccomp":
            spec.seccomp_profile = value
        elif key == "label":
            if value == "disable":
                spec.label_disable = True
            # Other SELinux labels need SELinux, which this host does not run: accepted and ignored.
        elif key == "mask":
            spec.mask.extend(p for p in value.split(":") if p)
        elif key == "unmask":
            spec.unmask.extend(p for p in value.split(":") if p)
        elif key in ("apparmor", "proc-opts"):
            pass  # no AppArmor here; accepted as Podman does when it is not enabled
        else:
            raise UsageError(f"invalid --security-opt {opt!r}")
    spec.security_opts = [*spec.security_opts, *opts]
    return spec


def bounding_capabilities() -> tuple[str, ...]:
    """The capabilities this process may hand on (its bounding set): what `ALL` means here.

    Inside another container or a sandbox the bounding set is smaller than the kernel's list, and
    asking the runtime for more fails ("unable to apply caps"); Podman takes the same intersection.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            mask = next((int(line.split()[1], 16) for line in f if line.startswith("CapBnd:")), -1)
    except OSError:
        mask = -1
    if mask < 0:
        return ALL_CAPABILITIES
    return tuple(cap for bit, cap in enumerate(ALL_CAPABILITIES) if mask >> bit & 1)


def capabilities(spec: SecuritySpec, defaults: tuple[str, ...]) -> list[str]:
    if spec.privileged:
        return list(bounding_capabilities())
    drops = {normalize_capability(c) for c in spec.cap_drop}
    adds = {normalize_capability(c) for c in spec.cap_add}
    caps = [] if "ALL" in drops else [c for c in defaults if c not in drops]
    for cap in bounding_capabilities() if "ALL" in adds else sorted(adds):
        if cap not in caps and cap != "ALL":
            caps.append(cap)
    return caps


def masked_paths(spec: SecuritySpec, defaults: tuple[str, ...]) -> list[str]:
    if spec.privileged or "ALL" in spec.unmask:
        return list(spec.mask)
    return [p for p in defaults if p not in spec.unmask] + [p for p in spec.mask if p not in defaults]


def readonly_paths(spec: SecuritySpec, defaults: tuple[str, ...]) -> list[str]:
    if spec.privileged or "ALL" in spec.unmask:
        return []
    return [p for p in defaults if p not in spec.unmask]


def seccomp_section(spec: SecuritySpec, caps: list[str]) -> dict[str, Any] | None:
    """The OCI `linux.seccomp` for this container, or None for none at all."""
    if spec.privileged or spec.seccomp_profile == SECCOMP_UNCONFINED:
        return None
    path = spec.seccomp_profile or next((p for p in SYSTEM_SECCOMP_PATHS if os.path.isfile(p)), "")
    if not path:
        return fallback_profile()
    try:
        with open(path, encoding="utf-8") as f:
            profile = loads(f.read())
    except (OSError, ValueError) as e:
        raise UsageError(f"loading seccomp profile {path}: {e}") from None
    if not isinstance(profile, dict):
        raise UsageError(f"loading seccomp profile {path}: not a JSON object")
    return oci_seccomp(profile, caps)


def fallback_profile() -> dict[str, Any]:
    return {"defaultAction": "SCMP_ACT_ALLOW", "architectures": _architectures([]),
            "syscalls": [{"names": list(FALLBACK_DENIED_SYSCALLS), "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}


def host_arch() -> str:
    machine = os.uname().machine
    return _GO_ARCH.get(machine, machine)


def _architectures(arch_map: list[Any]) -> list[str]:
    native = _SECCOMP_ARCH.get(host_arch(), "")
    if not native:
        return []
    for entry in arch_map:
        if isinstance(entry, dict) and entry.get("architecture") == native:
            return [native, *[str(a) for a in entry.get("subArchitectures") or []]]
    return [native]


def _kernel_at_least(minimum: str) -> bool:
    def numbers(text: str) -> tuple[int, ...]:
        out = []
        for part in text.split("-")[0].split(".")[:2]:
            digits = "".join(ch for ch in part if ch.isdigit())
            out.append(int(digits or 0))
        return tuple(out)

    return numbers(os.uname().release) >= numbers(minimum)


def _applies(rule: dict[str, Any], caps: set[str], arch: str) -> bool:
    includes = rule.get("includes") or {}
    excludes = rule.get("excludes") or {}
    if includes.get("arches") and arch not in includes["arches"]:
        return False
    if includes.get("caps") and not set(includes["caps"]) <= caps:
        return False
    if includes.get("minKernel") and not _kernel_at_least(str(includes["minKernel"])):
        return False
    if excludes.get("arches") and arch in excludes["arches"]:
        return False
    return not (excludes.get("caps") and set(excludes["caps"]) & caps)


def oci_seccomp(profile: dict[str, Any], caps: list[str]) -> dict[str, Any]:
    """A containers-common (Docker-format) profile resolved for this host and capability set."""
    arch = host_arch()
    cap_set = set(caps)
    out: dict[str, Any] = {"defaultAction": profile.get("defaultAction", "SCMP_ACT_ERRNO"),
                           "architectures": _architectures(profile.get("archMap") or []), "syscalls": []}
    if profile.get("defaultErrnoRet") is not None:
        out["defaultErrnoRet"] = profile["defaultErrnoRet"]
    for rule in profile.get("syscalls") or []:
        if not isinstance(rule, dict) or not _applies(rule, cap_set, arch):
            continue
        names = rule.get("names") or ([rule["name"]] if rule.get("name") else [])
        entry: dict[str, Any] = {"names": list(names), "action": rule.get("action", "SCMP_ACT_ALLOW")}
        if rule.get("args"):
            entry["args"] = [{k: a[k] for k in ("index", "value", "valueTwo", "op") if k in a} for a in rule["args"]]
        if rule.get("errnoRet") is not None:
            entry["errnoRet"] = rule["errnoRet"]
        out["syscalls"].append(entry)
    return out
