"""NAT and filtering in an nftables table of podpy's own, applied as one `nft -f -` transaction.

The whole table is rewritten from the networks in use each time (one atomic transaction): it is small,
and a rewrite cannot drift from the leases the state holds.
"""

from __future__ import annotations

import subprocess

from podpy.errors import PodpyError
from podpy.network.records import Network, PortRule

TABLE = "podpy"  # the default store's table; other stores (tests, --root) get podpy_<hash> of their own


class FirewallError(PodpyError):
    code = "firewall"


def ruleset(table: str, networks: list[Network], ports: list[PortRule] | None = None) -> str:
    """The `nft -f` script that makes the table hold exactly the rules for ``networks`` (none: no table).

    Published ports are DNATed in prerouting (from outside) and output (from the host itself, 127.0.0.1
    included: the bridges get route_localnet and such packets are masqueraded onto the bridge).
    """
    lines = [f"table ip {table} {{}}", f"delete table ip {table}"]
    if not networks:
        return "\n".join(lines) + "\n"
    lines.append(f"table ip {table} {{")
    if ports:
        lines.append("  chain hostports {")
        for p in ports:
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
            lines.append(f'    oifname "{net.interface}" ip saddr 127.0.0.0/8 masquerade')
            for s in net.subnets:
                lines.append(f"    ct status dnat ip saddr {s.subnet} ip daddr {s.subnet} masquerade")
    for net in networks:
        if net.internal:
            continue
        for s in net.subnets:
            lines.append(f"    ip saddr {s.subnet} ip daddr != {s.subnet} masquerade")
    lines.append("  }")
    lines.append("  chain forward {")
    lines.append("    type filter hook forward priority filter; policy accept;")
    for net in networks:
        for s in net.subnets:
            if net.internal:
                lines.append(f'    iifname "{net.interface}" oifname != "{net.interface}" drop')
                lines.append(f'    oifname "{net.interface}" iifname != "{net.interface}" drop')
            else:
                lines.append(f"    ip daddr {s.subnet} ct state related,established accept")
                lines.append(f"    ip saddr {s.subnet} accept")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def apply(table: str, networks: list[Network], ports: list[PortRule] | None = None) -> None:
    script = ruleset(table, networks, ports)
    try:
        proc = subprocess.run(["nft", "-f", "-"], input=script.encode(), capture_output=True, check=False)
    except FileNotFoundError:
        raise FirewallError("nft not found: install the nftables package") from None
    if proc.returncode != 0:
        raise FirewallError(f"nft: {proc.stderr.decode(errors='replace').strip()}")
