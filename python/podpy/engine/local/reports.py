"""Building Podman-shaped reports (ps rows, inspect JSON) from state and store records."""

from __future__ import annotations

import os

from podpy.define.states import ContainerStatus
from podpy.engine.entities import ImageSummary, ListContainer
from podpy.util.jsonfast import loads
from podpy.util.timefmt import parse_rfc3339, time_ago

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.runtime.runtime import Runtime
    from podpy.state.records import Container, ContainerConfig
    from podpy.storage.records import Image

ZERO_TIME = "0001-01-01T00:00:00Z"


def container_status_text(ctr: Container) -> str:
    """The STATUS column: `Up 3 seconds`, `Exited (3) 2 minutes ago`, `Created`."""
    status = ctr.state.status
    if status is ContainerStatus.RUNNING:
        return "Up " + time_ago(ctr.state.started_at).removesuffix(" ago")
    if status is ContainerStatus.PAUSED:
        return "Paused"
    if status in (ContainerStatus.EXITED, ContainerStatus.STOPPED):
        return f"Exited ({ctr.state.exit_code}) {time_ago(ctr.state.finished_at)}"
    if status is ContainerStatus.INITIALIZED:
        return "Initialized"
    return "Created"


def list_container(ctr: Container) -> ListContainer:
    state = ctr.state
    status = state.status
    return ListContainer(
        ID=ctr.id, Names=[ctr.name], Image=ctr.config.image_name, ImageID=ctr.config.image_id,
        Command=list(ctr.config.args), Created=int(parse_rfc3339(ctr.config.created_at)),
        CreatedAt=time_ago(ctr.config.created_at),
        State="created" if status is ContainerStatus.CONFIGURED else status.value,
        Status=container_status_text(ctr), ExitCode=state.exit_code,
        Exited=status in (ContainerStatus.EXITED, ContainerStatus.STOPPED),
        ExitedAt=int(parse_rfc3339(state.finished_at)) if state.finished_at else -62135596800,
        StartedAt=int(parse_rfc3339(state.started_at)) if state.started_at else -62135596800,
        Pid=state.pid, Labels=dict(ctr.config.labels), AutoRemove=ctr.config.auto_remove,
        Mounts=[str(m["destination"]) for m in ctr.config.mounts],
        Networks=list(ctr.config.networks),
    )


def port_bindings(ctr: Container) -> dict[str, list[dict[str, str]]]:
    """Podman's {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} of the published ports."""
    out: dict[str, list[dict[str, str]]] = {}
    for p in ctr.config.ports:
        out.setdefault(f"{p['container_port']}/{p['protocol']}", []).append(
            {"HostIp": str(p["host_ip"]), "HostPort": str(p["host_port"])})
    return out


def _network_settings(rt: Runtime, ctr: Container) -> dict[str, Any]:
    """Podman's NetworkSettings: one entry per network joined, the top-level fields for a single network."""
    settings: dict[str, Any] = {
        "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
        "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "Bridge": "", "SandboxID": "",
        "HairpinMode": False, "LinkLocalIPv6Address": "", "LinkLocalIPv6PrefixLen": 0, "Ports": {},
        "SandboxKey": ""}
    if not ctr.config.networks:
        return settings
    settings["Ports"] = port_bindings(ctr)
    from podpy.runtime import network_setup

    leased = {a.network: a for a in network_setup.attachments_of(rt, ctr)}
    networks: dict[str, Any] = {}
    for name in ctr.config.networks:
        att = leased.get(name)
        networks[name] = {"EndpointID": "", "Gateway": att.gateway if att else "",
                          "IPAddress": att.ip if att else "", "IPPrefixLen": att.prefix_len if att else 0,
                          "IPv6Gateway": att.gateway6 if att else "", "GlobalIPv6Address": att.ip6 if att else "",
                          "GlobalIPv6PrefixLen": att.prefix_len6 if att else 0,
                          "MacAddress": att.mac if att else "", "NetworkID": name, "DriverOpts": None,
                          "IPAMConfig": None, "Links": None,
                          "Aliases": [ctr.id[:12], *ctr.config.network_aliases]}
    settings["Networks"] = networks
    if len(networks) == 1:
        only = next(iter(networks.values()))
        for key in ("Gateway", "IPAddress", "IPPrefixLen", "MacAddress", "IPv6Gateway", "GlobalIPv6Address",
                    "GlobalIPv6PrefixLen"):
            settings[key] = only[key]
    if leased:
        settings["SandboxKey"] = network_setup.netns_path(rt, ctr.id)
    return settings


