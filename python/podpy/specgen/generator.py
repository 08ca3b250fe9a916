"""The SpecGenerator: the user's request in sections, validated before it crosses a boundary."""

from __future__ import annotations

from podpy.define.names import validate_name
from podpy.errors import UsageError
from podpy.specgen.mounts import UserMount
from podpy.specgen.resources import ResourceSpec
from podpy.specgen.security import SecuritySpec
from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NETWORK_MODES = ("none", "host", "private", "bridge")
JOINABLE_NAMESPACES = ("ipc", "uts", "pid")


@record(frozen=False)
class BasicSpec:
    name: str = ""
    image: str = ""
    command: list[str] = field(default_factory=list)
    entrypoint: list[str] | None = None  # None: the image's; [] clears it
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = ""
    user: str = ""
    hostname: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    terminal: bool = False
    stdin: bool = False
    auto_remove: bool = False
    stop_signal: int = 15
    stop_timeout: int = 10
    init: bool = False  # --init: a tiny init (catatonit) as PID 1 that reaps and forwards signals
    init_path: str = ""  # "": containers.conf's init_path
    pidfile: str = ""
    systemd: str = "true"  # --systemd: true (when the command is an init), false, always
    systemd_mode: bool = False  # resolved at create from ``systemd`` and the command


@record(frozen=False)
class StorageSpec:
    read_only: bool = False
    read_only_tmpfs: bool = True  # with --read-only: tmpfs on /run, /tmp and /var/tmp (Podman's default)
    mounts: list[UserMount] = field(default_factory=list)
    secrets: list[dict[str, Any]] = field(default_factory=list)  # --secret references (names, not data)


@record(frozen=False)
class NetworkSpec:
    mode: str = "private"
    networks: list[str] = field(default_factory=list)  # mode "bridge": the networks to join (names)
    static_ip: str = ""
    static_mac: str = ""
    ports: list[dict[str, str | int]] = field(default_factory=list)  # -p: host_ip, host_port, container_port, protocol
    aliases: list[str] = field(default_factory=list)  # --network-alias: more names in the networks' DNS
    publish_all: bool = False  # -P: the image's EXPOSEd ports on free host ports
    dns_servers: list[str] = field(default_factory=list)  # --dns
    dns_search: list[str] = field(default_factory=list)  # --dns-search ("." clears the host's)
    dns_options: list[str] = field(default_factory=list)  # --dns-option
    add_hosts: list[str] = field(default_factory=list)  # --add-host NAME:IP


@record(frozen=False)
class NamespaceSpec:
    """Namespaces joined rather than made: ``modes`` maps ipc/uts/pid to "container:NAME" or "ns:PATH"
    ("" or "private": a new one; uts "host": the host's); ``pod``: the pod to join (its shared namespaces)."""

    pod: str = ""
    modes: dict[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        for kind, mode in self.modes.items():
            if kind not in JOINABLE_NAMESPACES:
                raise UsageError(f"unknown namespace kind {kind!r}")
            if mode in ("", "private") or (mode == "host" and kind in ("uts", "ipc", "pid")):
                continue
            target = mode.partition(":")[2]
            if not mode.startswith(("container:", "ns:")) or not target:
                raise UsageError(f"invalid --{kind} {mode!r}: expected private, host, container:ID or ns:PATH")


@record(frozen=False)
class SpecGenerator:
    basic: BasicSpec = field(default_factory=BasicSpec)
    storage: StorageSpec = field(default_factory=StorageSpec)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    security: SecuritySpec = field(default_factory=SecuritySpec)
    resources: ResourceSpec = field(default_factory=ResourceSpec)
    namespaces: NamespaceSpec = field(default_factory=NamespaceSpec)

    def validate(self) -> None:
        self.security.validate()
        self.namespaces.validate()
        self.resources.validate()
        if not self.basic.image:
            raise UsageError("an image or a root filesystem is required")
        if self.basic.name:
            validate_name(self.basic.name)
        joined = self.network.mode.startswith(("container:", "ns:"))
        if joined and not self.network.mode.partition(":")[2]:
            raise UsageError(f"invalid network mode {self.network.mode!r}: expected container:ID or ns:PATH")
        if self.network.mode not in NETWORK_MODES and not joined:
            if self.network.mode in ("slirp4netns", "pasta"):
                raise UsageError(f"network mode {self.network.mode!r} is not supported yet "
                                 "(use --network none, host, bridge or a network's name)")
            raise UsageError(f"invalid network mode {self.network.mode!r}")
        if self.network.mode == "bridge" and not self.network.networks:
            raise UsageError("network mode bridge needs a network to join")
        if self.network.aliases and self.network.mode != "bridge":
            raise UsageError("--network-alias can only be used with bridge networks")
        for entry in self.network.add_hosts:
            host, sep, addr = entry.partition(":")
            if not sep or not host or not addr:
                raise UsageError(f"invalid --add-host {entry!r}: expected HOST:IP")
        if (self.network.ports or self.network.publish_all) and self.network.mode != "bridge":
            raise UsageError("port mappings need a bridge network: they cannot be used with network mode "
                             f"{self.network.mode}")
        if (self.network.static_ip or self.network.static_mac) and self.network.mode != "bridge":
            raise UsageError("--ip and --mac-address can only be set for containers on a bridge network")
        for key in self.basic.env:
            if not key or "=" in key:
                raise UsageError(f"invalid environment variable name {key!r}")
