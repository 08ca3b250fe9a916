"""Namespaces joined instead of made: `--network/--ipc/--uts/--pid container:ID|ns:PATH` and pod members.

At create the targets are resolved to full container IDs (the target must exist, and may not be removed
while a container joins it); at start each joined namespace becomes the spec's namespace entry with a path:
the target's kept network namespace, or /proc/<pid>/ns/<kind> of its running process.
"""

from __future__ import annotations

import os

from podpy.errors import InvalidStateError, PodpyError, UsageError
from podpy.runtime.runtime import Runtime
from podpy.specgen.generator import SpecGenerator
from podpy.state.records import Container
from podpy.util.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.state.pods import Pod

_OCI_TYPE = {"network": "network", "ipc": "ipc", "uts": "uts", "pid": "pid"}
_PROC_NAME = {"network": "net", "ipc": "ipc", "uts": "uts", "pid": "pid"}
_POD_SHARE = {"net": "network", "ipc": "ipc", "uts": "uts", "pid": "pid"}


@record
class Membership:
    pod_id: str = ""
    cgroup_parent: str = ""


def needs_resolving(gen: SpecGenerator) -> bool:
    return bool(gen.namespaces.pod or gen.namespaces.modes or ":" in gen.network.mode)


def _target(rt: Runtime, mode: str) -> str:
    """ "container:NAME" → "container:<full ID>"; other modes unchanged."""
    if not mode.startswith("container:"):
        return mode
    return "container:" + rt.state.lookup_container(mode.partition(":")[2]).id


def resolve_for_create(rt: Runtime, gen: SpecGenerator) -> tuple[SpecGenerator, Membership]:
    """The generator with joined namespaces resolved (pod ones filled in) and the pod membership."""
    network_mode = _target(rt, gen.network.mode)
    modes = {kind: _target(rt, mode) for kind, mode in gen.namespaces.modes.items() if mode not in ("", "private")}
    member = Membership()
    hostname = gen.basic.hostname
    if gen.namespaces.pod:
        pod = rt.state.lookup_pod(gen.namespaces.pod)
        ports = bool(gen.network.ports or gen.network.publish_all)
        network_mode, modes = _pod_namespaces(pod, network_mode, modes, ports)
        member = Membership(pod_id=pod.id, cgroup_parent=pod.config.cgroup_parent)
        if "uts" in pod.config.share and pod.config.hostname and not hostname:
            hostname = pod.config.hostname
    uts = modes.get("uts", "")
    if uts.startswith("container:"):
        if gen.basic.hostname:
            raise UsageError("cannot set hostname when joining the container's UTS namespace: invalid configuration")
        target = rt.state.get_container(uts.partition(":")[2])
        hostname = target.config.hostname if target is not None else hostname
    gen = replace(gen, network=replace(gen.network, mode=network_mode), basic=replace(gen.basic, hostname=hostname),
                  namespaces=replace(gen.namespaces, modes=modes))
    return gen, member


def _pod_namespaces(pod: Pod, network_mode: str, modes: dict[str, str], ports: bool
                    ) -> tuple[str, dict[str, str]]:
    if not pod.infra_id:
        return network_mode, modes
    infra = f"container:{pod.infra_id}"
    modes = dict(modes)
    for share in pod.config.share:
        kind = _POD_SHARE.get(share)
        if kind == "network":
            if network_mode == "bridge" and ports:
                raise UsageError("invalid config provided: published or exposed ports must be defined when the pod "
                                 "is created: network cannot be configured when it is shared with a pod")
            if network_mode not in ("private", "", infra):
                raise UsageError("invalid config provided: networks must be defined when the pod is created: "
                                 "network cannot be configured when it is shared with a pod")
            network_mode = infra
        elif kind is not None:
            modes.setdefault(kind, infra)
    return network_mode, modes


def joined(ctr: Container) -> list[tuple[str, str]]:
    """(kind, mode) of each namespace the container joins or takes from the host (beyond --network host)."""
    out = [(k, m) for k, m in ctr.config.namespaces.items() if m not in ("", "private")]
    if ctr.config.network_mode.startswith(("container:", "ns:")):
        out.append(("network", ctr.config.network_mode))
    return out


