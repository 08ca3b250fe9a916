"""`pod inspect`: Podman's JSON for a pod."""

from __future__ import annotations

from podpy.runtime import pod as pods
from podpy.state.pods import Pod
from podpy.state.records import Container

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _infra_config(infra: Container | None) -> dict[str, Any]:
    if infra is None:
        return {}
    cfg = infra.config
    bindings: dict[str, list[dict[str, str]]] = {}
    for p in cfg.ports:
        bindings.setdefault(f"{p['container_port']}/{p['protocol']}", []).append(
            {"HostIp": str(p.get("host_ip", "")), "HostPort": str(p["host_port"])})
    return {
        "PortBindings": bindings,
        "HostNetwork": cfg.network_mode == "host",
        "StaticIP": cfg.static_ip,
        "StaticMAC": cfg.static_mac,
        "NoManageResolvConf": False,
        "DNSServer": cfg.dns_servers or None,
        "DNSSearch": cfg.dns_search or None,
        "DNSOption": cfg.dns_options or None,
        "NoManageHosts": False,
        "HostAdd": cfg.add_hosts or None,
        "Networks": list(cfg.networks),
        "NetworkOptions": None,
        "pid_ns": "private",
        "userns": "host",
        "uts_ns": "private",
    }


def inspect_pod(pod: Pod, ctrs: list[Container]) -> dict[str, Any]:
    infra = next((c for c in ctrs if c.id == pod.infra_id), None)
    res = pod.config.resources
    out: dict[str, Any] = {
        "Id": pod.id,
        "Name": pod.name,
        "Created": pod.config.created_at,
        "CreateCommand": list(pod.config.create_command),
        "ExitPolicy": pod.config.exit_policy,
        "State": pods.status(pod, ctrs),
        "Hostname": pod.config.hostname,
        "Labels": dict(pod.config.labels) or None,
        "CreateCgroup": True,
        "CgroupParent": "/podpy",
        "CgroupPath": pod.config.cgroup_parent,
        "CreateInfra": pod.config.infra,
    }
    if pod.infra_id:
        out["InfraContainerID"] = pod.infra_id
        out["InfraConfig"] = _infra_config(infra)
    out["SharedNamespaces"] = list(pod.config.share) or None
    out["NumContainers"] = len(ctrs)
    out["Containers"] = [{"Id": c.id, "Name": c.name, "State": c.state.status.value} for c in ctrs]
    if res.get("cpus"):
        out["cpu_period"] = 100000
        out["cpu_quota"] = int(float(res["cpus"]) * 100000)
    if res.get("cpuset_cpus"):
        out["cpuset_cpus"] = str(res["cpuset_cpus"])
    if res.get("cpuset_mems"):
        out["cpuset_mems"] = str(res["cpuset_mems"])
    if res.get("cpu_shares"):
        out["cpu_shares"] = int(res["cpu_shares"])
    if res.get("memory"):
        out["memory_limit"] = int(res["memory"])
        # No swap unless --memory-swap: the pod's processes are OOM-killed at the limit.
        out["memory_swap"] = int(res.get("memory_swap") or res["memory"])
    if res.get("pids_limit"):
        out["pids_limit"] = int(res["pids_limit"])
    return {k: v for k, v in out.items() if v is not None or k == "SharedNamespaces"}
