"""NAT and filtering in nftables tables of podpy's own, applied as one `nft -f -` transaction.

The whole tables are rewritten from the networks in use each time (one atomic transaction): they are
small, and a rewrite cannot drift from the leases the state holds. IPv4 rules live in an `ip` table,
IPv6 ones (NAT66 and forwarding, as netavark does) in an `ip6` table of the same name, present only
while a network with an IPv6 subnet is in use.
"""

from __future__ import annotations

import subprocess

from podpy.errors import PodpyError
from podpy.network.records import Network, PortRule

TABLE = "podpy"  # the default store's table; other stores (tests, --root) get podpy_<hash> of their own


class FirewallError(PodpyError):
    code = "firewall"


def _family_subnets(net: Network, ipv6: bool) -> list[str]:
    return [s.subnet for s in net.subnets if (":" in s.subnet) == ipv6]


def _table(family: str, table: str, networks: list[Network], ports: list[PortRule]) -> list[str]:
    """One family's table: ``family`` "ip" or "ip6" (its address match keyword too)."""
    ipv6 = family == "ip6"
    if ipv6:
        ports = [p for p in ports if p.container_ip6 and not p.host_ip]
    lines = [f"table {family} {table} {{"]
    if ports:
        lines.append("  chain hostports {")
        for p in ports:
            if ipv6:
                lines.append(f"    {p.protocol} dport {p.host_port} dnat to [{p.container_ip6}]:{p.container_port}")
                continue
            match = f"ip daddr {p.host_ip} " if p.host_ip and p.host_ip != "0.0.0.0" else ""
            lines.append(f"    {match}{p.protocol} dport {p.host_port} dnat to {p.container_ip}:{p.container_port}")
        lines.append("  }")
        lines.append("  chain prerouting {")
        lines.append("    type nat hook prerouting priority dstnat; policy accept;")
        lines.append("    fib daddr type local jump hostports")
        lines.append("  }")
        lines.append("  chain output {")
        lines.append("    type nat hook output priority -100; policy accept;")
        lines.append("    fib daddr type local jump hostports")
        lines.append("  }")
    lines.append("  chain postrouting {")
    lines.append("    type nat hook postrouting priority srcnat; policy accept;")
    if ports:
        for net in networks:
            if not ipv6:
                lines.append(f'    oifname "{net.interface}" ip saddr 127.0.0.0/8 masquerade')
            for s in _family_subnets(net, ipv6):
                lines.append(f"    ct status dnat {family} saddr {s} {family} daddr {s} masquerade")
    for net in networks:
        if net.internal:
            continue
        for s in _family_subnets(net, ipv6):
            lines.append(f"    {family} saddr {s} {family} daddr != {s} masquerade")
    lines.append("  }")
    lines.append("  chain forward {")
    lines.append("    type filter hook forward priority filter; policy accept;")
    for net in networks:
        if net.internal:
            lines.append(f'    iifname "{net.interface}" oifname != "{net.interface}" drop')
            lines.append(f'    oifname "{net.interface}" iifname != "{net.interface}" drop')
            continue
        for s in _family_subnets(net, ipv6):
            lines.append(f"    {family} daddr {s} ct state related,established accept")
            lines.append(f"    {family} saddr {s} accept")
    lines.append("  }")
    lines.append("}")
    return lines


def ruleset(table: str, networks: list[Network], ports: list[PortRule] | None = None) -> str:
    """The `nft -f` script that makes the tables hold exactly the rules for ``networks`` (none: no table).

    Published ports are DNATed in prerouting (from outside) and output (from the host itself, 127.0.0.1
    included: the bridges get route_localnet and such packets are masqueraded onto the bridge).
    """
    lines = [f"table ip {table} {{}}", f"delete table ip {table}", f"table ip6 {table} {{}}",
             f"delete table ip6 {table}"]
    v6 = [n for n in networks if _family_subnets(n, True)]
    if not networks:
        return "\n".join(lines) + "\n"
    lines += _table("ip", table, networks, ports or [])
    if v6:
        lines += _table("ip6", table, v6, ports or [])
    return "\n".join(lines) + "\n"


def apply(table: str, networks: list[Network], ports: list[PortRule] | None = None) -> None:
    script = ruleset(table, networks, ports)
    try:
        proc = subprocess.run(["nft", "-f", "-"], input=script.encode(), capture_output=True, check=False)
    except FileNotFoundError:
        raise FirewallError("nft not found: install the nftables package") from None
    if proc.returncode != 0:
        raise FirewallError(f"nft: {proc.stderr.decode(errors='replace').strip()}")
