"""Options and Reports that cross the engine boundary. Plain, JSON-able dataclasses."""

from __future__ import annotations

from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class EngineOptions:
    """The CLI's global flags."""

    root: str | None = None
    runroot: str | None = None
    storage_driver: str | None = None
    runtime: str | None = None
    cgroup_manager: str | None = None
    log_level: str = "warn"


@record
class RunOptions:
    image: str
    command: list[str] = field(default_factory=list)
    name: str = ""
    detach: bool = False
    remove: bool = False
    entrypoint: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = ""
    user: str = ""
    hostname: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    network: str = "private"
    read_only: bool = False
    volumes: list[str] = field(default_factory=list)
    tmpfs: list[str] = field(default_factory=list)
    replace: bool = False
    cidfile: str = ""
    tty: bool = False
    interactive: bool = False
    detach_keys: str | None = None  # None: containers.conf's engine.detach_keys
    sig_proxy: bool = True
    annotations: dict[str, str] = field(default_factory=dict)
    stop_signal: str = ""
    stop_timeout: int | None = None
    # security (as the flags give them; the engine parses and validates)
    privileged: bool = False
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    security_opt: list[str] = field(default_factory=list)
    group_add: list[str] = field(default_factory=list)
    oom_score_adj: int | None = None
    # resources
    memory: str = ""
    memory_reservation: str = ""
    memory_swap: str = ""
    cpus: str = ""
    cpu_shares: int | None = None
    cpu_period: int | None = None
    cpu_quota: int | None = None
    cpuset_cpus: str = ""
    cpuset_mems: str = ""
    pids_limit: int | None = None
    ulimits: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    init: bool = False
    init_path: str = ""
    pidfile: str = ""
    systemd: str = "true"  # --systemd true|false|always
    userns: str = ""  # --userns ("" or host: the host's user namespace)
    uidmap: list[str] = field(default_factory=list)  # --uidmap CONTAINER:HOST:SIZE
    gidmap: list[str] = field(default_factory=list)
    read_only_tmpfs: bool = True
    mounts: list[str] = field(default_factory=list)  # --mount values
    secrets: list[str] = field(default_factory=list)  # --secret values
    rootfs: bool = False  # --rootfs: ``image`` is a directory to run in
    pull: str = "missing"  # always | missing | never | newer
    env_host: bool = False
    log_driver: str = ""  # "": containers.conf's log_driver
    log_opts: list[str] = field(default_factory=list)  # --log-opt KEY=VALUE (max-size, path, tag)
    restart: str = ""  # --restart no|on-failure[:N]|always|unless-stopped
    ip: str = ""  # --ip: a static address on the (first) network
    mac_address: str = ""  # --mac-address
    publish: list[str] = field(default_factory=list)  # -p [ip:][hostPort:]containerPort[/tcp|udp]
    network_aliases: list[str] = field(default_factory=list)
    publish_all: bool = False  # -P
    dns: list[str] = field(default_factory=list)
    dns_search: list[str] = field(default_factory=list)
    dns_options: list[str] = field(default_factory=list)
    add_hosts: list[str] = field(default_factory=list)
    pod: str = ""  # --pod NAME, or new:NAME to make the pod first
    pod_id_file: str = ""
    ipc: str = ""  # --ipc/--uts/--pid: private, host, container:ID or ns:PATH ("": the default)
    uts: str = ""
    pid: str = ""


@record
class AttachOptions:
    """How a CLI attaches to a container's streams (`attach`, `start -a`)."""

    no_stdin: bool = False
    detach_keys: str | None = None  # None: containers.conf's engine.detach_keys
    sig_proxy: bool = True


@record
class RunReport:
    id: str
    exit_code: int | None  # None when detached


@record
class PsOptions:
    all: bool = False
    latest: bool = False
    last: int = -1
    filters: dict[str, list[str]] = field(default_factory=dict)
    size: bool = False  # compute RwSize/RootFsSize (walks each writable layer: only when asked)


@record
class ListContainer:
    """One row of `ps`, with Podman's field names (they are what --format templates use)."""

    ID: str
    Names: list[str]
    Image: str
    ImageID: str
    Command: list[str]
    Created: int
    CreatedAt: str
    State: str
    Status: str
    ExitCode: int
    Exited: bool
    ExitedAt: int
    StartedAt: int
    Pid: int
    Labels: dict[str, str]
    AutoRemove: bool
    Ports: list[Any] = field(default_factory=list)
    Mounts: list[str] = field(default_factory=list)
    Networks: list[str] = field(default_factory=list)
    Pod: str = ""
    PodName: str = ""
    IsInfra: bool = False
    Namespaces: dict[str, str] = field(default_factory=dict)
    Size: Any = None


