"""podpy network ls: Podman's table (NETWORK ID, NAME, DRIVER), -q, --format, --filter."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_FORMAT = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"
HEADERS = {"ID": "NETWORK ID"}


class NetworkRow:
    """What --format templates see: Go's field names of Podman's network type."""

    def __init__(self, data: dict[str, Any], no_trunc: bool) -> None:
        self.Name = data["name"]
        self.ID = data["id"] if no_trunc else data["id"][:12]
        self.Driver = data["driver"]
        self.NetworkInterface = data["network_interface"]
        self.Created = data["created"]
        self.Subnets = data["subnets"]
        self.IPv6Enabled = data["ipv6_enabled"]
        self.Internal = data["internal"]
        self.DNSEnabled = data["dns_enabled"]
        self.Labels = data.get("labels", {})
        self.Options = data.get("options", {})
        self.IPAMOptions = data.get("ipam_options", {})


@click.command("ls", help="List networks")
@click.option("-q", "--quiet", is_flag=True, help="Display only the network name")
@click.option("--no-trunc", is_flag=True, help="Do not truncate the network ID")
@click.option("--noheading", "-n", is_flag=True, help="Do not print headers")
@click.option("--format", "fmt", default=None, help="Pretty-print networks to JSON or using a Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Provide filter values (e.g. 'name=podman')")
def ls(quiet: bool, no_trunc: bool, noheading: bool, fmt: str | None, filters: tuple[str, ...]) -> int:
    import sys

    from podpy.cli.common import parse_filters
    from podpy.cli.render import is_json, render, render_json

    nets = cli_state().engine.networks.list_networks(parse_filters(filters))
    if fmt is not None and is_json(fmt):
        render_json(nets, out=sys.stdout)
        return 0
    if quiet and not fmt:
        for net in nets:
            sys.stdout.write(net["name"] + "\n")
        return 0
    rows = [NetworkRow(n, no_trunc) for n in nets]
    render(rows, fmt, default_format=DEFAULT_FORMAT, headers=HEADERS, out=sys.stdout, noheading=noheading)
    return 0
