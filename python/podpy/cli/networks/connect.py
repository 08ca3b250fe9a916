"""podpy network connect / disconnect: join or leave a network, live when the container runs."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("connect", help="Add container to a network")
@click.option("--alias", "aliases", multiple=True, help="Network scoped alias for container")
@click.option("--ip", default="", help="Set a static ipv4 address for this container network")
@click.option("--ip6", default="", help="Set a static ipv6 address for this container network")
@click.option("--mac-address", default="", help="Set a static mac address for this container network")
@click.argument("network")
@click.argument("container")
def connect(aliases: tuple[str, ...], ip: str, ip6: str, mac_address: str, network: str, container: str) -> int:
    cli_state().engine.networks.connect(network, container, aliases=aliases, ip=ip, ip6=ip6, mac=mac_address)
    return 0


@click.command("disconnect", help="Disconnect a container from a network")
@click.option("-f", "--force", is_flag=True, help="Force the container to disconnect from a network")
@click.argument("network")
@click.argument("container")
def disconnect(force: bool, network: str, container: str) -> int:
    cli_state().engine.networks.disconnect(network, container)
    return 0
