"""The netlink facade: bridges, veth pairs, addresses and routes (through podpy.network.rtnl).

podpy's own small rtnetlink client replaced pyroute2 here: importing pyroute2 cost more than the
whole network setup of a container (see rtnl).
"""

from __future__ import annotations

import errno
import os

from podpy.network import netns
from podpy.network.records import Attachment, Network
from podpy.network.rtnl import Netlink, index


def ensure_bridge(net: Network) -> None:
    """The network's bridge, up, with the gateway addresses (made if missing; a concurrent maker is fine)."""
    with Netlink() as nl:
        if not index(net.interface):
            try:
                nl.add_bridge(net.interface, net.mtu)
            except OSError as e:
                if e.errno != errno.EEXIST:
                    raise
        idx = index(net.interface)
        for s in net.subnets:
            try:
                nl.add_address(idx, s.gateway, int(s.subnet.split("/")[1]))
            except OSError as e:
                if e.errno != errno.EEXIST:
                    raise
        nl.set_link(idx, up=True)


def delete_link(name: str) -> None:
    idx = index(name)
    if not idx:
        return
    with Netlink() as nl:
        try:
            nl.delete_link(idx)
        except OSError as e:
            if e.errno not in (errno.ENODEV, errno.ENOENT):
                raise


def link_exists(name: str) -> bool:
    return bool(index(name))


def attach(net: Network, host_if: str, ns_path: str, ifname: str, att: Attachment, *, default_route: bool = True
           ) -> None:
    """A veth pair: ``host_if`` on the bridge, ``ifname`` in the namespace with the address (and the default
    route through this network's gateway when ``default_route``: the first network's)."""
    with Netlink() as nl:
        fd = os.open(ns_path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            nl.add_veth(host_if, ifname, fd, net.mtu)
        finally:
            os.close(fd)
        nl.set_link(index(host_if), up=True, master=index(net.interface))

    def inside() -> None:
        with Netlink() as nnl:
            nnl.set_link(index("lo"), up=True)
            idx = index(ifname)
            nnl.set_link(idx, up=True, mac=att.mac)
            nnl.add_address(idx, att.ip, att.prefix_len)
            if default_route and not net.internal:
                nnl.add_default_route(att.gateway, idx)

    netns.run_in(ns_path, inside)


def enable_forwarding() -> None:
    path = "/proc/sys/net/ipv4/ip_forward"
    with open(path) as f:
        if f.read().strip() == "1":
            return
    with open(path, "w") as f:
        f.write("1")


def route_localnet(bridge: str) -> None:
    """Let packets from 127.0.0.1 (a published port reached on the host's loopback) be routed onto ``bridge``."""
    path = f"/proc/sys/net/ipv4/conf/{bridge}/route_localnet"
    try:
        with open(path, "w") as f:
            f.write("1")
    except FileNotFoundError:
        pass
