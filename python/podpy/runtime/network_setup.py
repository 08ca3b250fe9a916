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


def create_network(rt: Runtime, name: str, *, driver: str = "bridge", subnet: str = "", gateway: str = "",
                   ip_range: str = "", internal: bool = False, dns: bool = True, labels: dict[str, str] | None = None,
                   options: dict[str, str] | None = None, network_id: str = "") -> Network:
    """Record a new bridge network; its bridge is made when the first container uses it."""
    from podpy.define.names import validate_name
    from podpy.network import ipam
    from podpy.util.ids import new_id
    from podpy.util.timefmt import now_rfc3339

    if driver != "bridge":
        raise UsageError(f"unsupported driver {driver}: invalid argument")
    if gateway and not subnet:
        raise UsageError("cannot set gateway or range without subnet")
    if ip_range and not subnet:
        raise UsageError("cannot set gateway or range without subnet")
    for key, value in (options or {}).items():
        if key == "mtu":
            if not value.isdigit():
                raise UsageError(f"invalid mtu {value!r}")
        elif key not in ("isolate", "com.docker.network.bridge.name"):
            raise UsageError(f"unsupported bridge network option {key}")
    if name:
        validate_name(name)

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
        others = [s.subnet for r in rows for s in _network(r).subnets]
        if subnet:
            net = ipam.parse_subnet(subnet)
            if any(net.overlaps(t) for t in ipam.host_networks(others)):
                raise UsageError(f"subnet {net} is already used on the host or by another config")
            sub = ipam.make_subnet(subnet, gateway, ip_range)
        else:
            preferred = ""
            if chosen == DEFAULT_NETWORK:
                preferred = _default_subnet(rt)
            sub = ipam.make_subnet(ipam.free_subnet(preferred, ipam.host_networks(others)))
        iface = (options or {}).get("com.docker.network.bridge.name") or _free_interface(rows, _bridge_prefix(rt))
        record = Network(name=chosen, id=network_id or (DEFAULT_NETWORK_ID if chosen == DEFAULT_NETWORK
                                                        else new_id()),
                         driver=driver, interface=iface, created=now_rfc3339(), subnets=[sub], internal=internal,
                         dns_enabled=dns, labels=dict(labels or {}), options=dict(options or {}))
        return record.name, record.id, record.interface, record.to_json()

    return _network(store(rt).create(make))


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
    """Lease addresses, make the namespace, attach it to each network's bridge; torn down again on failure."""
    from podpy.network import ipam, netlink, netns

    path = netns_path(rt, ctr.id)
    netns.remove(path)  # a namespace left by a killed start holds a stale eth0
    netns.create(path)
    attachments: list[Attachment] = []
    try:
        with flocked(_lock_path(rt)):
            nets = [get_network(rt, n) for n in ctr.config.networks]
            for index, net in enumerate(nets):
                sub = net.subnets[0]
                static_ip = ipam.check_static(sub, ctr.config.static_ip) if ctr.config.static_ip and index == 0 \
                    else ""
                mac = ipam.check_mac(ctr.config.static_mac) if ctr.config.static_mac and index == 0 \
                    else ipam.random_mac()

                _, ip, leased_mac = store(rt).lease(net.name, ctr.id, _pick(sub, net, static_ip, mac))
                att = Attachment(network=net.name, ip=ip, mac=leased_mac, prefix_len=ipam.prefix_len(sub),
                                 gateway=sub.gateway, dns=net.dns_enabled)
                _attach(rt, ctr, net, att, path, f"eth{index}", default_route=index == 0)
                attachments.append(att)
            netlink.enable_forwarding()
            _apply_firewall(rt)
            _update_dns(rt, [n for n in nets if n.dns_enabled])
    except BaseException:
        teardown(rt, ctr)
        raise
    return attachments


def _attach(rt: Runtime, ctr: Container, net: Network, att: Attachment, path: str, ifname: str, *,
            default_route: bool = True) -> None:
    from podpy.network import netlink

    netlink.ensure_bridge(net)
    veth = host_veth(ctr.id, net.name)
    netlink.delete_link(veth)  # a leftover of a killed setup
    netlink.attach(net, veth, path, ifname, att, default_route=default_route)


def _pick(sub: Subnet, net: Network, static_ip: str, mac: str) -> Callable[[Collection[str]], tuple[str, str]]:
    from podpy.network import ipam

    def pick(used: Collection[str]) -> tuple[str, str]:
        if static_ip:
            if static_ip in used:
                raise InvalidStateError(f"IPAM error: requested ip address {static_ip} is already "
                                        f"allocated to another container on network {net.name}")
            return static_ip, mac
        ip = ipam.next_address(sub, used)
        if ip is None:
            raise PodpyError(f"IPAM error: failed to find free IP in range: {sub.subnet}")
        return ip, mac

    return pick


