"""A pod's cgroup: the parent of its containers' cgroups, holding the pod-level limits.

With the cgroupfs manager the runtime makes a container's cgroup (and any missing parent) in every
hierarchy; podpy makes the pod's own directory first in the controllers it limits, writes the limits
there, and removes the directory from every hierarchy with the pod.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from podpy.errors import PodpyError

CGROUP_ROOT = "/sys/fs/cgroup"
CFS_PERIOD_US = 100_000


def parent_path(pod_id: str) -> str:
    """The cgroup parent of the pod's containers, relative to each hierarchy's root."""
    return f"/podpy/pod-{pod_id}"


def _unified() -> bool:
    return os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers"))


def _write(path: str, value: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as e:
        raise PodpyError(f"setting the pod's cgroup limit {path}: {e.strerror}") from e


def create(pod_id: str, resources: Mapping[str, Any]) -> str:
    """Make the pod's cgroup with its limits (``resources``: memory, memory_swap, cpus, cpu_shares, cpuset_cpus,
    cpuset_mems, pids_limit; absent or 0: none); returns the parent path."""
    rel = parent_path(pod_id).lstrip("/")
    memory, swap = int(resources.get("memory", 0)), int(resources.get("memory_swap", 0))
    cpus, shares = float(resources.get("cpus", 0.0)), int(resources.get("cpu_shares", 0))
    cpuset_cpus, cpuset_mems = str(resources.get("cpuset_cpus", "")), str(resources.get("cpuset_mems", ""))
    pids_limit = int(resources.get("pids_limit", 0))
    if _unified():
        base = os.path.join(CGROUP_ROOT, rel)
        _enable_v2_controllers(os.path.dirname(base))
        os.makedirs(base, exist_ok=True)
        _enable_v2_controllers(base)
        v2 = {"memory.max": str(memory) if memory else "",
              "memory.swap.max": ("max" if swap < 0 else str(max(swap - memory, 0))) if memory else "",
              "cpu.max": f"{int(cpus * CFS_PERIOD_US)} {CFS_PERIOD_US}" if cpus else "",
              "cpu.weight": str(1 + (shares - 2) * 9999 // 262142) if shares else "",
              "cpuset.cpus": cpuset_cpus, "cpuset.mems": cpuset_mems,
              "pids.max": str(pids_limit) if pids_limit else ""}
        for name, value in v2.items():
            if value:
                _write(os.path.join(base, name), value)
        return parent_path(pod_id)
    for controller in ("memory", "cpu", "pids"):
        if os.path.isdir(os.path.join(CGROUP_ROOT, controller)):
            os.makedirs(os.path.join(CGROUP_ROOT, controller, rel), exist_ok=True)
    if memory:
        base = os.path.join(CGROUP_ROOT, "memory", rel)
        _write(os.path.join(base, "memory.limit_in_bytes"), str(memory))
        if swap >= 0 and os.path.exists(os.path.join(base, "memory.memsw.limit_in_bytes")):
            # No swap unless --memory-swap asks for it: the limit OOM-kills, as the tests expect.
            _write(os.path.join(base, "memory.memsw.limit_in_bytes"), str(max(swap, memory)))
    base = os.path.join(CGROUP_ROOT, "cpu", rel)
    if cpus:
        _write(os.path.join(base, "cpu.cfs_period_us"), str(CFS_PERIOD_US))
        _write(os.path.join(base, "cpu.cfs_quota_us"), str(int(cpus * CFS_PERIOD_US)))
    if shares:
        _write(os.path.join(base, "cpu.shares"), str(shares))
    if cpuset_cpus or cpuset_mems:
        _v1_cpuset(rel, cpuset_cpus, cpuset_mems)
    if pids_limit:
        _write(os.path.join(CGROUP_ROOT, "pids", rel, "pids.max"), str(pids_limit))
    return parent_path(pod_id)


def _v1_cpuset(rel: str, cpus: str, mems: str) -> None:
    """A v1 cpuset directory needs its CPUs and memory nodes before a child can be made: each level on the way
    gets its parent's where unset, the pod's own the given ones."""
    path = os.path.join(CGROUP_ROOT, "cpuset")
    for part in rel.split("/"):
        parent, path = path, os.path.join(path, part)
        os.makedirs(path, exist_ok=True)
        for name in ("cpuset.cpus", "cpuset.mems"):
            with open(os.path.join(path, name)) as f:
                if f.read().strip():
                    continue
            with open(os.path.join(parent, name)) as f:
                _write(os.path.join(path, name), f.read().strip())
    if mems:
        _write(os.path.join(path, "cpuset.mems"), mems)
    if cpus:
        _write(os.path.join(path, "cpuset.cpus"), cpus)


def exists(parent: str) -> bool:
    rel = parent.lstrip("/")
    if _unified():
        return os.path.isdir(os.path.join(CGROUP_ROOT, rel))
    return os.path.isdir(os.path.join(CGROUP_ROOT, "memory", rel))


def _enable_v2_controllers(path: str) -> None:
    os.makedirs(path, exist_ok=True)
    try:
        with open(os.path.join(path, "cgroup.controllers")) as f:
            available = f.read().split()
        with open(os.path.join(path, "cgroup.subtree_control"), "w") as f:
            f.write(" ".join(f"+{c}" for c in available if c in ("memory", "cpu", "cpuset", "pids")))
    except OSError:
        pass


def remove(parent: str) -> None:
    """Remove the pod's cgroup directories (empty once its containers are gone) from every hierarchy."""
    rel = parent.lstrip("/")
    roots = [CGROUP_ROOT] if _unified() else [os.path.join(CGROUP_ROOT, d) for d in os.listdir(CGROUP_ROOT)]
    for root in roots:
        path = os.path.join(root, rel)
        if not os.path.isdir(path) or os.path.islink(root):
            continue
        for sub in sorted(os.listdir(path), reverse=True):
            child = os.path.join(path, sub)
            if os.path.isdir(child):
                _rmdir(child)
        _rmdir(path)


