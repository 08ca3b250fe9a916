"""Each container's datapath wired to the state: IP leases, namespaces, bridges or macvlan/ipvlan devices,
the firewall table and DNS.

Setting up and tearing down run under one flock (``networks.lock`` in the runroot), so a bridge is never
deleted by the last container's teardown while another container is being attached to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence

from podpy.errors import InvalidStateError, PodpyError, UsageError
from podpy.network.records import Attachment, Network, PortRule, Subnet
from podpy.runtime.network_defs import get_network, network_from_row, store
from podpy.runtime.network_defs import resolve as resolve  # for runtime.container
from podpy.runtime.runtime import Runtime
from podpy.state.base import State
from podpy.state.networks import NetworkStore
from podpy.state.records import Container
from podpy.util.locks import flocked


def _lock_path(rt: Runtime) -> str:
    return os.path.join(rt.opts.run_root, "networks.lock")


def netns_path(rt: Runtime, container_id: str) -> str:
    return os.path.join(rt.opts.run_root, "netns", f"podpy-{container_id}")


def host_veth(container_id: str, network: str) -> str:
    """Unique per container and network (a deleted namespace's veths linger a moment: no reuse of names)."""
    import zlib

    return f"vp{container_id[:7]}{zlib.crc32(network.encode()):08x}"[:15]


def setup(rt: Runtime, ctr: Container) -> list[Attachment]:
    """Lease addresses, make the namespace, attach it to each network; torn down again on failure."""
    from podpy.network import netlink, netns

    path = netns_path(rt, ctr.id)
    netns.remove(path)  # a namespace left by a killed start holds a stale eth0
    netns.create(path)
    attachments: list[Attachment] = []
    try:
        with flocked(_lock_path(rt)):
            nets = [get_network(rt, n) for n in ctr.config.networks]
            for index, net in enumerate(nets):
                att = _lease(rt, ctr.id, net, *_statics(ctr, index, net.name))
                _attach(rt, ctr, net, att, path, f"eth{index}", default_route=index == 0)
                attachments.append(att)
            netlink.enable_forwarding(ipv6=any(a.ip6 for a in attachments))
            if ctr.config.ports or _first_users(rt, nets):
                _apply_firewall(rt)  # else the table has these networks already and no rule is this container's
            _update_dns(rt, [n for n in nets if _serves_dns(n)])
    except BaseException:
        teardown(rt, ctr)
        raise
    return attachments


def _first_users(rt: Runtime, nets: Sequence[Network]) -> bool:
    """Whether the container is the only one holding a lease on one of ``nets`` (their rules are not applied)."""
    counts = store(rt).lease_counts()
    return any(counts.get(n.name, 0) <= 1 for n in nets)


def _serves_dns(net: Network) -> bool:
    """aardvark-dns answers on bridges' gateways only (netavark runs none for macvlan and ipvlan)."""
    return net.dns_enabled and net.driver == "bridge"


def _statics(ctr: Container, index: int, network: str) -> tuple[str, str, str]:
    """(ip, ip6, mac) asked for on ``network``: by network connect, or --ip/--mac-address on the first one."""
    given = ctr.config.network_statics.get(network, {})
    first = index == 0
    return (given.get("ip") or (ctr.config.static_ip if first else ""), given.get("ip6", ""),
            given.get("mac") or (ctr.config.static_mac if first else ""))


def check_statics(net: Network, ip: str, ip6: str, mac: str) -> tuple[str, str, str]:
    """The static addresses checked against the network's subnets (normalised)."""
    from podpy.network import ipam

    out = []
    for value, want6 in ((ip, False), (ip6, True)):
        if not value:
            out.append("")
            continue
        sub = ipam.family_subnet(net.subnets, want6)
        if sub is None or (":" in value) != want6:
            raise UsageError(f"requested static ip {value} not in any subnet on network {net.name}")
        out.append(ipam.check_static(sub, value))
    return out[0], out[1], ipam.check_mac(mac) if mac else ""


def _lease(rt: Runtime, container_id: str, net: Network, ip: str = "", ip6: str = "", mac: str = ""
           ) -> Attachment:
    """The container's addresses on ``net`` (one per family the network has), leased under the state's lock."""
    from podpy.network import ipam

    ip, ip6, mac = check_statics(net, ip, ip6, mac)
    sub4, sub6 = ipam.family_subnet(net.subnets, False), ipam.family_subnet(net.subnets, True)
    _, got4, got_mac, got6 = store(rt).lease(net.name, container_id,
                                             _pick(net, sub4, sub6, ip, ip6, mac or ipam.random_mac()))
    return Attachment(network=net.name, ip=got4, mac=got_mac, prefix_len=ipam.prefix_len(sub4) if sub4 else 0,
                      gateway=sub4.gateway if sub4 else "", dns=_serves_dns(net), ip6=got6,
                      prefix_len6=ipam.prefix_len(sub6) if sub6 else 0, gateway6=sub6.gateway if sub6 else "")


def _attach(rt: Runtime, ctr: Container, net: Network, att: Attachment, path: str, ifname: str, *,
            default_route: bool = True) -> None:
    from podpy.network import netlink

    if net.driver != "bridge":
        netlink.attach_child(net, path, ifname, att, default_route=default_route)
        return
    netlink.ensure_bridge(net)
    veth = host_veth(ctr.id, net.name)
    netlink.delete_link(veth)  # a leftover of a killed setup
    netlink.attach(net, veth, path, ifname, att, default_route=default_route)


def _pick(net: Network, sub4: Subnet | None, sub6: Subnet | None, static4: str, static6: str, mac: str
          ) -> Callable[[Collection[str]], tuple[str, str, str]]:
    from podpy.network import ipam

    def one(sub: Subnet | None, static: str, used: Collection[str]) -> str:
        if sub is None:
            return ""
        if static:
            if static in used:
                raise InvalidStateError(f"IPAM error: requested ip address {static} is already "
                                        f"allocated to another container on network {net.name}")
            return static
        ip = ipam.next_address(sub, used)
        if ip is None:
            raise PodpyError(f"IPAM error: failed to find free IP in range: {sub.subnet}")
        return ip

    def pick(used: Collection[str]) -> tuple[str, str, str]:
        return one(sub4, static4, used), one(sub6, static6, used), mac

    return pick


def connect(rt: Runtime, name_or_id: str, network: str, *, aliases: Sequence[str] = (), ip: str = "",
            ip6: str = "", mac: str = "") -> None:
    """Join another network: recorded in the config, and attached at once when the container runs."""
    from podpy.network import netlink, netns
    from podpy.runtime.container import locked
    from podpy.util.record import replace

    net = get_network(rt, network)
    ip, ip6, mac = check_statics(net, ip, ip6, mac)
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            raise InvalidStateError(f"container {ctr.id[:12]} was removed")
        ctr = current
        if ctr.config.network_mode != "bridge":
            raise InvalidStateError(f"container {ctr.id[:12]} is not on a bridge network (network mode "
                                    f"{ctr.config.network_mode}): it cannot join a network")
        if net.name in ctr.config.networks:
            raise InvalidStateError(f"container {ctr.id[:12]} is already connected to network {net.name}")
        statics = dict(ctr.config.network_statics)
        wanted = {k: v for k, v in (("ip", ip), ("ip6", ip6), ("mac", mac)) if v}
        if wanted:
            statics[net.name] = wanted
        config = replace(ctr.config, networks=[*ctr.config.networks, net.name],
                         network_aliases=[*ctr.config.network_aliases, *aliases], network_statics=statics)
        path = netns_path(rt, ctr.id)
        running = bool(store(rt).leases_of(ctr.id)) and os.path.ismount(path)
        rt.state.update_config(ctr.id, config)
        if not running:
            return
        ctr = Container(config, ctr.state)
        with flocked(_lock_path(rt)):
            try:
                att = _lease(rt, ctr.id, net, ip, ip6, mac)
                taken = set(netns.run_in(path, _interface_names))
                ifname = next(f"eth{i}" for i in range(64) if f"eth{i}" not in taken)
                _attach(rt, ctr, net, att, path, ifname, default_route=False)
            except BaseException:
                netlink.delete_link(host_veth(ctr.id, net.name))
                store(rt).release_one(ctr.id, net.name)
                statics.pop(net.name, None)
                rt.state.update_config(ctr.id, replace(config, networks=config.networks[:-1],
                                                       network_statics=statics))
                raise
            netlink.enable_forwarding(ipv6=bool(att.ip6))
            _apply_firewall(rt)
            _update_dns(rt, [n for n in (get_network(rt, x) for x in config.networks) if _serves_dns(n)])


def _interface_names() -> list[str]:
    """In the calling thread's namespace (sysfs would show the host's)."""
    import socket

    return [name for _, name in socket.if_nameindex()]


def disconnect(rt: Runtime, name_or_id: str, network: str) -> None:
    """Leave a network: its veth, lease and DNS entry go at once when the container runs."""
    from podpy.network import netlink
    from podpy.runtime.container import locked
    from podpy.util.record import replace

    net = get_network(rt, network)
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            raise InvalidStateError(f"container {ctr.id[:12]} was removed")
        ctr = current
        if net.name not in ctr.config.networks:
            raise InvalidStateError(f"container {ctr.id[:12]} is not connected to network {net.name}")
        config = replace(ctr.config, networks=[n for n in ctr.config.networks if n != net.name],
                         network_statics={k: v for k, v in ctr.config.network_statics.items() if k != net.name})
        rt.state.update_config(ctr.id, config)
        with flocked(_lock_path(rt)):
            lease = next((lease for lease in store(rt).leases_of(ctr.id) if lease[0] == net.name), None)
            if lease is None:
                return
            if net.driver == "bridge":
                netlink.delete_link(host_veth(ctr.id, net.name))
            else:
                _delete_child(netns_path(rt, ctr.id), net, lease[2])
            left = store(rt).release_one(ctr.id, net.name)
            if _serves_dns(net):
                _update_dns(rt, [net])
            if left:
                _apply_firewall(rt)
                return
    _settle_in_background(rt)


def _delete_child(path: str, net: Network, mac: str) -> None:
    """The container's macvlan/ipvlan interface on ``net``, found in its namespace by its MAC (an ipvlan
    device has its parent's)."""
    from podpy.network import netlink, netns

    if net.driver == "ipvlan":
        mac = netlink.link_mac(net.interface)
    netns.run_in(path, lambda: netlink.delete_link_with_mac(mac))


def _apply_firewall(rt: Runtime, nstore: NetworkStore | None = None, state: State | None = None) -> None:
    """Make the table match the leases; skipped when the script is the one applied last (same boot).

    Called under the networks lock. ``nstore``/``state``: connections of a forked child (see teardown).
    """
    from podpy.network import nft

    nstore = nstore or store(rt)
    in_use = nstore.lease_counts()
    nets = [n for n in (network_from_row(r) for r in nstore.all() if in_use.get(r[0])) if n.driver == "bridge"]
    ports = _port_rules(nstore, state or rt.state)
    table = table_name(rt)
    script = nft.ruleset(table, nets, ports)
    applied = os.path.join(rt.opts.run_root, "networks.nft")
    stamp = f"{rt.boot_id}\n{script}"
    try:
        with open(applied) as f:
            if f.read() == stamp:
                return
    except FileNotFoundError:
        pass
    if ports:
        from podpy.network.netlink import route_localnet

        for net in nets:
            route_localnet(net.interface)
    try:
        os.unlink(applied)
    except FileNotFoundError:
        pass
    nft.apply(table, nets, ports)
    from podpy.util.atomic import atomic_write_text

    atomic_write_text(applied, stamp, fsync=False)


def _port_rules(nstore: NetworkStore, state: State) -> list[PortRule]:
    """The published ports of every container holding a lease (on its first network)."""
    rules: list[PortRule] = []
    for network, ip, container_id, ip6 in nstore.all_leases():
        ctr = state.get_container(container_id)
        if ctr is None or not ctr.config.ports or not ctr.config.networks or ctr.config.networks[0] != network:
            continue
        rules.extend(PortRule(host_ip=str(p["host_ip"]), host_port=int(p["host_port"]), container_ip=ip,
                              container_port=int(p["container_port"]), protocol=str(p["protocol"]),
                              container_ip6=ip6)
                     for p in ctr.config.ports if ip or ip6)
    return rules


def assign_host_ports(ports: Sequence[dict[str, str | int]]) -> list[dict[str, object]]:
    """-p without a host port gets a free one now (as Podman does at create)."""
    import socket

    out: list[dict[str, object]] = []
    for p in ports:
        item: dict[str, object] = dict(p)
        if not p["host_port"]:
            kind = socket.SOCK_DGRAM if p["protocol"] == "udp" else socket.SOCK_STREAM
            with socket.socket(socket.AF_INET, kind) as sock:
                sock.bind((str(p["host_ip"]) or "0.0.0.0", 0))
                item["host_port"] = sock.getsockname()[1]
        out.append(item)
    return out


def table_name(rt: Runtime) -> str:
    """The nftables table of this store: two stores on one host must not rewrite each other's rules."""
    import zlib

    from podpy.network import nft

    if rt.opts.graph_root == "/var/lib/containers/storage":
        return nft.TABLE
    return f"{nft.TABLE}_{zlib.crc32(rt.opts.graph_root.encode()):08x}"


def teardown(rt: Runtime, ctr: Container) -> None:
    """Remove the veths, the namespace and the leases; a bridge and the table go with their last user."""
    path = netns_path(rt, ctr.id)
    leases = store(rt).leases_of(ctr.id)
    if not leases and not os.path.exists(path):
        return
    from podpy.network import netns

    with flocked(_lock_path(rt)):
        # The veths go with the namespace (the kernel destroys it in the background once its last user is
        # gone): deleting them here would cost ~35 ms each in the kernel's RCU waits.
        netns.remove(path)
        left = store(rt).release(ctr.id)
        _update_dns(rt, [n for n in map(_maybe_network(rt), left) if n is not None and _serves_dns(n)])
        if not any(count == 0 for count in left.values()):
            if ctr.config.ports:  # else the rules stay the same: every network keeps a user
                _apply_firewall(rt)
            return
    _settle_in_background(rt)


def _maybe_network(rt: Runtime) -> Callable[[str], Network | None]:
    def find(name: str) -> Network | None:
        found = store(rt).lookup(name)
        return network_from_row(found[0]) if found else None

    return find


def dns_dir(rt: Runtime) -> str:
    return os.path.join(rt.opts.run_root, "aardvark")


def _update_dns(rt: Runtime, nets: Sequence[Network]) -> None:
    """Rewrite aardvark's files of ``nets`` from the leases, then have the daemon reload them."""
    if not nets:
        return
    from podpy.network import dns

    leases = store(rt).all_leases()
    for net in nets:
        entries: list[tuple[str, str, str, list[str]]] = []
        for network, ip, cid, ip6 in leases:
            if network != net.name:
                continue
            ctr = rt.state.get_container(cid)
            if ctr is not None:
                entries.append((cid, ip, ip6, [ctr.name, cid[:12], *ctr.config.network_aliases]))
        dns.write_network(dns_dir(rt), net.name, [s.gateway for s in net.subnets], entries)
    dns.reload(dns_dir(rt))


def _settle_in_background(rt: Runtime) -> None:
    """Delete the bridges nobody uses any more and update the table, in a forked child.

    Deleting a bridge costs the kernel ~45 ms of RCU waits; the exiting container's command need not wait
    for it. The child takes the networks lock and looks at the leases again, so a container that joined the
    network meanwhile keeps its bridge.
    """
    if os.fork():
        return
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.setsid()
        from podpy.network import netlink
        from podpy.state.sqlite import SqliteState
        from podpy.util.sqlitedb import Database

        db = Database(rt.db.path)
        nstore, state = NetworkStore(db), SqliteState(db)
        with flocked(_lock_path(rt)):
            in_use = nstore.lease_counts()
            for name, _, iface, config in nstore.all():
                if not in_use.get(name) and Network.from_json(config).driver == "bridge":
                    netlink.delete_link(iface)
            _apply_firewall(rt, nstore, state)
    finally:
        os._exit(0)


def attachments_of(rt: Runtime, ctr: Container) -> list[Attachment]:
    from podpy.network import ipam

    out: list[Attachment] = []
    for name, ip, mac, ip6 in store(rt).leases_of(ctr.id):
        found = store(rt).lookup(name)
        if not found:
            continue
        subnets = network_from_row(found[0]).subnets
        sub4, sub6 = ipam.family_subnet(subnets, False), ipam.family_subnet(subnets, True)
        out.append(Attachment(network=name, ip=ip, mac=mac, prefix_len=ipam.prefix_len(sub4) if sub4 else 0,
                              gateway=sub4.gateway if sub4 else "", ip6=ip6,
                              prefix_len6=ipam.prefix_len(sub6) if sub6 else 0,
                              gateway6=sub6.gateway if sub6 else ""))
    return out


def reload(rt: Runtime, name_or_id: str) -> str:
    """`network reload`: the container's bridge, addresses and the whole table again (after a firewall flush)."""
    from podpy.network import netlink

    ctr = rt.state.lookup_container(name_or_id)
    if not ctr.config.networks:
        return ctr.id
    if not store(rt).leases_of(ctr.id):
        raise InvalidStateError(f"container {ctr.id[:12]} is not running: its network is not set up")
    with flocked(_lock_path(rt)):
        for name in ctr.config.networks:
            net = get_network(rt, name)
            if net.driver == "bridge":
                netlink.ensure_bridge(net)
        try:
            os.unlink(os.path.join(rt.opts.run_root, "networks.nft"))
        except FileNotFoundError:
            pass
        _apply_firewall(rt)
    return ctr.id


def forget_leases(rt: Runtime) -> None:
    """After a reboot no namespace or veth is left: no lease is held either."""
    store(rt).release_all()
