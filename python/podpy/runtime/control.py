"""Signals and waiting: stop, kill, wait. The monitor records every exit; these only ask and watch."""

from __future__ import annotations

import os
import signal
import time

from podpy.define.states import ContainerStatus
from podpy.errors import InvalidStateError, NoSuchContainer
from podpy.runtime.container import locked, release_resources
from podpy.runtime.oci import OciRuntime
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import alive, sync
from podpy.state.records import Container

_POLL_S = 0.01


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_exited(rt: Runtime, ctr: Container, timeout: float | None) -> Container:
    """Poll the exit file (written by the monitor) until the container is no longer active."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        current = rt.state.get_container(ctr.id)
        if current is None:
            code = rt.state.removed_exit_code(ctr.id)
            if code is not None:
                ctr.state.exit_code = code
            return ctr
        ctr = sync(rt, current)
        if not ctr.state.status.has_process():
            return ctr
        if deadline is not None and time.monotonic() >= deadline:
            return ctr
        time.sleep(_POLL_S)


def stop(rt: Runtime, name_or_id: str, *, timeout: int | None = None) -> Container:
    """The stop signal, then SIGKILL after ``timeout`` seconds (the container's own by default)."""
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            return ctr
        ctr = sync(rt, current)
        _mark_stopped_by_user(rt, ctr)
        if ctr.state.status.has_process():
            grace = ctr.config.stop_timeout if timeout is None else timeout
            if grace > 0:
                # Initialized too, as Podman: runc's waiting init gets the stop signal (and exits 2 on SIGTERM).
                _signal(ctr.state.pid, ctr.config.stop_signal)
                ctr = _wait_exited(rt, ctr, grace)
            if ctr.state.status.has_process():
                _signal(ctr.state.pid, signal.SIGKILL)
                ctr = _wait_exited(rt, ctr, 10)
        if not ctr.state.status.has_process():
            release_resources(rt, ctr)
        return ctr


def _mark_stopped_by_user(rt: Runtime, ctr: Container) -> None:
    """Podman's StoppedByUser: the restart policy leaves the container down (caller holds the lock)."""
    if ctr.state.status in (ContainerStatus.CONFIGURED, ContainerStatus.CREATED) or ctr.state.stopped_by_user:
        return
    ctr.state.stopped_by_user = True
    rt.state.save_state(ctr.id, ctr.state)


def kill(rt: Runtime, name_or_id: str, sig: int) -> Container:
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        ctr = sync(rt, current if current is not None else ctr)
        if ctr.state.status is not ContainerStatus.RUNNING or not alive(ctr.state.pid):
            raise InvalidStateError(f"can only kill running containers. {ctr.id} is in state "
                                    f"{ctr.state.status.value}: container state improper")
        _mark_stopped_by_user(rt, ctr)
        _signal(ctr.state.pid, sig)
    return ctr


def wait(rt: Runtime, name_or_id: str) -> int:
    """Block until the container has exited; its exit code (also of one `--rm` removed already)."""
    try:
        ctr = rt.state.lookup_container(name_or_id)
    except NoSuchContainer:
        code = rt.state.removed_exit_code(name_or_id)
        if code is None:
            raise
        return code
    while ctr.state.status in (ContainerStatus.CONFIGURED, ContainerStatus.CREATED, ContainerStatus.INITIALIZED):
        time.sleep(_POLL_S * 5)
        current = rt.state.get_container(ctr.id)
        if current is None:
            code = rt.state.removed_exit_code(ctr.id)
            return ctr.state.exit_code if code is None else code
        ctr = sync(rt, current)
    return _wait_exited(rt, ctr, None).state.exit_code


WAIT_CONDITIONS = ("configured", "created", "exited", "paused", "running", "stopped", "removing",
                   "initialized", "stopping", "healthy", "unhealthy")


def wait_for(rt: Runtime, name_or_id: str, conditions: list[str], interval: float) -> int:
    """Podman's `wait --condition`: block until the container is in one of ``conditions``.

    The exit code for the exit conditions (stopped, exited), -1 for the others, as Podman prints.
    """
    wanted = set(conditions) or {"stopped", "exited"}
    unknown = wanted - set(WAIT_CONDITIONS)
    if unknown:
        raise InvalidStateError(f"unknown condition {sorted(unknown)[0]!r}")
    if wanted & {"healthy", "unhealthy"}:
        raise InvalidStateError("container has no healthcheck configured")
    if wanted <= {"stopped", "exited"}:
        return wait(rt, name_or_id) if interval <= 0 else _wait_polling(rt, name_or_id, interval)
    ctr = rt.state.lookup_container(name_or_id)
    aliases = {"initialized": "created", "stopping": "running"}
    while True:
        current = rt.state.get_container(ctr.id)
        if current is None:
            if "removing" in wanted:
                return -1
            raise NoSuchContainer(f"no container with name or ID {name_or_id!r} found: no such container")
        ctr = sync(rt, current)
        status = ctr.state.status.value
        if status in wanted or any(aliases.get(c) == status for c in wanted):
            return ctr.state.exit_code if status in ("stopped", "exited") else -1
        if status == "stopped" and "exited" in wanted or status == "exited" and "stopped" in wanted:
            return ctr.state.exit_code
        time.sleep(interval)


def _wait_polling(rt: Runtime, name_or_id: str, interval: float) -> int:
    ctr = rt.state.lookup_container(name_or_id)
    while True:
        current = rt.state.get_container(ctr.id)
        if current is None:
            code = rt.state.removed_exit_code(ctr.id)
            return ctr.state.exit_code if code is None else code
        ctr = sync(rt, current)
        if ctr.state.status.is_finished():
            return ctr.state.exit_code
        time.sleep(interval)


def _freeze(rt: Runtime, name_or_id: str, *, pause: bool) -> Container:
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        ctr = sync(rt, current) if current is not None else ctr
        wanted = ContainerStatus.RUNNING if pause else ContainerStatus.PAUSED
        if ctr.state.status is not wanted:
            verb = "pause" if pause else "unpause"
            raise InvalidStateError(f"\"{ctr.name}\" is not {wanted.value}, can't {verb}: container state improper")
        oci = OciRuntime(rt.host.runtime_path, rt.run_paths.runtime_root)
        code = oci.pause(ctr.id) if pause else oci.resume(ctr.id)
        if code != 0:
            raise InvalidStateError(f"{ctr.name}: the OCI runtime could not {'pause' if pause else 'resume'} it")
        ctr.state.status = ContainerStatus.PAUSED if pause else ContainerStatus.RUNNING
        rt.state.save_state(ctr.id, ctr.state)
        return ctr


def pause(rt: Runtime, name_or_id: str) -> Container:
    return _freeze(rt, name_or_id, pause=True)


def unpause(rt: Runtime, name_or_id: str) -> Container:
    return _freeze(rt, name_or_id, pause=False)
