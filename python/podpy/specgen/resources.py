"""The resources section: cgroup limits (memory, CPU, pids), rlimits and devices, in Podman's flag forms."""

from __future__ import annotations

import os
import stat

from podpy.errors import UsageError
from podpy.util.record import field, record
from podpy.util.units import ram_in_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CPU_PERIOD = 100_000  # µs, Podman's period for --cpus
_PRIVILEGED_DEV_SKIP = ("/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/fd")


@record(frozen=False)
class ResourceSpec:
    memory: int = 0  # bytes; 0: no limit
    memory_reservation: int = 0
    memory_swap: int = 0  # bytes of memory+swap; -1 unlimited; 0: twice --memory, as Podman
    cpus: float = 0.0
    cpu_shares: int = 0
    cpu_period: int = 0
    cpu_quota: int = 0
    cpuset_cpus: str = ""
    cpuset_mems: str = ""
    pids_limit: int | None = None  # None: the default (containers.conf); -1 or 0: unlimited
    ulimits: list[str] = field(default_factory=list)  # NAME=SOFT[:HARD]
    devices: list[str] = field(default_factory=list)  # HOST[:CONTAINER][:PERMISSIONS]

    def validate(self) -> None:
        if self.memory and self.memory < 6 * 1024 * 1024:
            raise UsageError("minimum memory limit allowed is 6MB")
        if self.memory_swap > 0 and self.memory and self.memory_swap < self.memory:
            raise UsageError("minimum memoryswap limit should be larger than memory limit, see usage")
        if self.memory_swap and not self.memory and self.memory_swap != -1:
            raise UsageError("you should always set a memory limit when using a memoryswap limit, see usage")
        if self.cpus < 0:
            raise UsageError(f"invalid --cpus {self.cpus}")
        if self.cpus and (self.cpu_quota or self.cpu_period):
            raise UsageError("--cpus and --cpu-period/--cpu-quota cannot be set together")
        for spec in self.devices:
            host_path = parse_device(spec).host_path
            if not os.path.exists(host_path):  # at create, as Podman (a start failure would exit 126)
                raise UsageError(f"stat {host_path}: no such file or directory")


def parse_memory(text: str, flag: str) -> int:
    if text in ("-1",) and flag == "--memory-swap":
        return -1
    try:
        return ram_in_bytes(text)
    except ValueError:
        raise UsageError(f"invalid size {text!r} for {flag}") from None


def cgroup_resources(spec: ResourceSpec, *, default_pids_limit: int) -> dict[str, Any]:
    """The OCI `linux.resources` limits (devices are added by the caller)."""
    out: dict[str, Any] = {}
    memory: dict[str, Any] = {}
    if spec.memory:
        memory["limit"] = spec.memory
        if spec.memory_swap == -1:
            memory["swap"] = -1
        else:
            memory["swap"] = spec.memory_swap or 2 * spec.memory
    if spec.memory_reservation:
        memory["reservation"] = spec.memory_reservation
    if memory:
        out["memory"] = memory
    cpu: dict[str, Any] = {}
    if spec.cpu_shares:
        cpu["shares"] = spec.cpu_shares
    if spec.cpus:
        cpu["quota"] = int(spec.cpus * CPU_PERIOD)
        cpu["period"] = CPU_PERIOD
    if spec.cpu_quota:
        cpu["quota"] = spec.cpu_quota
    if spec.cpu_period:
        cpu["period"] = spec.cpu_period
    if spec.cpuset_cpus:
        cpu["cpus"] = spec.cpuset_cpus
    if spec.cpuset_mems:
        cpu["mems"] = spec.cpuset_mems
    if cpu:
        out["cpu"] = cpu
    pids = default_pids_limit if spec.pids_limit is None else spec.pids_limit
    if pids > 0:
        out["pids"] = {"limit": pids}
    return out


@record
class DeviceRequest:
    host_path: str
    container_path: str
    permissions: str


def parse_device(text: str) -> DeviceRequest:
    parts = text.split(":")
    if len(parts) > 3 or not parts[0]:
        raise UsageError(f"invalid device specification {text!r}")
    host = parts[0]
    container = host
    permissions = "rwm"
    if len(parts) == 2:
        if set(parts[1]) <= set("rwm") and parts[1]:
            permissions = parts[1]
        else:
            container = parts[1]
    elif len(parts) == 3:
        container, permissions = parts[1], parts[2]
    if not container.startswith("/") or not permissions or not set(permissions) <= set("rwm"):
        raise UsageError(f"invalid device specification {text!r}")
    return DeviceRequest(host, container, permissions)


def _device_entry(path: str, container_path: str) -> tuple[dict[str, Any], str] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISCHR(st.st_mode):
        kind = "c"
    elif stat.S_ISBLK(st.st_mode):
        kind = "b"
    elif stat.S_ISFIFO(st.st_mode):
        kind = "p"
    else:
        return None
    return ({"path": container_path, "type": kind, "major": os.major(st.st_rdev), "minor": os.minor(st.st_rdev),
             "fileMode": stat.S_IMODE(st.st_mode), "uid": st.st_uid, "gid": st.st_gid}, kind)


def oci_devices(requests: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`linux.devices` and the matching cgroup allow rules for `--device` flags."""
    devices: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    for text in requests:
        request = parse_device(text)
        entry = _device_entry(request.host_path, request.container_path)
        if entry is None:
            raise UsageError(f"{request.host_path}: not a device (or it does not exist)")
        device, kind = entry
        devices.append(device)
        rules.append({"allow": True, "type": kind, "major": device["major"], "minor": device["minor"],
                      "access": request.permissions})
    return devices, rules


def host_devices() -> list[dict[str, Any]]:
    """Every device node of the host's /dev, for --privileged (as Podman adds them)."""
    out: list[dict[str, Any]] = []
    for root, dirs, files in os.walk("/dev"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in _PRIVILEGED_DEV_SKIP]
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path) or path in ("/dev/console", "/dev/ptmx", "/dev/tty"):
                continue
            entry = _device_entry(path, path)
            if entry is not None and entry[1] != "p":
                out.append(entry[0])
    return out
