"""podpy network create: record a bridge, macvlan or ipvlan network (a bridge is made on first use)."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("create", help="Create networks for containers and pods")
@click.option("-d", "--driver", default="bridge", help="Driver to manage the network")
@click.option("--subnet", "subnets", multiple=True, help="Subnets in CIDR format")
@click.option("--gateway", "gateways", multiple=True, help="IPv4 or IPv6 gateway for the subnet")
@click.option("--ip-range", "ip_ranges", multiple=True, help="Allocate container IP from range")
@click.option("--internal", is_flag=True, help="Restrict external access from this network")
@click.option("--disable-dns", is_flag=True, help="Disable dns plugin")
@click.option("--ipv6", is_flag=True, help="Enable IPv6 networking")
@click.option("--ipam-driver", default="", help="IP Address Management Driver")
@click.option("--label", "labels", multiple=True, help="Set metadata on a network")
@click.option("-o", "--opt", "opts", multiple=True, help="Set driver specific options")
@click.option("--ignore", is_flag=True, help="Don't fail if network already exists")
@click.argument("name", required=False, default="")
def create(driver: str, subnets: tuple[str, ...], gateways: tuple[str, ...], ip_ranges: tuple[str, ...],
           internal: bool, disable_dns: bool, ipv6: bool, ipam_driver: str, labels: tuple[str, ...],
           opts: tuple[str, ...], ignore: bool, name: str) -> int:
    from podpy.cli.common import parse_key_values
    from podpy.engine.entities import NetworkCreateOptions
    from podpy.errors import UsageError

    if ipam_driver not in ("", "host-local"):
        raise UsageError(f"unsupported ipam driver {ipam_driver!r}")
    options = NetworkCreateOptions(
        name=name, driver=driver, subnets=list(subnets), gateways=list(gateways), ip_ranges=list(ip_ranges),
        ipv6=ipv6, internal=internal, disable_dns=disable_dns, labels=parse_key_values(labels, "label"),
        options=parse_key_values(opts, "option"), ignore=ignore)
    sys.stdout.write(cli_state().engine.networks.create(options) + "\n")
    return 0
