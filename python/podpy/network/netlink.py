"""The netlink facade (pyroute2): bridges, veth pairs, addresses and routes.

pyroute2 is imported only here and only when a network is set up or torn down.
"""

from __future__ import annotations

import errno

from podpy.network import netns
from podpy.network.records import Attachment, Network

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyroute2 import IPRoute  # type: ignore[import-untyped]


def _iproute() -> IPRoute:
    from pyroute2 import IPRoute

    return IPRoute()


def _netlink_errno(e: BaseException) -> int:
    code = getattr(e, "code", None)
    return int(code) if isinstance(code, int) else 0


def ensure_bridge(net: Network) -> None:
    """The network's bridge, up, with the gateway addresses (made if missing; a concurrent maker is fine)."""
    with _iproute() as ipr:
        found = ipr.link_lookup(ifname=net.interface)
        if not found:
            try:
                kwargs: dict[str, object] = {"ifname": net.interface, "kind": "bridge"}
                if net.mtu:
                    kwargs["mtu"] = net.mtu
                ipr.link("add", **kwargs)
            except Exception as e:
                if _netlink_errno(e) != errno.EEXIST:
                    raise
            found = ipr.link_lookup(ifname=net.interface)
        index = found[0]
        have = {a.get_attr("IFA_ADDRESS") for a in ipr.get_addr(index=index, family=2)}
        for s in net.subnets:
            if s.gateway not in have:
                try:
                    ipr.addr("add", index=index, address=s.gateway, prefixlen=int(s.subnet.split("/")[1]))
                except Exception as e:
                    if _netlink_errno(e) != errno.EEXIST:
                        raise
        ipr.link("set", index=index, state="up")


def delete_link(name: str) -> None:
    with _iproute() as ipr:
        found = ipr.link_lookup(ifname=name)
        if found:
            try:
                ipr.link("del", index=found[0])
            except Exception as e:
                if _netlink_errno(e) not in (errno.ENODEV, errno.ENOENT):
                    raise


def link_exists(name: str) -> bool:
    with _iproute() as ipr:
        return bool(ipr.link_lookup(ifname=name))


def attach(net: Network, host_if: str, ns_path: str, ifname: str, att: Attachment) -> None:
    """A veth pair: ``host_if`` on the bridge, ``ifname`` in the namespace with the address and routes."""
    import os

    with _iproute() as ipr:
        fd = os.open(ns_path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            kwargs: dict[str, object] = {"ifname": host_if, "kind": "veth",
                                         "peer": {"ifname": ifname, "net_ns_fd": fd}}
            if net.mtu:
                kwargs["mtu"] = net.mtu
            ipr.link("add", **kwargs)
        finally:
            os.close(fd)
        index = ipr.link_lookup(ifname=host_if)[0]
        bridge = ipr.link_lookup(ifname=net.interface)[0]
        ipr.link("set", index=index, master=bridge, state="up")

    def inside() -> None:
        with _iproute() as nipr:
            lo = nipr.link_lookup(ifname="lo")[0]
            nipr.link("set", index=lo, state="up")
            idx = nipr.link_lookup(ifname=ifname)[0]
            set_args: dict[str, object] = {"index": idx, "address": att.mac, "state": "up"}
            if net.mtu:
                set_args["mtu"] = net.mtu
            nipr.link("set", **set_args)
            nipr.addr("add", index=idx, address=att.ip, prefixlen=att.prefix_len)
            if not net.internal:
                nipr.route("add", dst="0.0.0.0/0", gateway=att.gateway, oif=idx)

    netns.run_in(ns_path, inside)


def enable_forwarding() -> None:
    path = "/proc/sys/net/ipv4/ip_forward"
    with open(path) as f:
        if f.read().strip() == "1":
            return
    with open(path, "w") as f:
        f.write("1")
