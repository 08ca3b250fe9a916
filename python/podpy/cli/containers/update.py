"""podpy update: change the resource limits of a container, running or not."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("update", help="Update an existing container")
@click.option("-m", "--memory", default="", help="Memory limit (format: <number>[<unit>], where unit = b, k, m or g)")
@click.option("--memory-reservation", default="", help="Memory soft limit (format: <number>[<unit>])")
@click.option("--memory-swap", default="", help="Swap limit equal to memory plus swap: '-1' to enable unlimited "
              "swap")
@click.option("--cpus", default="", help="Number of CPUs. The default is 0.000 which means no limit")
@click.option("-c", "--cpu-shares", type=int, default=None, help="CPU shares (relative weight)")
@click.option("--cpu-period", type=int, default=None, help="Limit the CPU CFS (Completely Fair Scheduler) period")
@click.option("--cpu-quota", type=int, default=None, help="Limit the CPU CFS (Completely Fair Scheduler) quota")
@click.option("--cpuset-cpus", default="", help="CPUs in which to allow execution (0-3, 0,1)")
@click.option("--cpuset-mems", default="", help="Memory nodes (MEMs) in which to allow execution (0-3, 0,1)")
@click.option("--pids-limit", type=int, default=None, help="Tune container pids limit (set -1 for unlimited)")
@click.argument("name")
def update(name: str, **flags: Any) -> int:
    from podpy.engine.entities import UpdateOptions

    container_id = cli_state().engine.containers.update(name, UpdateOptions(**flags))
    sys.stdout.write(container_id + "\n")
    return 0
