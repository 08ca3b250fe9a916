"""A minimal rtnetlink client: the few link, address and route requests a bridge network needs.

pyroute2 costs 90-175 ms to import (asyncio, every netlink family), more than the whole network setup;
these requests are a few packed structs on one socket. Each request waits for its ACK and raises OSError
with the kernel's errno.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct

NETLINK_ROUTE = 0
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_NEWROUTE = 16, 17, 20, 24
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER, IFLA_LINKINFO, IFLA_NET_NS_FD = 1, 3, 4, 5, 10, 18, 28
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER = 1, 2, 1
IFLA_MACVLAN_MODE = IFLA_IPVLAN_MODE = 1
MACVLAN_MODES = {"private": 1, "vepa": 2, "bridge": 4, "passthru": 8}
IPVLAN_MODES = {"l2": 0, "l3": 1, "l3s": 2}
IFA_ADDRESS, IFA_LOCAL = 1, 2
IFA_F_NODAD = 0x02
RTA_DST, RTA_OIF, RTA_GATEWAY = 1, 4, 5
IFF_UP = 0x1
NLA_F_NESTED = 0x8000

_HDR = struct.Struct("=LHHLL")
_IFINFO = struct.Struct("=BxHiII")
_IFADDR = struct.Struct("=BBBBI")
_RTMSG = struct.Struct("=BBBBBBBBI")


def _attr(kind: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def _str(kind: int, text: str) -> bytes:
    return _attr(kind, text.encode() + b"\0")


def _u32(kind: int, value: int) -> bytes:
    return _attr(kind, struct.pack("=I", value))


def _mac(text: str) -> bytes:
    return bytes(int(p, 16) for p in text.split(":"))


def index(name: str) -> int:
    """The interface's index in the calling thread's namespace; 0 if there is none."""
    try:
        return socket.if_nametoindex(name)
    except OSError:
        return 0


class Netlink:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = 0

    def __enter__(self) -> Netlink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def request(self, kind: int, flags: int, body: bytes) -> None:
        self.seq += 1
        self.sock.send(_HDR.pack(_HDR.size + len(body), kind, flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body)
        while True:
            data = self.sock.recv(65536)
            offset = 0
            while offset + _HDR.size <= len(data):
                length, mtype, _, seq, _ = _HDR.unpack_from(data, offset)
                if mtype == NLMSG_ERROR and seq == self.seq:
                    (error,) = struct.unpack_from("=i", data, offset + _HDR.size)
                    if error:
                        raise OSError(-error, os.strerror(-error))
                    return
                offset += max(length + (-length % 4), _HDR.size)

    def _link(self, kind: int, flags: int, idx: int, attrs: bytes, up: bool = False) -> None:
        body = _IFINFO.pack(socket.AF_UNSPEC, 0, idx, IFF_UP if up else 0, IFF_UP if up else 0) + attrs
        self.request(kind, flags, body)

    def add_bridge(self, name: str, mtu: int = 0) -> None:
        attrs = _str(IFLA_IFNAME, name) + _attr(IFLA_LINKINFO | NLA_F_NESTED, _str(IFLA_INFO_KIND, "bridge"))
        if mtu:
            attrs += _u32(IFLA_MTU, mtu)
        self._link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, attrs)

    def add_veth(self, name: str, peer: str, peer_netns_fd: int, mtu: int = 0) -> None:
        peer_attrs = _str(IFLA_IFNAME, peer) + _u32(IFLA_NET_NS_FD, peer_netns_fd)
        if mtu:
            peer_attrs += _u32(IFLA_MTU, mtu)
        peer_info = _IFINFO.pack(socket.AF_UNSPEC, 0, 0, 0, 0) + peer_attrs
        info = _str(IFLA_INFO_KIND, "veth") + _attr(IFLA_INFO_DATA | NLA_F_NESTED, _attr(VETH_INFO_PEER, peer_info))
        attrs = _str(IFLA_IFNAME, name) + _attr(IFLA_LINKINFO | NLA_F_NESTED, info)
        if mtu:
            attrs += _u32(IFLA_MTU, mtu)
        self._link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, attrs)

    def add_vlan_child(self, kind: str, name: str, parent: int, netns_fd: int, mode: str, mtu: int = 0) -> None:
        """A macvlan or ipvlan device on ``parent`` made straight into the namespace ``netns_fd`` as ``name``."""
        if kind == "macvlan":
            data = _u32(IFLA_MACVLAN_MODE, MACVLAN_MODES[mode or "bridge"])
        else:
            data = _attr(IFLA_IPVLAN_MODE, struct.pack("=H", IPVLAN_MODES[mode or "l2"]))
        info = _str(IFLA_INFO_KIND, kind) + _attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
        attrs = _str(IFLA_IFNAME, name) + _u32(IFLA_LINK, parent) + _u32(IFLA_NET_NS_FD, netns_fd) + \
            _attr(IFLA_LINKINFO | NLA_F_NESTED, info)
        if mtu:
            attrs += _u32(IFLA_MTU, mtu)
        self._link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, attrs)

    def set_link(self, idx: int, *, up: bool = True, master: int = 0, mac: str = "", mtu: int = 0) -> None:
        attrs = b""
        if master:
            attrs += _u32(IFLA_MASTER, master)
        if mac:
            attrs += _attr(IFLA_ADDRESS, _mac(mac))
        if mtu:
            attrs += _u32(IFLA_MTU, mtu)
        self._link(RTM_NEWLINK, 0, idx, attrs, up=up)

    def delete_link(self, idx: int) -> None:
        self._link(RTM_DELLINK, 0, idx, b"")

    def add_address(self, idx: int, address: str, prefix_len: int) -> None:
        """IPv6 ones without duplicate address detection (usable at once, as netavark makes them)."""
        addr = ipaddress.ip_address(address)
        family, flags = (socket.AF_INET6, IFA_F_NODAD) if addr.version == 6 else (socket.AF_INET, 0)
        body = _IFADDR.pack(family, prefix_len, flags, 0, idx) + _attr(IFA_LOCAL, addr.packed) + \
            _attr(IFA_ADDRESS, addr.packed)
        self.request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, body)

    def add_default_route(self, gateway: str, oif: int) -> None:
        addr = ipaddress.ip_address(gateway)
        family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
        body = _RTMSG.pack(family, 0, 0, 0, 254, 3, 0, 1, 0) + _attr(RTA_GATEWAY, addr.packed) + \
            _u32(RTA_OIF, oif)
        self.request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, body)
