"""podpy pod logs: the logs of a pod's containers (not the infra container's), each line tagged."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("logs", help="Fetch logs for pod with one or more containers")
@click.option("-c", "--container", default="", help="Filter logs by container name or id which belongs to pod")
@click.option("-f", "--follow", is_flag=True, help="Follow log output")
@click.option("--tail", type=int, default=-1, help="Output the specified number of LINES at the end of the logs")
@click.option("-t", "--timestamps", is_flag=True, help="Output the timestamps in the log")
@click.argument("pod")
def logs(container: str, follow: bool, tail: int, timestamps: bool, pod: str) -> int:
    from podpy.cli.containers.logs import write_log_lines
    from podpy.engine.entities import LogsOptions

    engine = cli_state().engine
    pods = engine.pods
    infra = {p["InfraContainerID"] for p in pods.inspect([pod]) if "InfraContainerID" in p}
    ids = [c for c in pods.member_names(pod) if c not in infra]
    if container:
        from podpy.errors import NoSuchContainer

        found = engine.containers.inspect([container])[0]
        if found.data is None:
            raise NoSuchContainer(found.error)
        ids = [str(found.data["Id"])]
    if not ids:
        return 0
    opts = LogsOptions(follow=follow, tail=tail, timestamps=timestamps, names=len(ids) > 1)
    write_log_lines(engine.containers.logs(ids, opts), timestamps=timestamps, follow=follow)
    return 0