def inspect_container(rt: Runtime, ctr: Container) -> dict[str, Any]:
    cfg, state = ctr.config, ctr.state
    userdata = rt.store_paths.container_userdata(ctr.id)
    layer_dir = rt.store_paths.layer_dir(ctr.id)
    image = rt.store.images.get(cfg.image_id)
    lower = ":".join(rt.store.layers.lower_dirs(image.top_layer)) if image and image.top_layer else ""
    running = state.status is ContainerStatus.RUNNING
    return {
        "Id": ctr.id,
        "Created": cfg.created_at,
        "Path": cfg.args[0] if cfg.args else "",
        "Args": cfg.args[1:],
        "State": {
            "OciVersion": "1.0.2-dev",
            "Status": "created" if state.status is ContainerStatus.CONFIGURED else state.status.value,
            "Running": running,
            "Paused": state.status is ContainerStatus.PAUSED,
            "Restarting": False,
            "OOMKilled": state.oom_killed,
            "Dead": False,
            "Pid": state.pid,
            "ConmonPid": state.monitor_pid,
            "ExitCode": state.exit_code,
            "Error": "",
            "StartedAt": state.started_at or ZERO_TIME,
            "FinishedAt": state.finished_at or ZERO_TIME,
            "Health": {"Status": "", "FailingStreak": 0, "Log": None},
            "CheckpointedAt": ZERO_TIME,
            "RestoredAt": ZERO_TIME,
        },
        "Image": cfg.image_id,
        "ImageName": cfg.image_name,
        "Rootfs": "",
        "Pod": cfg.pod,
        "ResolvConfPath": os.path.join(userdata, "resolv.conf"),
        "HostnamePath": os.path.join(userdata, "hostname"),
        "HostsPath": os.path.join(userdata, "hosts"),
        "StaticDir": userdata,
        "OCIConfigPath": os.path.join(userdata, "config.json"),
        "OCIRuntime": cfg.oci_runtime or os.path.basename(rt.host.runtime_path),
        "ConmonPidFile": "",
        "PidFile": os.path.join(rt.run_paths.container_dir(ctr.id), "pidfile"),
        "Name": ctr.name,
        "RestartCount": state.restart_count,
        "Driver": rt.store_paths.driver,
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "EffectiveCaps": _caps(cfg),
        "BoundingCaps": _caps(cfg),
        "ExecIDs": [],
        "GraphDriver": {
            "Name": rt.store_paths.driver,
            "Data": {"LowerDir": lower, "MergedDir": os.path.join(layer_dir, "merged"),
                     "UpperDir": os.path.join(layer_dir, "diff"), "WorkDir": os.path.join(layer_dir, "work")},
        },
        "Mounts": [_volume_mount(rt, m) if m["type"] == "volume" else
                   {"Type": m["type"], "Source": m["source"], "Destination": m["destination"], "Driver": "",
                    "Mode": "", "Options": [o for o in m["options"] if o not in ("ro", "rw")],
                    "RW": "ro" not in m["options"], "Propagation": next(
                        (o for o in m["options"] if o.endswith(("shared", "slave", "private"))), "")}
                   for m in cfg.mounts],
        "Dependencies": sorted({m.partition(":")[2] for m in (cfg.network_mode, *cfg.namespaces.values())
                                if m.startswith("container:")}),
        "NetworkSettings": _network_settings(rt, ctr),
        "Namespace": "",
        "IsInfra": _is_infra(rt, cfg),
        "IsService": False,
        "Config": {
            "Hostname": cfg.hostname,
            "Domainname": "",
            "User": cfg.user,
            "AttachStdin": False,
            "AttachStdout": False,
            "AttachStderr": False,
            "Tty": cfg.tty,
            "OpenStdin": cfg.stdin,
            "StdinOnce": False,
            "Env": cfg.env,
            "Cmd": cfg.command,
            "Image": cfg.image_name,
            "Volumes": None,
            "WorkingDir": cfg.workdir,
            "Entrypoint": " ".join(cfg.entrypoint),
            "OnBuild": None,
            "Labels": cfg.labels or None,
            "Annotations": cfg.annotations,
            "StopSignal": cfg.stop_signal,
            "CreateCommand": cfg.create_command,
            **({"SystemdMode": True} if cfg.systemd_mode else {}),
            "Umask": "0022",
            "Timeout": 0,
            "StopTimeout": cfg.stop_timeout,
        },
        "HostConfig": {
            "Binds": [],
            "LogConfig": _log_config(cfg),
            "NetworkMode": "none" if cfg.network_mode == "private" else cfg.network_mode,
            "IpcMode": cfg.namespaces.get("ipc") or "private",
            "UTSMode": cfg.namespaces.get("uts") or "private",
            "PidMode": cfg.namespaces.get("pid") or "private",
            "PortBindings": port_bindings(ctr),
            "AutoRemove": cfg.auto_remove,
            "RestartPolicy": {"Name": cfg.restart_policy, "MaximumRetryCount": cfg.restart_retries},
            "ReadonlyRootfs": cfg.read_only,
            **_host_config_limits(cfg),
        },
    }