@record
class UpdateOptions:
    """`update`: the resource flags that were given (empty / None: unchanged)."""

    memory: str = ""
    memory_reservation: str = ""
    memory_swap: str = ""
    cpus: str = ""
    cpu_shares: int | None = None
    cpu_period: int | None = None
    cpu_quota: int | None = None
    cpuset_cpus: str = ""
    cpuset_mems: str = ""
    pids_limit: int | None = None


@record
class ContainerStats:
    """One sample of a container's resource use (Podman's stats fields, raw numbers)."""

    ID: str
    Name: str
    CPUNano: int  # CPU time used since start
    SystemNano: int  # monotonic clock at the sample, for CPU % between two samples
    UpTime: float  # seconds since the container started
    MemUsage: int
    MemLimit: int
    NetInput: int = 0
    NetOutput: int = 0
    BlockInput: int = 0
    BlockOutput: int = 0
    PIDs: int = 0


@record
class RmOptions:
    force: bool = False
    all: bool = False
    ignore: bool = False
    timeout: int = 10
    volumes: bool = False  # -v: the containers' anonymous volumes go too


@record
class ItemReport:
    """Per-item result of a verb over several names: ``error`` set when that item failed."""

    id: str
    error: str = ""
    exit_code: int = 0
    reason: str = ""  # the PodpyError code of a failure (stable, never the message)


@record
class LogsOptions:
    timestamps: bool = False
    tail: int = -1
    names: bool = False
    follow: bool = False
    since: float | None = None  # seconds since the epoch
    until: float | None = None


@record
class LogLine:
    stream: str  # stdout | stderr
    timestamp: str
    text: bytes
    partial: bool
    container: str = ""


@record
class ImageSummary:
    """One row of `images`, with Podman's field names."""

    ID: str
    Names: list[str]
    RepoTags: list[str]
    RepoDigests: list[str]
    Digest: str
    Created: int
    CreatedAt: str
    Size: int
    VirtualSize: int
    SharedSize: int
    Labels: dict[str, str]
    Containers: int
    Dangling: bool
    ReadOnly: bool = False
    ParentId: str = ""
    History: list[str] = field(default_factory=list)


@record
class LoadReport:
    names: list[str]


@record
class InspectReport:
    """Inspect output keyed by the name the user gave; ``data`` is Podman's JSON shape."""

    name: str
    data: dict[str, Any] | None
    error: str = ""


@record
class StopOptions:
    all: bool = False
    ignore: bool = False
    timeout: int | None = None  # None: the container's own stop timeout
    running: bool = False  # restart --all --running: only the containers that run now


@record
class KillOptions:
    signal: int = 9
    all: bool = False


@record
class WaitReport:
    id: str
    exit_code: int = 0
    error: str = ""
    missing: bool = False  # the error is that no such container exists


@record
class ExecOptions:
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    user: str = ""
    workdir: str = ""
    detach: bool = False
    interactive: bool = False
    tty: bool = False
    privileged: bool = False
    detach_keys: str | None = None  # None: containers.conf's engine.detach_keys


@record
class RmiReport:
    """What `rmi` did for one argument: names untagged, image IDs deleted, or the failure."""

    name: str
    untagged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    error: str = ""
    reason: str = ""


@record
class HistoryEntry:
    """One row of `history`, with Podman's field names."""

    ID: str
    Created: str
    CreatedBy: str
    Size: int
    Comment: str
    Tags: list[str] = field(default_factory=list)


@record
class RegistryOptions:
    """How to reach registries: the flags pull, login and (later) push and search share."""

    tls_verify: bool | None = None  # None: registries.conf decides
    authfile: str = ""
    cert_dir: str = ""
    creds: str = ""  # USER[:PASSWORD]
    retry: int | None = None  # None: 3
    retry_delay: str = ""  # a Go duration ("2s", "500ms"); "": 1 s, doubling


@record
class PullOptions:
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    all_tags: bool = False
    platform: str = ""
    arch: str = ""
    os: str = ""
    variant: str = ""
    policy: str = "always"  # always | missing | never | newer (`run --pull` uses missing)
    quiet: bool = False  # no progress on stderr
    signature_policy: str = ""  # policy.json to use instead of the default one


@record
class PullReport:
    images: list[str]  # image IDs, one per pulled reference


@record
class LoginOptions:
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    server: str = ""
    username: str = ""
    password: str | None = None
    get_login: bool = False


@record
class SaveOptions:
    format: str = "docker-archive"  # docker-archive | oci-archive | oci-dir | docker-dir
    output: str = ""  # a file (archives) or directory (dir formats); "" for the stream given to save()
    multi_image: bool = False
    compress: bool = False  # docker-dir: gzip the layers


@record
class SaveReport:
    warnings: list[str] = field(default_factory=list)


