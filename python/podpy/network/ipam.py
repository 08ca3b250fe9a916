"""Address arithmetic for IPAM: subnets, gateways, the next free address (the state keeps the leases).

Both families: IPv4 subnets from Podman's pools, IPv6 ones a random ULA /64 (fdXX:XXXX:XXXX:XXXX::/64).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Collection, Iterable

from podpy.errors import UsageError
from podpy.network.records import Subnet

# Podman's default pool: /24s out of 10.89.0.0/16 for user networks.
DEFAULT_POOL = ("10.89.0.0/16", 24)


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_subnet(text: str) -> IPNetwork:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError as e:
        raise UsageError(f"invalid subnet {text!r}: {e}") from None
    if net.prefixlen > net.max_prefixlen - 2:
        raise UsageError(f"subnet {text} is too small")
    return net


def is_ipv6(subnet: Subnet) -> bool:
    return ":" in subnet.subnet


def parse_address(text: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise UsageError(f"invalid IP address {text!r}") from None


def make_subnet(text: str, gateway: str = "", ip_range: str = "") -> Subnet:
    """A Subnet with the gateway defaulting to the first host address, as Podman does."""
    net = parse_subnet(text)
    gw = parse_address(gateway) if gateway else net.network_address + 1
    if gw.version != net.version or gw not in net or gw in (net.network_address, net.broadcast_address):
        raise UsageError(f"gateway {gw} not in subnet {net}")
    start = end = ""
    if ip_range:
        rng = parse_subnet(ip_range)
        if rng.version != net.version or not rng.subnet_of(net):  # type: ignore[arg-type]
            raise UsageError(f"ip-range {ip_range} is not in subnet {net}")
        first = rng.network_address + (1 if rng.network_address == net.network_address else 0)
        last = rng.broadcast_address - (1 if rng.broadcast_address == net.broadcast_address else 0)
        start, end = str(first), str(last)
    return Subnet(subnet=str(net), gateway=str(gw), range_start=start, range_end=end)


def host_networks(extra: Iterable[str] = ()) -> list[IPNetwork]:
    """The networks routed on this host (/proc/net/route, ipv6_route), plus ``extra`` (other networks' subnets)."""
    found: list[IPNetwork] = []
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
    try:
        with open("/proc/net/ipv6_route") as f:
            for line in f:
                cols = line.split()
                if len(cols) >= 2 and int(cols[1], 16):
                    found.append(ipaddress.IPv6Network(f"{ipaddress.IPv6Address(bytes.fromhex(cols[0]))}/"
                                                       f"{int(cols[1], 16)}", strict=False))
    except (OSError, ValueError):
        pass
    found.extend(ipaddress.ip_network(s) for s in extra)
    return found


def overlaps(net: IPNetwork, taken: Iterable[IPNetwork]) -> bool:
    return any(t.version == net.version and net.overlaps(t) for t in taken)


def free_subnet(preferred: str, taken: Collection[IPNetwork], start: int = 0) -> str:
    """``preferred`` if it clashes with nothing taken, else the first free /24 of the default pool from its
    ``start``-th one on (wrapping around)."""
    if preferred:
        net = parse_subnet(preferred)
        if not overlaps(net, taken):
            return str(net)
    pool, prefix = DEFAULT_POOL
    candidates = list(ipaddress.IPv4Network(pool).subnets(new_prefix=prefix))
    start %= len(candidates)
    for candidate in candidates[start:] + candidates[:start]:
        if not overlaps(candidate, taken):
            return str(candidate)
    raise UsageError("could not find a free subnet for the network: every subnet of the pool is in use")


def free_ipv6_subnet(taken: Collection[IPNetwork]) -> str:
    """A random unique-local /64 (RFC 4193's fd00::/8 with a random global ID and subnet), as Podman picks."""
    for _ in range(100):
        candidate = ipaddress.IPv6Network((b"\xfd" + os.urandom(7) + bytes(8), 64))
        if not overlaps(candidate, taken):
            return str(candidate)
    raise UsageError("could not find a free IPv6 subnet for the network")


def next_address(subnet: Subnet, used: Collection[str]) -> str | None:
    """The first address of the subnet (or its --ip-range) that is neither the gateway nor used."""
    net = ipaddress.ip_network(subnet.subnet)
    first = ipaddress.ip_address(subnet.range_start) if subnet.range_start else net.network_address + 1
    last = ipaddress.ip_address(subnet.range_end) if subnet.range_end else net.broadcast_address - 1
    taken = set(used) | {subnet.gateway}
    addr = first
    while addr <= last:  # type: ignore[operator]
        if str(addr) not in taken:
            return str(addr)
        addr += 1
    return None


def check_static(subnet: Subnet, ip: str) -> str:
    addr = parse_address(ip)
    net = ipaddress.ip_network(subnet.subnet)
    if addr.version != net.version or addr not in net or addr in (net.network_address, net.broadcast_address) \
            or str(addr) == subnet.gateway:
        raise UsageError(f"requested static ip {ip} not in any subnet on network")
    return str(addr)


def family_subnet(subnets: Iterable[Subnet], ipv6: bool) -> Subnet | None:
    """The network's first subnet of that family (one address per family is leased)."""
    return next((s for s in subnets if is_ipv6(s) == ipv6), None)


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
    return int(subnet.subnet.rsplit("/", 1)[1])