def _is_infra(rt: Runtime, cfg: ContainerConfig) -> bool:
    if not cfg.pod:
        return False
    pod = rt.state.get_pod(cfg.pod)
    return pod is not None and pod.infra_id == cfg.id


def _log_config(cfg: ContainerConfig) -> dict[str, Any]:
    """HostConfig.LogConfig as Podman shows it: the size limit in go-units' decimal form (`10kB`)."""
    from podpy.util.units import human_size

    size = human_size(cfg.log_size_max, 4).replace(" ", "") if cfg.log_size_max > 0 else "0B"
    return {"Type": cfg.log_driver, "Config": None, "Path": cfg.log_path, "Tag": cfg.log_tag, "Size": size}


def _default_capabilities() -> tuple[str, ...]:
    """specgen.oci's DEFAULT_CAPABILITIES, without importing the spec generator."""
    from podpy.config.containers_conf import DEFAULT_CAPABILITIES

    return tuple(f"CAP_{name}" for name in DEFAULT_CAPABILITIES)


def _caps(cfg: ContainerConfig) -> list[str]:
    from podpy.specgen.security import SecuritySpec, capabilities

    return capabilities(SecuritySpec(**cfg.security), _default_capabilities())


def _host_config_limits(cfg: ContainerConfig) -> dict[str, Any]:
    """HostConfig's security and resource fields, from what the container was created with."""
    from podpy.specgen.resources import CPU_PERIOD, ResourceSpec, parse_device
    from podpy.specgen.security import SecuritySpec, capabilities

    sec = SecuritySpec(**cfg.security)
    res = ResourceSpec(**cfg.resources)
    defaults = _default_capabilities()
    caps = capabilities(sec, defaults)
    devices = [parse_device(d) for d in res.devices]
    return {
        "Privileged": sec.privileged,
        "CapAdd": sorted(c for c in caps if c not in defaults),
        "CapDrop": sorted(c for c in defaults if c not in caps),
        "SecurityOpt": list(sec.security_opts),
        "GroupAdd": list(sec.group_add),
        "OomScoreAdj": sec.oom_score_adj or 0,
        "Devices": [{"PathOnHost": d.host_path, "PathInContainer": d.container_path,
                     "CgroupPermissions": d.permissions} for d in devices],
        "Ulimits": [_ulimit(u) for u in res.ulimits],
        "Memory": res.memory,
        "MemoryReservation": res.memory_reservation,
        "MemorySwap": res.memory_swap or (2 * res.memory if res.memory else 0),
        "NanoCpus": int(res.cpus * 1e9),
        "CpuShares": res.cpu_shares,
        "CpuPeriod": res.cpu_period or (CPU_PERIOD if res.cpus else 0),
        "CpuQuota": res.cpu_quota or int(res.cpus * CPU_PERIOD),
        "CpusetCpus": res.cpuset_cpus,
        "CpusetMems": res.cpuset_mems,
        "PidsLimit": res.pids_limit or 0,
        "Init": cfg.init,
    }