def connect(rt: Runtime, name_or_id: str, network: str, *, aliases: Sequence[str] = ()) -> None:
    """Join another network: recorded in the config, and attached at once when the container runs."""
    from podpy.network import ipam, netlink, netns
    from podpy.runtime.container import locked
    from podpy.util.record import replace

    net = get_network(rt, network)
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
        config = replace(ctr.config, networks=[*ctr.config.networks, net.name],
                         network_aliases=[*ctr.config.network_aliases, *aliases])
        path = netns_path(rt, ctr.id)
        running = bool(store(rt).leases_of(ctr.id)) and os.path.ismount(path)
        rt.state.update_config(ctr.id, config)
        if not running:
            return
        ctr = Container(config, ctr.state)
        with flocked(_lock_path(rt)):
            sub = net.subnets[0]
            _, ip, mac = store(rt).lease(net.name, ctr.id, _pick(sub, net, "", ipam.random_mac()))
            taken = set(netns.run_in(path, _interface_names))
            ifname = next(f"eth{i}" for i in range(64) if f"eth{i}" not in taken)
            att = Attachment(network=net.name, ip=ip, mac=mac, prefix_len=ipam.prefix_len(sub),
                             gateway=sub.gateway, dns=net.dns_enabled)
            try:
                _attach(rt, ctr, net, att, path, ifname, default_route=False)
            except BaseException:
                netlink.delete_link(host_veth(ctr.id, net.name))
                store(rt).release_one(ctr.id, net.name)
                rt.state.update_config(ctr.id, replace(config, networks=config.networks[:-1]))
                raise
            _apply_firewall(rt)
            _update_dns(rt, [n for n in (get_network(rt, x) for x in config.networks) if n.dns_enabled])


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
        config = replace(ctr.config, networks=[n for n in ctr.config.networks if n != net.name])
        rt.state.update_config(ctr.id, config)
        with flocked(_lock_path(rt)):
            if not any(n == net.name for n, _, _ in store(rt).leases_of(ctr.id)):
                return
            netlink.delete_link(host_veth(ctr.id, net.name))
            left = store(rt).release_one(ctr.id, net.name)
            if net.dns_enabled:
                _update_dns(rt, [net])
            if left:
                _apply_firewall(rt)
                return
    _settle_in_background(rt)


def _apply_firewall(rt: Runtime, nstore: NetworkStore | None = None, state: State | None = None) -> None:
    """Make the table match the leases; skipped when the script is the one applied last (same boot).

    Called under the networks lock. ``nstore``/``state``: connections of a forked child (see teardown).
    """
    from podpy.network import nft

    nstore = nstore or store(rt)
    in_use = nstore.lease_counts()
    nets = [_network(r) for r in nstore.all() if in_use.get(r[0])]
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
    for network, ip, container_id in nstore.all_leases():
        ctr = state.get_container(container_id)
        if ctr is None or not ctr.config.ports or not ctr.config.networks or ctr.config.networks[0] != network:
            continue
        rules.extend(PortRule(host_ip=str(p["host_ip"]), host_port=int(p["host_port"]), container_ip=ip,
                              container_port=int(p["container_port"]), protocol=str(p["protocol"]))
                     for p in ctr.config.ports)
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
        _update_dns(rt, [n for n in map(_maybe_network(rt), left) if n is not None and n.dns_enabled])
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
        entries: list[tuple[str, str, list[str]]] = []
        for network, ip, cid in leases:
            if network != net.name:
                continue
            ctr = rt.state.get_container(cid)
            if ctr is not None:
                entries.append((cid, ip, [ctr.name, cid[:12], *ctr.config.network_aliases]))
        dns.write_network(dns_dir(rt), net.name, net.subnets[0].gateway, entries)
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
            for name, _, iface, _ in nstore.all():
                if not in_use.get(name):
                    netlink.delete_link(iface)
            _apply_firewall(rt, nstore, state)
    finally:
        os._exit(0)


def attachments_of(rt: Runtime, ctr: Container) -> list[Attachment]:
    from podpy.network import ipam

    out: list[Attachment] = []
    for name, ip, mac in store(rt).leases_of(ctr.id):
        found = store(rt).lookup(name)
        if not found:
            continue
        sub = _network(found[0]).subnets[0]
        out.append(Attachment(network=name, ip=ip, mac=mac, prefix_len=ipam.prefix_len(sub), gateway=sub.gateway))
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
            netlink.ensure_bridge(get_network(rt, name))
        try:
            os.unlink(os.path.join(rt.opts.run_root, "networks.nft"))
        except FileNotFoundError:
            pass
        _apply_firewall(rt)
    return ctr.id


def forget_leases(rt: Runtime) -> None:
    """After a reboot no namespace or veth is left: no lease is held either."""
    store(rt).release_all()