def _rmdir(path: str) -> None:
    """A killed process may linger in the cgroup a moment after its exit was seen: EBUSY is retried."""
    import errno
    import time

    deadline = time.monotonic() + 5
    while True:
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError as e:
            if e.errno != errno.EBUSY or time.monotonic() > deadline:
                raise PodpyError(f"removing the pod's cgroup {path}: {e.strerror}") from e
            time.sleep(0.02)


def memory_limit_hit(parent: str) -> bool:
    """The pod's memory limit was reached (a SIGKILLed member then died of the OOM killer)."""
    rel = parent.lstrip("/")
    try:
        if _unified():
            with open(os.path.join(CGROUP_ROOT, rel, "memory.events")) as f:
                return any(line.split()[0] == "oom_kill" and line.split()[1] != "0" for line in f)
        base = os.path.join(CGROUP_ROOT, "memory", rel)
        values = {}
        for name in ("memory.failcnt", "memory.max_usage_in_bytes", "memory.limit_in_bytes"):
            with open(os.path.join(base, name)) as f:
                values[name] = int(f.read().strip() or "0")
        # Some kernels no longer count failures in v1: the peak reaching the limit tells it too. Both are reset
        # so that a later SIGKILL (stop, rm -f) is not taken for the same OOM kill.
        hit = values["memory.failcnt"] > 0 or values["memory.max_usage_in_bytes"] >= values["memory.limit_in_bytes"]
        if hit:
            for name in ("memory.failcnt", "memory.max_usage_in_bytes"):
                with open(os.path.join(base, name), "w") as f:
                    f.write("0")
        return hit
    except (OSError, ValueError, IndexError):
        return False


def pids(parent: str) -> list[int]:
    """Every process in the pod's cgroup tree (the memory or pids hierarchy, or the unified one)."""
    rel = parent.lstrip("/")
    roots = [CGROUP_ROOT] if _unified() else [os.path.join(CGROUP_ROOT, c) for c in ("pids", "memory")]
    found: set[int] = set()
    for root in roots:
        for dirpath, _dirs, files in os.walk(os.path.join(root, rel)):
            if "cgroup.procs" in files:
                try:
                    with open(os.path.join(dirpath, "cgroup.procs")) as f:
                        found.update(int(x) for x in f.read().split())
                except OSError:
                    pass
    return sorted(found)
