"""podpy ps: list containers in Podman's table, as JSON, or through a Go template."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("ps", help="List containers", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-a", "--all", "show_all", is_flag=True,
              help="Show all the containers, default is only running containers")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podpy is aware of")
@click.option("-n", "--last", default=-1, help="Print the n last created containers (all states)")
@click.option("-q", "--quiet", is_flag=True, help="Print the numeric IDs of the containers only")
@click.option("--no-trunc", is_flag=True, help="Display the extended information")
@click.option("--noheading", is_flag=True, help="Do not print headers")
@click.option("--format", "fmt", default=None, help="Pretty-print containers to JSON or using a Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter output based on conditions given")
@click.option("-s", "--size", is_flag=True, help="Display the total file sizes")
@click.option("-p", "--pod", "show_pod", is_flag=True, help="Print the ID and name of the pod the containers "
              "are associated with")
@click.option("--sort", default="created", help="Sort output by: command, created, id, image, names, runningfor, "
              "size, status")
def ps(**flags: Any) -> int:
    from podpy.cli.containers.ps_body import ps as body

    return body(cli_state(), **flags)
