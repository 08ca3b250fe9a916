"""`top`: the container's processes, read from its cgroup and /proc (Podman's default descriptors)."""

from __future__ import annotations

import os

from podpy.define.states import ContainerStatus
from podpy.errors import InvalidStateError, UsageError
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import sync

DEFAULT_DESCRIPTORS = ("user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args")
HEADERS = {"user": "USER", "pid": "PID", "ppid": "PPID", "pcpu": "%CPU", "etime": "ELAPSED", "tty": "TTY",
           "time": "TIME", "args": "COMMAND", "comm": "COMMAND", "uid": "UID", "gid": "GID",
           "group": "GROUP", "nice": "NI", "vsz": "VSZ", "rss": "RSS", "state": "STATE", "hpid": "HPID"}


def _cgroup_procs(pid: int) -> list[int]:
    """Every process in the cgroup of ``pid`` (the pids controller on v1, the unified tree on v2)."""
    with open(f"/proc/{pid}/cgroup") as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    for _hierarchy, controllers, path in lines:
        if "pids" in controllers.split(","):
            procs = f"/sys/fs/cgroup/pids{path}/cgroup.procs"
            break
    else:
        path = next(p for h, c, p in lines if h == "0")
        procs = f"/sys/fs/cgroup{path}/cgroup.procs"
    with open(procs) as f:
        return [int(x) for x in f.read().split()]


def _status(pid: int) -> dict[str, str]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def _go_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{int(minutes)}m{secs:.9f}".rstrip("0").rstrip(".") + "s"
    hours, minutes = divmod(minutes, 60)
    return f"{int(hours)}h{int(minutes)}m{secs:.9f}".rstrip("0").rstrip(".") + "s"


def _users(rootfs: str) -> dict[int, str]:
    names: dict[int, str] = {}
    try:
        with open(os.path.join(rootfs, "etc/passwd")) as f:
            for line in f:
                fields = line.split(":")
                if len(fields) > 2 and fields[2].isdigit():
                    names.setdefault(int(fields[2]), fields[0])
    except OSError:
        pass
    return names


def top(rt: Runtime, name_or_id: str, descriptors: list[str]) -> tuple[list[str], list[list[str]]]:
    """Headers and one row per process."""
    ctr = sync(rt, rt.state.lookup_container(name_or_id))
    if ctr.state.status is not ContainerStatus.RUNNING:
        raise InvalidStateError("top can only be used on running containers: container state improper")
    wanted = descriptors or list(DEFAULT_DESCRIPTORS)
    unknown = [d for d in wanted if d not in HEADERS]
    if unknown:
        raise UsageError(f"unknown descriptor: {unknown[0]}")
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    users = _users(ctr.state.rootfs)
    rows: list[list[str]] = []
    pids = sorted(_cgroup_procs(ctr.state.pid))
    ns_pid: dict[int, str] = {}
    infos = {}
    for pid in pids:
        try:
            status = _status(pid)
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # exited meanwhile
        ns_pid[pid] = status.get("NSpid", str(pid)).split()[-1]
        infos[pid] = (status, stat, cmdline)
    for pid, (status, stat, cmdline) in infos.items():
        cpu = (int(stat[11]) + int(stat[12])) / ticks
        elapsed = max(uptime - int(stat[19]) / ticks, 1e-9)
        uid = int(status["Uid"].split()[1])
        gid = int(status["Gid"].split()[1])
        values = {
            "user": users.get(uid, str(uid)), "uid": str(uid), "gid": str(gid), "group": str(gid),
            "pid": ns_pid[pid], "hpid": str(pid), "ppid": ns_pid.get(int(status.get("PPid", "0")), "0"),
            "pcpu": f"{100 * cpu / elapsed:.3f}", "etime": _go_duration(elapsed), "tty": "?",
            "time": _go_duration(cpu), "args": cmdline or f"[{status.get('Name', '')}]",
            "comm": status.get("Name", ""), "nice": stat[16], "state": status.get("State", "").split()[0],
            "vsz": str(int(stat[20]) // 1024), "rss": str(int(stat[21]) * os.sysconf("SC_PAGE_SIZE") // 1024),
        }
        rows.append([values[d] for d in wanted])
    return [HEADERS[d] for d in wanted], rows
