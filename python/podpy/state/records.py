"""What the state holds about a container: immutable config, mutable runtime state."""

from __future__ import annotations

from podpy.define.states import ContainerStatus
from podpy.util.jsonfast import loads
from podpy.util.record import asdict, field, fields, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class ContainerConfig:
    """Fixed at create time; stored as JSON."""

    id: str
    name: str
    image_id: str
    image_name: str
    created_at: str  # RFC 3339 with nanoseconds
    command: list[str]
    entrypoint: list[str]
    args: list[str]  # the process args: entrypoint + command
    env: list[str]
    workdir: str
    user: str
    hostname: str
    network_mode: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    auto_remove: bool = False
    log_driver: str = "k8s-file"
    log_path: str = ""
    stop_signal: int = 15
    stop_timeout: int = 10
    rootfs_from_image: bool = True
    rootfs_path: str = ""  # --rootfs: the directory the container runs in
    create_command: list[str] = field(default_factory=list)
    read_only: bool = False
    mounts: list[dict[str, Any]] = field(default_factory=list)  # bind and tmpfs mounts, OCI-shaped
    tty: bool = False  # -t: the process gets a pseudo-terminal
    stdin: bool = False  # -i: the monitor keeps the process's stdin open for attach clients
    security: dict[str, Any] = field(default_factory=dict)  # SecuritySpec as JSON
    resources: dict[str, Any] = field(default_factory=dict)  # ResourceSpec as JSON
    init: bool = False
    init_path: str = ""
    pidfile: str = ""
    systemd_mode: bool = False  # --systemd: tmpfs on /run, /tmp…, SIGRTMIN+3, writable systemd cgroup
    read_only_tmpfs: bool = True
    log_size_max: int = -1  # bytes; -1: no limit (--log-opt max-size, containers.conf log_size_max)
    log_tag: str = ""
    restart_policy: str = ""  # "" (none given), no, on-failure, always, unless-stopped
    restart_retries: int = 0  # on-failure:N
    networks: list[str] = field(default_factory=list)  # network_mode "bridge": the networks joined
    static_ip: str = ""  # --ip
    static_mac: str = ""  # --mac-address
    network_statics: dict[str, dict[str, str]] = field(default_factory=dict)  # connect --ip/--ip6/--mac-address
    ports: list[dict[str, Any]] = field(default_factory=list)  # -p, host ports resolved at create
    network_aliases: list[str] = field(default_factory=list)
    dns_servers: list[str] = field(default_factory=list)
    dns_search: list[str] = field(default_factory=list)
    dns_options: list[str] = field(default_factory=list)
    add_hosts: list[str] = field(default_factory=list)  # NAME:IP lines for /etc/hosts
    secrets: list[dict[str, Any]] = field(default_factory=list)  # --secret: name, id, type, target, uid, gid, mode
    oci_runtime: str = ""  # the runtime's name at create, as inspect shows it ("": older records)
    pod: str = ""  # the pod's ID for a member of a pod
    namespaces: dict[str, str] = field(default_factory=dict)  # ipc/uts/pid joined: "container:ID" or "ns:PATH"
    cgroup_parent: str = ""  # the pod's cgroup: the container's cgroup is made under it

    def to_json(self) -> str:
        import json

        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ContainerConfig:
        """Keys of older or newer podpy versions that this one lacks are dropped."""
        data = loads(text)
        known = _known_fields(cls)
        if known.issuperset(data):
            return cls(**data)
        return cls(**{k: v for k, v in data.items() if k in known})


_KNOWN: dict[type, frozenset[str]] = {}


def _known_fields(cls: type) -> frozenset[str]:
    known = _KNOWN.get(cls)
    if known is None:
        known = _KNOWN[cls] = frozenset(f.name for f in fields(cls))
    return known


@record(frozen=False)
class ContainerState:
    """Changes over the container's life; stored in indexed columns."""

    status: ContainerStatus = ContainerStatus.CONFIGURED
    pid: int = 0
    monitor_pid: int = 0
    exit_code: int = 0
    started_at: str = ""
    finished_at: str = ""
    oom_killed: bool = False
    rootfs: str = ""  # mount point while mounted
    boot_id: str = ""  # boot during which pid/rootfs were valid
    restart_count: int = 0  # restarts by the restart policy since the user last started it
    stopped_by_user: bool = False  # stop/kill: the restart policy leaves it stopped


@record(frozen=False)
class Container:
    config: ContainerConfig
    state: ContainerState

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def name(self) -> str:
        return self.config.name
