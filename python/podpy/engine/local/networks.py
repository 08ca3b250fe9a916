"""Network commands on the local runtime: records in the state, bridges made only when containers use them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from podpy.engine.entities import InspectReport, ItemReport, NetworkCreateOptions
from podpy.errors import PodpyError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine
    from podpy.network.records import Network


def _matches(net: Network, filters: Mapping[str, Sequence[str]]) -> bool:
    for key, values in filters.items():
        if key == "name":
            ok = any(re.search(v, net.name) for v in values)
        elif key == "id":
            ok = any(net.id.startswith(v) for v in values)
        elif key == "driver":
            ok = net.driver in values
        elif key == "label":
            ok = all(_label(net, v) for v in values)
        elif key == "label!":
            ok = not any(_label(net, v) for v in values)
        else:
            raise UsageError(f"invalid filter {key!r}")
        if not ok:
            return False
    return True


def _label(net: Network, value: str) -> bool:
    key, sep, wanted = value.partition("=")
    return key in net.labels if not sep else net.labels.get(key) == wanted


class NetworksEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def create(self, opts: NetworkCreateOptions) -> str:
        from podpy.runtime import network_defs

        rt = self.engine.runtime
        try:
            net = network_defs.create_network(
                rt, opts.name, driver=opts.driver, subnets=opts.subnets, gateways=opts.gateways,
                ip_ranges=opts.ip_ranges, ipv6=opts.ipv6, internal=opts.internal, dns=not opts.disable_dns,
                labels=opts.labels, options=opts.options)
        except network_defs.NameInUseError:
            if opts.ignore:
                return opts.name
            raise
        return net.name

    def list_networks(self, filters: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
        from podpy.runtime import network_defs

        nets = network_defs.list_networks(self.engine.runtime)
        return [n.inspect() for n in nets if _matches(n, filters or {})]

    def inspect(self, names: Sequence[str]) -> list[InspectReport]:
        from podpy.runtime import network_defs

        reports: list[InspectReport] = []
        for name in names:
            try:
                reports.append(InspectReport(name, network_defs.get_network(self.engine.runtime, name).inspect()))
            except PodpyError as e:
                reports.append(InspectReport(name, None, error=str(e)))
        return reports

    def remove(self, names: Sequence[str], *, force: bool) -> list[ItemReport]:
        from podpy.runtime import network_defs

        reports: list[ItemReport] = []
        for name in names:
            try:
                network_defs.remove_network(self.engine.runtime, name, force=force)
                reports.append(ItemReport(name))
            except PodpyError as e:
                exit_code = 1 if e.code == "no_such_network" else 2 if e.code == "network_in_use" else e.exit_code
                reports.append(ItemReport(name, error=str(e), exit_code=exit_code, reason=e.code))
        return reports

    def prune(self) -> list[str]:
        from podpy.network.records import DEFAULT_NETWORK
        from podpy.runtime import network_defs

        rt = self.engine.runtime
        used = {n for c in rt.state.list_containers() for n in c.config.networks}
        removed: list[str] = []
        for net in network_defs.list_networks(rt):
            if net.name != DEFAULT_NETWORK and net.name not in used:
                network_defs.remove_network(rt, net.name, force=False)
                removed.append(net.name)
        return removed

    def reload(self, names: Sequence[str], *, all_containers: bool) -> list[ItemReport]:
        from podpy.runtime import network_setup

        rt = self.engine.runtime
        if all_containers:
            names = [c.id for c in rt.state.list_containers() if c.config.networks and c.state.status.is_active()]
        reports: list[ItemReport] = []
        for name in names:
            try:
                reports.append(ItemReport(network_setup.reload(rt, name)))
            except PodpyError as e:
                reports.append(ItemReport(name, error=str(e), exit_code=e.exit_code, reason=e.code))
        return reports

    def connect(self, network: str, container: str, *, aliases: Sequence[str] = (), ip: str = "", ip6: str = "",
                mac: str = "") -> None:
        from podpy.runtime import network_setup

        network_setup.connect(self.engine.runtime, container, network, aliases=aliases, ip=ip, ip6=ip6, mac=mac)

    def disconnect(self, network: str, container: str) -> None:
        from podpy.runtime import network_setup

        network_setup.disconnect(self.engine.runtime, container, network)

    def exists(self, name: str) -> bool:
        from podpy.runtime import network_defs

        try:
            network_defs.get_network(self.engine.runtime, name)
        except PodpyError:
            return False
        return True
