"""podpy pod ps: Podman's pod table, --ctr-names/--ctr-ids/--ctr-status, --filter, --format, -q."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import ListPod

HEADERS = {"ID": "POD ID", "InfraID": "INFRA ID", "NumberOfContainers": "# OF CONTAINERS",
           "ContainerIds": "IDS", "ContainerNames": "NAMES", "ContainerStatuses": "STATUS"}


class PodRow:
    """What --format templates see: Podman's pod ps fields."""

    def __init__(self, pod: ListPod, *, trunc: bool) -> None:
        from podpy.util.timefmt import time_ago

        def cut(text: str) -> str:
            return text[:12] if trunc else text

        self.ID = cut(pod.Id)
        self.Name = pod.Name
        self.Status = pod.Status
        self.Created = time_ago(pod.Created)
        self.InfraID = cut(pod.InfraId)
        self.NumberOfContainers = str(len(pod.Containers))
        self.ContainerIds = ",".join(cut(c.Id) for c in pod.Containers)
        self.ContainerNames = ",".join(c.Names for c in pod.Containers)
        self.ContainerStatuses = ",".join(c.Status for c in pod.Containers)
        self.Labels = pod.Labels
        self.Networks = ",".join(pod.Networks)
        self.Cgroup = pod.Cgroup


@click.command("ps", help="List pods")
@click.option("-q", "--quiet", is_flag=True, help="Print the numeric IDs of the pods only")
@click.option("--no-trunc", is_flag=True, help="Do not truncate pod and container IDs")
@click.option("--noheading", "-n", is_flag=True, help="Do not print headers")
@click.option("--format", "fmt", default=None, help="Pretty-print pods to JSON or using a Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter output based on conditions given")
@click.option("--ctr-names", is_flag=True, help="Display the container names")
@click.option("--ctr-ids", is_flag=True, help="Display the container UUIDs. If no-trunc is not set they will be "
              "truncated")
@click.option("--ctr-status", is_flag=True, help="Display the container status")
@click.option("--sort", default="created", help="Sort output by created, id, name, or number")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest pod podman is aware of")
def ps(quiet: bool, no_trunc: bool, noheading: bool, fmt: str | None, filters: tuple[str, ...], ctr_names: bool,
       ctr_ids: bool, ctr_status: bool, sort: str, latest: bool) -> int:
    import sys

    from podpy.cli.render import is_json, render, render_json
    from podpy.errors import UsageError

    pods = cli_state().engine.pods.list_pods(filters)
    keys = {"created": lambda p: p.Created, "id": lambda p: p.Id, "name": lambda p: p.Name,
            "number": lambda p: len(p.Containers), "status": lambda p: p.Status}
    if sort not in keys:
        raise UsageError(f"invalid option for --sort, options are: {', '.join(keys)}")
    pods.sort(key=keys[sort], reverse=sort == "created")
    if latest:
        pods = pods[:1]
    if fmt is not None and is_json(fmt):
        render_json(pods, out=sys.stdout, indent=2)
        return 0
    if quiet and not fmt:
        for pod in pods:
            sys.stdout.write((pod.Id if no_trunc else pod.Id[:12]) + "\n")
        return 0
    columns = ["ID", "Name", "Status", "Created", "InfraID"]
    if ctr_ids:
        columns.append("ContainerIds")
    if ctr_names:
        columns.append("ContainerNames")
    if ctr_status:
        columns.append("ContainerStatuses")
    if not (ctr_ids or ctr_names or ctr_status):
        columns.append("NumberOfContainers")
    default = "table " + "\t".join("{{." + c + "}}" for c in columns)
    render([PodRow(p, trunc=not no_trunc) for p in pods], fmt, default_format=default, headers=HEADERS,
           out=sys.stdout, noheading=noheading)
    return 0
