"""Networks wired to the state: network records, IP leases, and each container's datapath.

Setting up and tearing down run under one flock (``networks.lock`` in the runroot), so a bridge is never
deleted by the last container's teardown while another container is being attached to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence

from podpy.errors import InvalidStateError, NotFoundError, PodpyError, UsageError
from podpy.network.records import DEFAULT_NETWORK, DEFAULT_NETWORK_ID, Attachment, Network, PortRule, Subnet
from podpy.runtime.runtime import Runtime
from podpy.state.base import State
from podpy.state.networks import NetworkRow, NetworkStore
from podpy.state.records import Container
from podpy.util.locks import flocked

BRIDGE_PREFIX = "podpy"
DEFAULT_SUBNET = "10.88.0.0/16"


class NoSuchNetwork(NotFoundError):
    code = "no_such_network"


class NetworkInUse(PodpyError):
    code = "network_in_use"


def store(rt: Runtime) -> NetworkStore:
    return NetworkStore(rt.db)


def _lock_path(rt: Runtime) -> str:
    return os.path.join(rt.opts.run_root, "networks.lock")


def netns_path(rt: Runtime, container_id: str) -> str:
    return os.path.join(rt.opts.run_root, "netns", f"podpy-{container_id}")


def host_veth(container_id: str, network: str) -> str:
    """Unique per container and network (a deleted namespace's veths linger a moment: no reuse of names)."""
    import zlib

    return f"vp{container_id[:7]}{zlib.crc32(network.encode()):08x}"[:15]


def _network(row: NetworkRow) -> Network:
    return Network.from_json(row[3])


def _bridge_prefix(rt: Runtime) -> str:
    """`podpy` for the default store; other stores (tests, --root) `pd<crc32 of the graph root>-`, so that two
    stores never pick the same bridge name before either bridge exists."""
    import zlib

    if rt.opts.graph_root == "/var/lib/containers/storage":
        return BRIDGE_PREFIX
    return f"pd{zlib.crc32(rt.opts.graph_root.encode()):08x}-"


def _free_interface(rows: Sequence[NetworkRow], prefix: str) -> str:
    taken = {r[2] for r in rows}
    n = 0
    while f"{prefix}{n}" in taken or os.path.exists(f"/sys/class/net/{prefix}{n}"):
        n += 1
    return f"{prefix}{n}"


def create_network(rt: Runtime, name: str, *, driver: str = "bridge", subnets: Sequence[str] = (),
                   gateways: Sequence[str] = (), ip_ranges: Sequence[str] = (), ipv6: bool = False,
                   internal: bool = False, dns: bool = True, labels: dict[str, str] | None = None,
                   options: dict[str, str] | None = None, network_id: str = "") -> Network:
    """Record a new network; a bridge is made when the first container uses it.

    As Podman 4 with netavark: --ipv6 without subnets gives an IPv4 and a random ULA IPv6 subnet, with only
    subnets of one family the other family's is added; an IPv6 subnet alone enables IPv6. macvlan and ipvlan
    networks sit on ``-o parent=`` (the default route's interface when not given) and need a subnet.
    """
    from podpy.define.names import validate_name
    from podpy.network import ipam
    from podpy.util.ids import new_id
    from podpy.util.timefmt import now_rfc3339

    options = dict(options or {})
    _check_driver_options(driver, options)
    if len(gateways) > len(subnets) or len(ip_ranges) > len(subnets):
        raise UsageError("cannot set gateway or range without subnet")
    if driver != "bridge" and not subnets:
        raise UsageError(f"{driver} driver needs at least one subnet specified, DHCP is not yet supported "
                         "with netavark")
    if name:
        validate_name(name)
    parent = options.pop("parent", "") or (_default_route_interface() if driver != "bridge" else "")

    def make(rows: list[NetworkRow]) -> NetworkRow:
        names = {r[0] for r in rows}
        chosen = name
        if not chosen:
            n = 1
            while f"podman{n}" in names:
                n += 1
            chosen = f"podman{n}"
        if chosen in names:
            raise NameInUseError(f"network name {chosen} already used: network already exists")
        taken = ipam.host_networks(s.subnet for r in rows for s in _network(r).subnets)
        subs: list[Subnet] = []
        for i, text in enumerate(subnets):
            net = ipam.parse_subnet(text)
            if driver == "bridge" and ipam.overlaps(net, taken):
                raise UsageError(f"subnet {net} is already used on the host or by another config")
            subs.append(ipam.make_subnet(text, gateways[i] if i < len(gateways) else "",
                                         ip_ranges[i] if i < len(ip_ranges) else ""))
        has6 = any(ipam.is_ipv6(s) for s in subs)
        if not any(not ipam.is_ipv6(s) for s in subs) and (not subs or ipv6):
            preferred = _default_subnet(rt) if chosen == DEFAULT_NETWORK else ""
            subs.append(ipam.make_subnet(ipam.free_subnet(preferred, taken)))
        if ipv6 and not has6:
            subs.append(ipam.make_subnet(ipam.free_ipv6_subnet(taken)))
        iface = parent or options.get("com.docker.network.bridge.name") or \
            _free_interface(rows, _bridge_prefix(rt))
        record = Network(name=chosen, id=network_id or (DEFAULT_NETWORK_ID if chosen == DEFAULT_NETWORK
                                                        else new_id()),
                         driver=driver, interface=iface, created=now_rfc3339(), subnets=subs,
                         ipv6=ipv6 or any(ipam.is_ipv6(s) for s in subs), internal=internal,
                         dns_enabled=dns, labels=dict(labels or {}), options=options)
        return record.name, record.id, record.interface, record.to_json()

    return _network(store(rt).create(make))


_DRIVER_OPTIONS = {"bridge": ("mtu", "isolate", "com.docker.network.bridge.name"),
                   "macvlan": ("mtu", "parent", "mode"), "ipvlan": ("mtu", "parent", "mode")}
_MODES = {"macvlan": ("bridge", "private", "vepa", "passthru"), "ipvlan": ("l2", "l3", "l3s")}


def _check_driver_options(driver: str, options: dict[str, str]) -> None:
    if driver not in _DRIVER_OPTIONS:
        raise UsageError(f"unsupported driver {driver}: invalid argument")
    for key, value in options.items():
        if key not in _DRIVER_OPTIONS[driver]:
            raise UsageError(f"unsupported {driver} network option {key}")
        if key == "mtu" and not value.isdigit():
            raise UsageError(f"invalid mtu {value!r}")
        if key == "mode" and value not in _MODES[driver]:
            raise UsageError(f"unknown {driver} mode {value!r}")
    if driver != "bridge" and options.get("parent") and not os.path.exists(f"/sys/class/net/{options['parent']}"):
        raise UsageError(f"parent interface {options['parent']} does not exist")


def _default_route_interface() -> str:
    try:
        with open("/proc/net/route") as f:
            for line in f:
                cols = line.split()
                if len(cols) > 7 and cols[1] == "00000000" and cols[7] == "00000000":
                    return cols[0]
    except OSError:
        pass
    raise UsageError("no default route interface found: give the parent interface with -o parent=")


class NameInUseError(PodpyError):
    code = "network_exists"


def _default_subnet(rt: Runtime) -> str:
    cfg = rt.opts.config
    configured = getattr(cfg.containers.network, "default_subnet", "") if cfg is not None else ""
    return str(configured or DEFAULT_SUBNET)


def default_network(rt: Runtime) -> Network:
    found = store(rt).lookup(DEFAULT_NETWORK)
    if found:
        return _network(found[0])
    try:
        return create_network(rt, DEFAULT_NETWORK, dns=False)
    except NameInUseError:
        return _network(store(rt).lookup(DEFAULT_NETWORK)[0])


def get_network(rt: Runtime, name_or_id: str) -> Network:
    if name_or_id == DEFAULT_NETWORK:
        return default_network(rt)
    found = store(rt).lookup(name_or_id)
    if len(found) > 1:
        raise NoSuchNetwork(f"more than one result for network ID {name_or_id}: network not found")
    if not found:
        raise NoSuchNetwork(f"unable to find network with name or ID {name_or_id}: network not found")
    return _network(found[0])


def list_networks(rt: Runtime) -> list[Network]:
    default_network(rt)
    return [_network(r) for r in store(rt).all()]


def containers_on(rt: Runtime, name: str) -> list[Container]:
    return [c for c in rt.state.list_containers() if name in c.config.networks]


def remove_network(rt: Runtime, name_or_id: str, *, force: bool) -> Network:
    """Refused while containers use it unless ``force`` (then they are removed first)."""
    from podpy.runtime import container as containers

    net = get_network(rt, name_or_id)
    if net.name == DEFAULT_NETWORK:
        raise InvalidStateError(f"default network {net.name} cannot be removed")
    users = containers_on(rt, net.name)
    if users and not force:
        raise NetworkInUse(f'"{net.name}" has associated containers with it. Use -f to forcibly delete '
                           "containers and pods: network is being used")
    for ctr in users:
        containers.remove(rt, ctr.id, force=True)
    store(rt).remove(net.name)
    return net


def resolve(rt: Runtime, names: Sequence[str]) -> list[str]:
    """The networks a new container joins, by name (the default one made on first use)."""
    return [get_network(rt, n).name for n in names]


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
            _apply_firewall(rt)
            _update_dns(rt, [n for n in nets if _serves_dns(n)])
    except BaseException:
        teardown(rt, ctr)
        raise
    return attachments


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
    nets = [n for n in (_network(r) for r in nstore.all() if in_use.get(r[0])) if n.driver == "bridge"]
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
            _apply_firewall(rt)
            return
    _settle_in_background(rt)


def _maybe_network(rt: Runtime) -> Callable[[str], Network | None]:
    def find(name: str) -> Network | None:
        found = store(rt).lookup(name)
        return _network(found[0]) if found else None

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
        subnets = _network(found[0]).subnets
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
