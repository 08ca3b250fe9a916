"""Address arithmetic for IPAM: subnets, gateways, the next free address (the state keeps the leases)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Collection, Iterable

from podpy.errors import UsageError
from podpy.network.records import Subnet

# Podman's default pool: /24s out of 10.89.0.0/16 for user networks.
DEFAULT_POOL = ("10.89.0.0/16", 24)


def parse_subnet(text: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError as e:
        raise UsageError(f"invalid subnet {text!r}: {e}") from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise UsageError(f"subnet {text}: IPv6 networks are not supported yet")
    if net.prefixlen > 30:
        raise UsageError(f"subnet {text} is too small")
    return net


def make_subnet(text: str, gateway: str = "", ip_range: str = "") -> Subnet:
    """A Subnet with the gateway defaulting to the first host address, as Podman does."""
    net = parse_subnet(text)
    gw = ipaddress.IPv4Address(gateway) if gateway else net.network_address + 1
    if gw not in net or gw in (net.network_address, net.broadcast_address):
        raise UsageError(f"gateway {gw} not in subnet {net}")
    start = end = ""
    if ip_range:
        rng = parse_subnet(ip_range)
        if not rng.subnet_of(net):
            raise UsageError(f"ip-range {ip_range} is not in subnet {net}")
        first = rng.network_address + (1 if rng.network_address == net.network_address else 0)
        last = rng.broadcast_address - (1 if rng.broadcast_address == net.broadcast_address else 0)
        start, end = str(first), str(last)
    return Subnet(subnet=str(net), gateway=str(gw), range_start=start, range_end=end)


def host_networks(extra: Iterable[str] = ()) -> list[ipaddress.IPv4Network]:
    """The IPv4 networks routed on this host (/proc/net/route), plus ``extra`` (other networks' subnets)."""
    found: list[ipaddress.IPv4Network] = []
    try:
        with open("/proc/net/route") as f:
            next(f, None)
            for line in f:
                cols = line.split()
                if len(cols) < 8:
                    continue
                dest = ipaddress.IPv4Address(int(cols[1], 16).to_bytes(4, "little"))
                mask = ipaddress.IPv4Address(int(cols[7], 16).to_bytes(4, "little"))
                if int(mask) == 0:
                    continue  # the default route clashes with nothing
                found.append(ipaddress.IPv4Network(f"{dest}/{mask}", strict=False))
    except OSError:
        pass
    found.extend(ipaddress.IPv4Network(s) for s in extra)
    return found


def free_subnet(preferred: str, taken: Collection[ipaddress.IPv4Network]) -> str:
    """``preferred`` if it clashes with nothing taken, else the first free /24 of the default pool."""
    if preferred:
        net = parse_subnet(preferred)
        if not any(net.overlaps(t) for t in taken):
            return str(net)
    pool, prefix = DEFAULT_POOL
    for candidate in ipaddress.IPv4Network(pool).subnets(new_prefix=prefix):
        if not any(candidate.overlaps(t) for t in taken):
            return str(candidate)
    raise UsageError("could not find a free subnet for the network: every subnet of the pool is in use")


def next_address(subnet: Subnet, used: Collection[str]) -> str | None:
    """The first address of the subnet (or its --ip-range) that is neither the gateway nor used."""
    net = ipaddress.IPv4Network(subnet.subnet)
    first = ipaddress.IPv4Address(subnet.range_start) if subnet.range_start else net.network_address + 1
    last = ipaddress.IPv4Address(subnet.range_end) if subnet.range_end else net.broadcast_address - 1
    taken = set(used) | {subnet.gateway}
    addr = first
    while addr <= last:
        if str(addr) not in taken:
            return str(addr)
        addr += 1
    return None


def check_static(subnet: Subnet, ip: str) -> str:
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        raise UsageError(f"invalid IP address {ip!r}") from None
    net = ipaddress.IPv4Network(subnet.subnet)
    if addr not in net or addr in (net.network_address, net.broadcast_address) or str(addr) == subnet.gateway:
        raise UsageError(f"requested static ip {ip} not in any subnet on network")
    return str(addr)


def random_mac() -> str:
    """A locally administered unicast MAC."""
    b = bytearray(os.urandom(6))
    b[0] = (b[0] & 0xFC) | 0x02
    return ":".join(f"{x:02x}" for x in b)


def check_mac(text: str) -> str:
    parts = text.lower().replace("-", ":").split(":")
    if len(parts) != 6 or not all(len(p) == 2 and all(c in "0123456789abcdef" for c in p) for p in parts):
        raise UsageError(f"invalid MAC address {text!r}")
    if int(parts[0], 16) & 1:
        raise UsageError(f"MAC address {text} is a multicast address")
    return ":".join(parts)


def prefix_len(subnet: Subnet) -> int:
    return ipaddress.IPv4Network(subnet.subnet).prefixlen
