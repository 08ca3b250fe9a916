"""`info` in Podman's shape: host, store, registries, version — plus why the probe chose what it chose."""

from __future__ import annotations

import os
import platform

from podpy import __version__
from podpy.define.states import ContainerStatus

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.runtime.runtime import Runtime


def _monitor_path() -> str:
    from podpy.runtime.monitor import monitor_binary

    try:
        return monitor_binary()
    except Exception:  # noqa: BLE001 - info reports what it finds, never fails on it
        return ""


def build_info(rt: Runtime) -> dict[str, Any]:
    host = rt.host
    statuses = [c.state.status for c in rt.state.list_containers()]
    cfg = rt.opts.config
    try:
        from podpy.config.loader import load_registries

        search = list(load_registries().unqualified_search_registries)
    except Exception:  # noqa: BLE001
        search = []
    graph_stat = os.statvfs(rt.store_paths.graph_root) if os.path.isdir(rt.store_paths.graph_root) else None
    return {
        "host": {
            "arch": host.arch,
            "cgroupControllers": list(host.cgroup_controllers),
            "cgroupManager": host.cgroup_manager,
            "cgroupVersion": host.cgroup_version,
            "cgroupHybrid": host.cgroup_hybrid,
            "conmon": {"package": "podpy", "path": _monitor_path(), "version": f"podpy-monitor {__version__}"},
            "cpus": host.cpus,
            "distribution": {"distribution": host.os.distribution, "codename": host.os.codename,
                             "version": host.os.version},
            "eventLogger": cfg.containers.engine.events_logger if cfg else "file",
            "hostname": host.hostname,
            "kernel": host.kernel,
            "memFree": host.mem_free,
            "memTotal": host.mem_total,
            "ociRuntime": {"name": host.runtime_name, "package": "", "path": host.runtime_path,
                           "version": host.runtime_version},
            "os": "linux",
            "security": {"rootless": host.rootless, "capSysResource": host.cap_sys_resource,
                         "canLowerOomScore": host.can_lower_oom_score},
            "swapFree": host.swap_free,
            "swapTotal": host.swap_total,
            "uptime": f"{int(host.uptime_seconds) // 3600}h {int(host.uptime_seconds) % 3600 // 60}m",
            "bootId": host.boot_id,
            "probeReasons": list(host.reasons),
        },
        "store": {
            "configFile": (cfg.storage.file or "") if cfg else "",
            "containerStore": {
                "number": len(statuses),
                "paused": statuses.count(ContainerStatus.PAUSED),
                "running": statuses.count(ContainerStatus.RUNNING),
                "stopped": len(statuses) - statuses.count(ContainerStatus.RUNNING)
                - statuses.count(ContainerStatus.PAUSED),
            },
            "graphDriverName": rt.store_paths.driver,
            "graphRoot": rt.store_paths.graph_root,
            "graphRootAllocated": graph_stat.f_blocks * graph_stat.f_frsize if graph_stat else 0,
            "graphRootUsed": (graph_stat.f_blocks - graph_stat.f_bfree) * graph_stat.f_frsize if graph_stat else 0,
            "graphStatus": {"Backing Filesystem": host.graph_root_fstype,
                            "Supports d_type": "true", "Native Overlay Diff": "true"}
            if rt.store_paths.driver == "overlay" else {},
            "imageStore": {"number": len(rt.store.images.list())},
            "runRoot": rt.store_paths.run_root,
        },
        "registries": {"search": search},
        "version": {
            "APIVersion": __version__,
            "Version": __version__,
            "PythonVersion": platform.python_version(),
            "OsArch": f"linux/{host.arch}",
            "Os": "linux",
        },
    }
