"""Pod operations: a pod is a record, a cgroup and (usually) an infra container whose namespaces its
members join. Operations act on the members in Podman's order: the infra container starts first and
stops last; removing a pod removes its containers, then the infra container, the cgroup and the record.
"""

from __future__ import annotations

from collections.abc import Callable

from podpy.define.states import ContainerStatus
from podpy.errors import InvalidStateError, NoSuchContainer, PodpyError
from podpy.runtime.runtime import Runtime
from podpy.state.pods import Pod, PodConfig
from podpy.state.records import Container

SHAREABLE = ("cgroup", "ipc", "net", "pid", "uts")
DEFAULT_SHARE = ("ipc", "net", "uts")
EXIT_POLICIES = ("continue", "stop")


def members(rt: Runtime, pod: Pod, everyone: list[Container] | None = None) -> list[Container]:
    """The pod's containers, infra container first, each synced with its process (``everyone``: the state's
    containers when the caller has them already)."""
    from podpy.runtime.sync import sync

    ctrs = rt.state.list_containers() if everyone is None else everyone
    found = [sync(rt, c) for c in ctrs if c.config.pod == pod.id]
    return sorted(found, key=lambda c: c.id != pod.infra_id)


def status(pod: Pod, ctrs: list[Container]) -> str:
    """Podman's pod status, from its containers' states."""
    if not ctrs:
        return "Created"
    running = sum(c.state.status is ContainerStatus.RUNNING for c in ctrs)
    paused = sum(c.state.status is ContainerStatus.PAUSED for c in ctrs)
    stopped = sum(c.state.status.is_finished() for c in ctrs)
    if running and running == len(ctrs):
        return "Running"
    if running:
        return "Degraded"
    if paused == len(ctrs):
        return "Paused"
    if stopped == len(ctrs):
        return "Exited"
    if stopped:
        return "Stopped"
    return "Created"


def add(rt: Runtime, config: PodConfig, make_infra: Callable[[PodConfig], Container] | None) -> Pod:
    """Record the pod, make its cgroup and infra container; on any failure nothing is left behind."""
    from podpy.runtime import podcgroup

    rt.state.add_pod(config)
    pod = Pod(config)
    try:
        podcgroup.create(config.id, config.resources)
        if make_infra is not None:
            infra = make_infra(config)
            rt.state.set_pod_infra(config.id, infra.id)
            pod.infra_id = infra.id
    except BaseException:
        _discard(rt, pod)
        raise
    return pod


def _discard(rt: Runtime, pod: Pod) -> None:
    from podpy.runtime import container as ops
    from podpy.runtime import podcgroup

    for ctr in [c for c in rt.state.list_containers() if c.config.pod == pod.id]:
        try:
            ops.remove(rt, ctr.id, force=True, with_pod=True)
        except PodpyError:
            pass
    podcgroup.remove(pod.config.cgroup_parent)
    rt.state.remove_pod(pod.id)


def start(rt: Runtime, pod: Pod) -> list[str]:
    """Start every container that is not running, infra container first; returns the failures."""
    from podpy.runtime import container as ops

    errors = []
    for ctr in members(rt, pod):
        if ctr.state.status.is_active():
            continue
        try:
            if ctr.state.status is ContainerStatus.INITIALIZED:
                ops.start_initialized(rt, ctr.id)
            else:
                current = rt.state.get_container(ctr.id)
                if current is not None and not current.state.status.is_active():
                    ops.start(rt, current, attach=False).close()
        except PodpyError as e:
            errors.append(f"{ctr.id}: {e}")
    return errors


def stop(rt: Runtime, pod: Pod, timeout: int | None) -> list[str]:
    """Stop the members, then the infra container."""
    from podpy.runtime import control

    errors = []
    for ctr in reversed(members(rt, pod)):
        if ctr.state.status.has_process():
            try:
                if ctr.state.status is ContainerStatus.PAUSED:
                    control.unpause(rt, ctr.id)
                control.stop(rt, ctr.id, timeout=timeout)
            except PodpyError as e:
                errors.append(f"{ctr.id}: {e}")
    return errors


def kill(rt: Runtime, pod: Pod, sig: int) -> list[str]:
    from podpy.runtime import control

    running = [c for c in members(rt, pod) if c.state.status is ContainerStatus.RUNNING]
    if not running:
        raise InvalidStateError(f"no containers in pod {pod.id} are running: container state improper")
    errors = []
    for ctr in reversed(running):
        try:
            control.kill(rt, ctr.id, sig)
        except PodpyError as e:
            errors.append(f"{ctr.id}: {e}")
    return errors


def freeze(rt: Runtime, pod: Pod, *, pause: bool) -> list[str]:
    from podpy.runtime import control

    wanted = ContainerStatus.RUNNING if pause else ContainerStatus.PAUSED
    errors = []
    for ctr in members(rt, pod):
        if ctr.state.status is wanted:
            try:
                (control.pause if pause else control.unpause)(rt, ctr.id)
            except PodpyError as e:
                errors.append(f"{ctr.id}: {e}")
    return errors


def remove(rt: Runtime, pod: Pod, *, force: bool, timeout: int | None = None) -> None:
    """Remove the pod's containers (running ones only with ``force``; the infra container is always
    stopped), then the cgroup and the record."""
    from podpy.runtime import container as ops
    from podpy.runtime import podcgroup

    ctrs = members(rt, pod)
    busy = [c for c in ctrs if c.id != pod.infra_id and c.state.status.is_active()]
    if busy and not force:
        raise InvalidStateError(
            f"not all containers could be removed from pod {pod.id}: removing pod containers: cannot remove "
            f"container {busy[0].id} as it is {busy[0].state.status.value} - running or paused containers "
            "cannot be removed without force: container state improper")
    for ctr in reversed(ctrs):
        try:
            ops.remove(rt, ctr.id, force=True, with_pod=True)
        except NoSuchContainer:
            pass  # removed meanwhile (its own --rm)
    podcgroup.remove(pod.config.cgroup_parent)
    rt.state.remove_pod(pod.id)


def ensure_cgroup(rt: Runtime, pod_id: str) -> None:
    """Make the pod's cgroup again if it is gone (after a reboot) before a member starts."""
    from podpy.runtime import podcgroup

    pod = rt.state.get_pod(pod_id)
    if pod is None or podcgroup.exists(pod.config.cgroup_parent):
        return
    podcgroup.create(pod.id, pod.config.resources)


def refuse_infra_removal(rt: Runtime, ctr: Container) -> None:
    pod = rt.state.get_pod(ctr.config.pod)
    if pod is not None and pod.infra_id == ctr.id:
        raise PodpyError(f"container {ctr.id} is the infra container of pod {pod.id} and cannot be removed "
                         "without removing the pod")


def after_member_exit(rt: Runtime, ctr: Container) -> None:
    """--exit-policy stop: once the last member has exited, the infra container stops too."""
    pod = rt.state.get_pod(ctr.config.pod)
    if pod is None or pod.config.exit_policy != "stop" or ctr.id == pod.infra_id:
        return
    ctrs = members(rt, pod)
    if any(c.state.status.is_active() for c in ctrs if c.id != pod.infra_id):
        return
    stop(rt, pod, None)
