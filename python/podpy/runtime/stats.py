"""Resource usage of running containers, read from their cgroups (v1 controllers, v2, or hybrid)."""

from __future__ import annotations

import os
import time

from podpy.runtime.runtime import Runtime
from podpy.util.record import record

CGROUP_ROOT = "/sys/fs/cgroup"
_UNLIMITED = 1 << 62  # v1 reports "no limit" as a page-rounded 2^63-1


@record
class Usage:
    """One sample of one container's cgroup counters."""

    cpu_ns: int = 0
    mem_usage: int = 0
    mem_limit: int = 0
    block_read: int = 0
    block_write: int = 0
    pids: int = 0
    taken_at: float = 0.0  # time.monotonic()


def cgroup_path(container_id: str, parent: str = "") -> str:
    """The cgroupsPath podpy gives the runtime (relative to each hierarchy's root); ``parent``: a pod's cgroup."""
    return f"{parent.strip('/') or 'podpy'}/podpy-{container_id}"


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as f:
            return f.read()
    except OSError:
        return ""


def _int(text: str, default: int = 0) -> int:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else default


def _keyed(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            out[key] = int(value)
    return out


def host_memory() -> int:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def is_unified() -> bool:
    return os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers"))


def sample(container_id: str, parent: str = "") -> Usage:
    rel = cgroup_path(container_id, parent)
    if is_unified():
        return _sample_v2(os.path.join(CGROUP_ROOT, rel))
    return _sample_v1(rel)


def _sample_v2(path: str) -> Usage:
    cpu = _keyed(_read(os.path.join(path, "cpu.stat"))).get("usage_usec", 0) * 1000
    memory = _int(_read(os.path.join(path, "memory.current")))
    inactive = _keyed(_read(os.path.join(path, "memory.stat"))).get("inactive_file", 0)
    limit_text = _read(os.path.join(path, "memory.max")).strip()
    limit = host_memory() if limit_text in ("", "max") else _int(limit_text)
    read = write = 0
    for line in _read(os.path.join(path, "io.stat")).splitlines():
        fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
        read += int(fields.get("rbytes", 0))
        write += int(fields.get("wbytes", 0))
    return Usage(cpu_ns=cpu, mem_usage=max(memory - inactive, 0), mem_limit=min(limit, host_memory() or limit),
                 block_read=read, block_write=write, pids=_int(_read(os.path.join(path, "pids.current"))),
                 taken_at=time.monotonic())


def _sample_v1(rel: str) -> Usage:
    def controller(name: str, file: str) -> str:
        return _read(os.path.join(CGROUP_ROOT, name, rel, file))

    memory = _int(controller("memory", "memory.usage_in_bytes"))
    stat = _keyed(controller("memory", "memory.stat"))
    inactive = stat.get("total_inactive_file", stat.get("inactive_file", 0))
    limit = _int(controller("memory", "memory.limit_in_bytes"), _UNLIMITED)
    host = host_memory()
    if limit >= _UNLIMITED or (host and limit > host):
        limit = host
    read = write = 0
    for line in controller("blkio", "blkio.throttle.io_service_bytes").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].isdigit():
            if fields[1] == "Read":
                read += int(fields[2])
            elif fields[1] == "Write":
                write += int(fields[2])
    return Usage(cpu_ns=_int(controller("cpuacct", "cpuacct.usage")), mem_usage=max(memory - inactive, 0),
                 mem_limit=limit, block_read=read, block_write=write,
                 pids=_int(controller("pids", "pids.current")), taken_at=time.monotonic())


def cpu_percent(now: Usage, before: Usage | None, *, running_for: float) -> float:
    """Podman's CPU %: over the interval since the previous sample, or over the container's life."""
    if before is not None and now.taken_at > before.taken_at:
        return (now.cpu_ns - before.cpu_ns) / ((now.taken_at - before.taken_at) * 1e9) * 100
    return now.cpu_ns / (running_for * 1e9) * 100 if running_for > 0 else 0.0


def running_containers(rt: Runtime) -> list[str]:
    from podpy.runtime.sync import sync

    return [c.id for c in rt.state.list_containers() if sync(rt, c).state.status.is_active()]
