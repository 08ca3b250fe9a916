"""A network's configuration as podpy keeps it, and Podman 4's JSON shape for it."""

from __future__ import annotations

import json

from podpy.util.record import asdict, field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_NETWORK = "podman"
# Podman's fixed ID for its default network (scripts compare it).
DEFAULT_NETWORK_ID = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"


@record
class Subnet:
    subnet: str  # CIDR, network address
    gateway: str
    range_start: str = ""  # --ip-range: first and last address handed out
    range_end: str = ""


@record
class Network:
    name: str
    id: str
    driver: str
    interface: str  # the bridge's name; macvlan and ipvlan: the parent interface
    created: str  # RFC 3339
    subnets: list[Subnet] = field(default_factory=list)
    ipv6: bool = False
    internal: bool = False
    dns_enabled: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Network:
        data = json.loads(text)
        data["subnets"] = [Subnet(**s) for s in data.get("subnets", [])]
        return cls(**data)

    @property
    def mtu(self) -> int:
        return int(self.options.get("mtu") or 0)

    def inspect(self) -> dict[str, Any]:
        """Podman 4's `network inspect` object (empty labels and options left out, as Go's omitempty does)."""
        subnets: list[dict[str, Any]] = []
        for s in self.subnets:
            item: dict[str, Any] = {"subnet": s.subnet, "gateway": s.gateway}
            if s.range_start:
                item["lease_range"] = {"start_ip": s.range_start, "end_ip": s.range_end}
            subnets.append(item)
        out: dict[str, Any] = {"name": self.name, "id": self.id, "driver": self.driver,
                               "network_interface": self.interface, "created": self.created, "subnets": subnets,
                               "ipv6_enabled": self.ipv6, "internal": self.internal,
                               "dns_enabled": self.dns_enabled}
        if self.labels:
            out["labels"] = dict(self.labels)
        if self.options:
            out["options"] = dict(self.options)
        out["ipam_options"] = {"driver": "host-local"}
        return out


@record
class Attachment:
    """One container's place on one network while it runs."""

    network: str
    ip: str
    mac: str
    prefix_len: int
    gateway: str
    dns: bool = False  # the network resolves container names (aardvark-dns on the gateway)
    ip6: str = ""  # a dual-stack or IPv6-only network's IPv6 address ("" ip then on IPv6-only ones)
    prefix_len6: int = 0
    gateway6: str = ""


@record
class PortRule:
    """One published port of a running container: host_ip "" is every host address."""

    host_ip: str
    host_port: int
    container_ip: str
    container_port: int
    protocol: str  # tcp | udp
    container_ip6: str = ""  # on a dual-stack network: forwarded over IPv6 too (host_ip "" only)
