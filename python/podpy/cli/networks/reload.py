"""podpy network reload: re-apply a container's network (bridge, NAT, published ports) after a firewall flush."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("reload", help="Reload firewall rules for one or more containers")
@click.option("-a", "--all", "all_containers", is_flag=True, help="Reload network configuration of all containers")
@click.argument("names", nargs=-1)
def reload(all_containers: bool, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.errors import UsageError

    if not names and not all_containers:
        raise UsageError("you must provide at least one container name or ID")
    if names and all_containers:
        raise UsageError("--all and containers cannot be used together")
    return print_item_reports(cli_state().engine.networks.reload(names, all_containers=all_containers))
