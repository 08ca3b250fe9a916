"""Bringing a container's recorded state up to date: cheap enough for `ps` to run on every row."""

from __future__ import annotations

import os

from podpy.define.states import ContainerStatus
from podpy.runtime.runtime import Runtime
from podpy.state.records import Container
from podpy.util.timefmt import now_rfc3339


def sync(rt: Runtime, ctr: Container) -> Container:
    """Bring a running (or initialized) container's recorded state up to date with its exit file or dead monitor."""
    if not ctr.state.status.has_process():
        return ctr
    from podpy.runtime.monitor import ExitInfo, read_exit_file  # only for live containers: it imports json

    info = read_exit_file(rt.run_paths.exit_file(ctr.id))
    if info is None and alive(ctr.state.pid):
        return ctr
    if info is None:
        if alive(ctr.state.monitor_pid):
            return ctr  # the monitor is still writing the exit file
        info = ExitInfo(exit_code=-1, exited_at=now_rfc3339(), oom_killed=False)
    ctr.state.status = ContainerStatus.EXITED
    ctr.state.exit_code = info.exit_code
    ctr.state.finished_at = info.exited_at
    ctr.state.oom_killed = info.oom_killed
    if not info.oom_killed and info.exit_code == 137 and ctr.config.cgroup_parent:
        from podpy.runtime.podcgroup import memory_limit_hit

        ctr.state.oom_killed = memory_limit_hit(ctr.config.cgroup_parent)
    ctr.state.pid = 0
    rt.state.save_state(ctr.id, ctr.state)
    return ctr


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
