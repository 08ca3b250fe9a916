"""The netlink facade: bridges, veth pairs, addresses and routes (through podpy.network.rtnl).

podpy's own small rtnetlink client replaced pyroute2 here: importing pyroute2 cost more than the
whole network setup of a container (see rtnl).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

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


def link_mac(name: str) -> str:
    """The interface's MAC in the calling thread's namespace (SIOCGIFHWADDR)."""
    import fcntl
    import socket
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        data = fcntl.ioctl(sock.fileno(), 0x8927, struct.pack("256s", name[:15].encode()))
    return ":".join(f"{b:02x}" for b in data[18:24])


def delete_link_with_mac(mac: str) -> None:
    """Delete the interface (not lo) with that MAC in the calling thread's namespace."""
    import socket

    for _, name in socket.if_nameindex():
        if name != "lo" and link_mac(name) == mac:
            delete_link(name)
            return


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
    netns.run_in(ns_path, _configure(ifname, att, att.mac, default_route and not net.internal))


def attach_child(net: Network, ns_path: str, ifname: str, att: Attachment, *, default_route: bool = True) -> None:
    """A macvlan or ipvlan device on the network's parent interface, as ``ifname`` in the namespace."""
    parent = index(net.interface)
    if not parent:
        raise OSError(errno.ENODEV, f"parent interface {net.interface} of network {net.name} not found")
    with Netlink() as nl:
        fd = os.open(ns_path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            nl.add_vlan_child(net.driver, ifname, parent, fd, net.options.get("mode", ""), net.mtu)
        except OSError as e:
            if e.errno != errno.EOPNOTSUPP:
                raise
            from podpy.errors import PodpyError

            raise PodpyError(f"{net.driver} interfaces are not supported by this kernel (network {net.name})") \
                from None
        finally:
            os.close(fd)
    mac = att.mac if net.driver == "macvlan" else ""  # an ipvlan device has its parent's
    netns.run_in(ns_path, _configure(ifname, att, mac, default_route and not net.internal))


def _configure(ifname: str, att: Attachment, mac: str, default_route: bool) -> Callable[[], None]:
    """Inside the namespace: lo and ``ifname`` up, the addresses, the default routes through the gateways."""
    def inside() -> None:
        with Netlink() as nnl:
            nnl.set_link(index("lo"), up=True)
            idx = index(ifname)
            nnl.set_link(idx, up=True, mac=mac)
            if att.ip:
                nnl.add_address(idx, att.ip, att.prefix_len)
            if att.ip6:
                nnl.add_address(idx, att.ip6, att.prefix_len6)
            if default_route:
                if att.ip:
                    nnl.add_default_route(att.gateway, idx)
                if att.ip6:
                    nnl.add_default_route(att.gateway6, idx)

    return inside


def enable_forwarding(ipv6: bool = False) -> None:
    """The host forwards packets between the bridges and the outside (IPv6 only once an IPv6 network is used)."""
    paths = ["/proc/sys/net/ipv4/ip_forward"]
    if ipv6:
        paths.append("/proc/sys/net/ipv6/conf/all/forwarding")
    for path in paths:
        with open(path) as f:
            if f.read().strip() == "1":
                continue
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