@record
class PushOptions:
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    format: str = ""  # "" (the image's own manifest type) | oci | v2s2
    compression_format: str = ""  # "": gzip
    compression_level: int | None = None
    compress: bool = False  # the dir: transport's --compress
    remove_signatures: bool = False
    quiet: bool = False


@record
class PushReport:
    digest: str = ""  # the manifest digest ("" for archive transports)
    warnings: list[str] = field(default_factory=list)


@record
class ChangesReport:
    """A filesystem's changes against its base, as `podman diff` lists them (paths sorted)."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@record
class CommitOptions:
    changes: list[str] = field(default_factory=list)
    message: str = ""
    author: str = ""
    pause: bool = False
    squash: bool = False
    format: str = "oci"  # oci | docker
    include_volumes: bool = False


@record
class ImageMountReport:
    """A mounted image (`image mount`): Podman's JSON keys are id, Names, Repositories, mountpoint."""

    id: str
    names: list[str] = field(default_factory=list)  # digests
    repositories: list[str] = field(default_factory=list)
    mountpoint: str = ""
    error: str = ""
    reason: str = ""


@record
class TreeLayer:
    id: str
    size: int
    top_layer_of: list[str] = field(default_factory=list)  # names of the images whose top layer it is


@record
class ImageTreeReport:
    """An image's layers base first (or, with --whatrequires, its top layer and the layers built on it)."""

    id: str
    tags: list[str]
    size: int
    layers: list[TreeLayer] = field(default_factory=list)


@record
class NetworkCreateOptions:
    name: str = ""  # "": podman1, podman2, …
    driver: str = "bridge"
    subnets: list[str] = field(default_factory=list)  # IPv4 or IPv6 CIDRs; gateways and ranges by position
    gateways: list[str] = field(default_factory=list)
    ip_ranges: list[str] = field(default_factory=list)
    ipv6: bool = False  # dual stack: an IPv6 subnet (a random ULA /64 when none is given) beside the IPv4 one
    internal: bool = False
    disable_dns: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    ignore: bool = False  # --ignore: an existing network of that name is no error


@record
class ManifestAddOptions:
    """`manifest create/add/annotate`: which entries to take and what to record about them."""

    registry: RegistryOptions = field(default_factory=RegistryOptions)
    all: bool = False  # a list given: add all of its entries, not only the host's
    os: str = ""
    arch: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)


@record
class ManifestPushOptions:
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    all: bool = True  # push the images the list names (Podman 4.3.1's default), then the list
    format: str = ""  # "" (oci), "oci" or "v2s2"
    remove: bool = False  # --rm: delete the local list once pushed
    digestfile: str = ""
    quiet: bool = False
    compression_format: str = ""
    remove_signatures: bool = False


@record
class SearchOptions:
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    limit: int = 0  # 0: 25 results (Podman's default), or every tag with list_tags
    list_tags: bool = False
    filters: dict[str, list[str]] = field(default_factory=dict)  # stars=N, is-official, is-automated
    no_trunc: bool = False


@record
class SearchResult:
    """One row of `search` (field names are what --format templates see)."""

    Index: str
    Name: str
    Description: str = ""
    Stars: int = 0
    Official: str = ""
    Automated: str = ""
    Tag: str = ""


@record
class SearchTags:
    """`search --list-tags`: one repository's tags."""

    Name: str
    Tags: list[str] = field(default_factory=list)


@record
class PodCreateOptions:
    """`pod create`, as the flags give them (the engine parses and validates)."""

    name: str = ""
    infra: bool = True
    infra_image: str = ""
    infra_command: list[str] | None = None
    infra_name: str = ""
    share: str | None = None  # None: ipc,net,uts
    publish: list[str] = field(default_factory=list)
    network: str = ""
    hostname: str = ""
    add_hosts: list[str] = field(default_factory=list)
    dns: list[str] = field(default_factory=list)
    dns_search: list[str] = field(default_factory=list)
    dns_options: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    pod_id_file: str = ""
    replace: bool = False
    exit_policy: str = "continue"
    cpus: str = ""
    memory: str = ""
    pids_limit: int | None = None
    memory_swap: str = ""
    cpu_shares: int | None = None
    cpuset_cpus: str = ""
    cpuset_mems: str = ""


@record
class PodContainerInfo:
    Id: str
    Names: str
    Status: str


@record
class ListPod:
    """One row of `pod ps`, with Podman's field names in its JSON order."""

    Cgroup: str = ""
    Containers: list[PodContainerInfo] = field(default_factory=list)
    Created: str = ""
    Id: str = ""
    InfraId: str = ""
    Name: str = ""
    Namespace: str = ""
    Networks: list[str] = field(default_factory=list)
    Status: str = ""
    Labels: dict[str, str] = field(default_factory=dict)


@record
class PodRmOptions:
    force: bool = False
    all: bool = False
    ignore: bool = False
    timeout: int | None = None