def apply_to_spec(rt: Runtime, ctr: Container, spec: dict[str, Any]) -> None:
    """Point the spec's namespace entries at the targets (starting a stopped pod infra container first);
    a container in another's network namespace shares its /etc/hosts and /etc/resolv.conf, as Podman."""
    if ctr.config.pod:
        from podpy.runtime.pod import ensure_cgroup

        ensure_cgroup(rt, ctr.config.pod)
    entries: list[dict[str, Any]] = spec["linux"]["namespaces"]
    for kind, mode in joined(ctr):
        oci_type = _OCI_TYPE[kind]
        entries[:] = [e for e in entries if e["type"] != oci_type]
        if mode == "host":
            path = ""
        elif mode.startswith("ns:"):
            path = mode.partition(":")[2]
        else:
            path = _target_path(rt, ctr, mode.partition(":")[2], kind)
        if path:
            entries.append({"type": oci_type, "path": path})
        if kind == "uts":
            spec.pop("hostname", None)
        if kind == "network" and mode.startswith("container:"):
            _share_network_files(rt, mode.partition(":")[2], spec, ctr.name)


def _share_network_files(rt: Runtime, target_id: str, spec: dict[str, Any], name: str) -> None:
    """Bind the target's hosts and resolv.conf, with this container's name added to the hosts (so that the
    members of a pod reach each other by name, as in Podman)."""
    userdata = rt.store_paths.container_userdata(target_id)
    shared = {"/etc/hosts": os.path.join(userdata, "hosts"), "/etc/resolv.conf": os.path.join(userdata, "resolv.conf")}
    for mount in spec["mounts"]:
        source = shared.get(mount["destination"])
        if source is not None and mount["type"] == "bind" and os.path.exists(source):
            mount["source"] = source
            if mount["destination"] == "/etc/hosts":
                _add_host_name(source, name)


def _add_host_name(path: str, name: str) -> None:
    """Append ``name`` with the address of the target's own entry (the first after localhost's)."""
    from podpy.util.locks import flocked

    with flocked(path + ".lock"), open(path, "r+") as f:
        lines = f.read().splitlines()
        entries = [line.split() for line in lines if line.strip() and not line.startswith("#")]
        if any(name in fields[1:] for fields in entries):
            return
        own = [fields[0] for fields in entries if "localhost" not in fields[1:]]
        f.write(f"{own[0] if own else '127.0.0.1'}\t{name}\n")


def _target_path(rt: Runtime, ctr: Container, target_id: str, kind: str) -> str:
    from podpy.runtime.sync import sync

    target = rt.state.get_container(target_id)
    if target is None:
        raise PodpyError(f"cannot join namespaces of container {target_id}: no such container")
    target = sync(rt, target)
    if not target.state.status.is_active() and ctr.config.pod and ctr.config.pod == target.config.pod:
        from podpy.runtime import container as ops

        try:
            ops.start(rt, target, attach=False).close()
        except InvalidStateError:
            pass  # another podpy started it meanwhile
        target = sync(rt, rt.state.get_container(target_id) or target)
    if not target.state.status.is_active() or target.state.pid <= 0:
        raise InvalidStateError(f"cannot join the {kind} namespace of container {target_id[:12]}: "
                                f"it is {target.state.status.value}, not running: container state improper")
    if kind == "network" and target.config.networks:
        from podpy.runtime.network_setup import netns_path

        kept = netns_path(rt, target.id)
        if os.path.exists(kept):
            return kept
    return f"/proc/{target.state.pid}/ns/{_PROC_NAME[kind]}"


def dependents(rt: Runtime, container_id: str) -> list[Container]:
    """The containers that join a namespace of this one."""
    mode = f"container:{container_id}"
    return [c for c in rt.state.list_containers()
            if c.id != container_id and (c.config.network_mode == mode or mode in c.config.namespaces.values())]


def refuse_if_depended_on(rt: Runtime, ctr: Container) -> None:
    users = dependents(rt, ctr.id)
    if users:
        raise PodpyError(f"container {ctr.id} has dependent containers which must be removed before it: "
                         f"{','.join(c.id for c in users)}: container already exists")
