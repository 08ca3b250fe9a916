"""Network definitions in the state: create, look up, list and remove networks; the default network.

The bridges and leases of running containers are podpy.runtime.network_setup's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from podpy.errors import InvalidStateError, NotFoundError, PodpyError, UsageError
from podpy.network.records import DEFAULT_NETWORK, DEFAULT_NETWORK_ID, Network, Subnet
from podpy.runtime.runtime import Runtime
from podpy.state.networks import NetworkRow, NetworkStore
from podpy.state.records import Container

BRIDGE_PREFIX = "podpy"
DEFAULT_SUBNET = "10.88.0.0/16"


class NoSuchNetwork(NotFoundError):
    code = "no_such_network"


class NetworkInUse(PodpyError):
    code = "network_in_use"


def store(rt: Runtime) -> NetworkStore:
    return NetworkStore(rt.db)


def network_from_row(row: NetworkRow) -> Network:
    return Network.from_json(row[3])


def _bridge_prefix(rt: Runtime) -> str:
    """`podpy` for the default store; other stores (tests, --root) `pd<crc32 of the graph root>-`, so that two
    stores never pick the same bridge name before either bridge exists."""
    import zlib

    if rt.opts.graph_root == "/var/lib/containers/storage":
        return BRIDGE_PREFIX
    return f"pd{zlib.crc32(rt.opts.graph_root.encode()):08x}-"


def _pool_start(rt: Runtime) -> int:
    """Where a store looks for a free subnet first: other stores (tests, --root) each from a place of their
    own, so two stores that pick a subnet before either bridge (and route) exists rarely pick the same."""
    import zlib

    if rt.opts.graph_root == "/var/lib/containers/storage":
        return 0
    return zlib.crc32(rt.opts.graph_root.encode())


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
        taken = ipam.host_networks(s.subnet for r in rows for s in network_from_row(r).subnets)
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
            subs.append(ipam.make_subnet(ipam.free_subnet(preferred, taken, _pool_start(rt))))
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

    return network_from_row(store(rt).create(make))


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


def default_mode(rt: Runtime) -> str:
    """What --network means when not given, as Podman decides it: containers.conf's netns ("private" by
    default), and private is the default network ([network] default_network) for root; "none", "host" are kept.
    """
    cfg = rt.opts.config
    mode = cfg.containers.containers.netns if cfg is not None else "private"
    if mode not in ("private", "bridge", ""):
        return mode
    if os.geteuid() != 0:
        return "private"  # rootless: no bridge (slirp4netns and pasta are not supported)
    name = cfg.containers.network.default_network if cfg is not None else DEFAULT_NETWORK
    return "bridge" if name in (DEFAULT_NETWORK, "") else name


def default_network(rt: Runtime) -> Network:
    found = store(rt).lookup(DEFAULT_NETWORK)
    if found:
        return network_from_row(found[0])
    try:
        return create_network(rt, DEFAULT_NETWORK, dns=False)
    except NameInUseError:
        return network_from_row(store(rt).lookup(DEFAULT_NETWORK)[0])


def get_network(rt: Runtime, name_or_id: str) -> Network:
    if name_or_id == DEFAULT_NETWORK:
        return default_network(rt)
    found = store(rt).lookup(name_or_id)
    if len(found) > 1:
        raise NoSuchNetwork(f"more than one result for network ID {name_or_id}: network not found")
    if not found:
        raise NoSuchNetwork(f"unable to find network with name or ID {name_or_id}: network not found")
    return network_from_row(found[0])


def list_networks(rt: Runtime) -> list[Network]:
    default_network(rt)
    return [network_from_row(r) for r in store(rt).all()]


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