def _ulimit(text: str) -> dict[str, Any]:
    name, _, values = text.partition("=")
    soft, _, hard = values.partition(":")

    def number(v: str) -> int:
        return -1 if v in ("unlimited", "-1") else int(v)

    return {"Name": f"RLIMIT_{name.upper()}", "Soft": number(soft), "Hard": number(hard or soft)}


def _image_config(image: Image) -> dict[str, Any]:
    data = loads(image.config)
    return data if isinstance(data, dict) else {}


def _repo_tags_digests(image: Image) -> tuple[list[str], list[str]]:
    """Names are tags (``repo:tag``) or, for a pull by digest, ``repo@digest`` (Podman's RepoDigests)."""
    tags = [n for n in image.names if "@" not in n]
    digests = {n for n in image.names if "@" in n} | {f"{n.rsplit(':', 1)[0]}@{image.digest}" for n in tags}
    return tags, sorted(digests)


def image_summaries(rt: Runtime, images: list[Image]) -> list[ImageSummary]:
    users: dict[str, int] = {}
    for (image_id,) in rt.db.conn.execute("SELECT image_id FROM rw_layers"):
        users[str(image_id)] = users.get(str(image_id), 0) + 1
    out = []
    for image in images:
        config = _image_config(image)
        labels = (config.get("config") or {}).get("Labels") or {}
        repo_tags, repo_digests = _repo_tags_digests(image)
        out.append(ImageSummary(
            ID=image.id, Names=list(image.names), RepoTags=repo_tags, RepoDigests=repo_digests,
            Digest=image.digest, Created=int(parse_rfc3339(image.created)) if image.created else 0,
            CreatedAt=image.created, Size=image.size, VirtualSize=image.size, SharedSize=0,
            Labels=dict(labels), Containers=users.get(image.id, 0), Dangling=not image.names,
        ))
    return out


def inspect_image(rt: Runtime, image: Image) -> dict[str, Any]:
    config = _image_config(image)
    top = image.top_layer
    layer_dir = rt.store_paths.layer_dir(top) if top else ""
    lowers = rt.store.layers.lower_dirs(top)[1:] if top else []
    manifest = loads(image.manifest)
    return {
        "Id": image.id,
        "Digest": image.digest,
        "RepoTags": _repo_tags_digests(image)[0],
        "RepoDigests": _repo_tags_digests(image)[1],
        "Parent": "",
        "Comment": "",
        "Created": config.get("created", ""),
        "Config": config.get("config") or {},
        "Version": "",
        "Author": config.get("author", ""),
        "Architecture": config.get("architecture", ""),
        "Os": config.get("os", ""),
        "Size": image.size,
        "VirtualSize": image.size,
        "GraphDriver": {"Name": rt.store_paths.driver,
                        "Data": {"UpperDir": os.path.join(layer_dir, "diff") if top else "",
                                 "WorkDir": os.path.join(layer_dir, "work") if top else "",
                                 **({"LowerDir": ":".join(lowers)} if lowers else {})}},
        "RootFS": {"Type": "layers", "Layers": list((config.get("rootfs") or {}).get("diff_ids") or [])},
        "Labels": (config.get("config") or {}).get("Labels"),
        "Annotations": manifest.get("annotations") or {},
        "ManifestType": image.manifest_media_type,
        "User": (config.get("config") or {}).get("User", ""),
        "History": config.get("history") or [],
        "NamesHistory": list(image.names),
    }


def _volume_mount(rt: Runtime, m: dict[str, Any]) -> dict[str, Any]:
    """A volume as Podman shows it: its name, its data directory as the source, the local driver."""
    name = str(m["source"])
    return {"Type": "volume", "Name": name, "Source": os.path.join(rt.opts.graph_root, "volumes", name, "_data"),
            "Destination": m["destination"], "Driver": "local", "Mode": "",
            "Options": ["nosuid", "nodev", "rbind"], "RW": "ro" not in m["options"], "Propagation": "rprivate"}
