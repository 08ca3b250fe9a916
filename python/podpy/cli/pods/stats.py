"""podpy pod stats: resource use of the running containers of pods, in Podman's pod stats table."""

from __future__ import annotations

import sys
import time

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import ContainerStats

DEFAULT_FORMAT = ("table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t"
                  "{{.BlockIO}}\t{{.PIDS}}")
HEADERS = {"Pod": "POD", "CID": "CID", "Name": "NAME", "CPU": "CPU %", "MemUsage": "MEM USAGE/ LIMIT",
           "Mem": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS"}


class PodStatsRow:
    """Podman's pod stats fields (strings, as its templates see them)."""

    def __init__(self, pod_id: str, data: ContainerStats, cpu_percent: float) -> None:
        from podpy.cli.containers.stats import human

        self.Pod = pod_id[:12]
        self.CID = data.ID[:12]
        self.Name = data.Name
        self.CPU = f"{cpu_percent:.2f}%"
        self.MemUsage = f"{human(data.MemUsage)} / {human(data.MemLimit)}"
        self.Mem = f"{(data.MemUsage / data.MemLimit * 100) if data.MemLimit else 0.0:.2f}%"
        self.NetIO = f"{human(data.NetInput)} / {human(data.NetOutput)}"
        self.BlockIO = f"{human(data.BlockInput)} / {human(data.BlockOutput)}"
        self.PIDS = str(data.PIDs)

    def json(self) -> dict[str, str]:
        return {"pod": self.Pod, "cid": self.CID, "name": self.Name, "cpu_percent": self.CPU,
                "mem_usage": self.MemUsage, "mem_percent": self.Mem, "net_io": self.NetIO,
                "block_io": self.BlockIO, "pids": self.PIDS}


@click.command("stats", help="Display a live stream of resource usage statistics for the containers in one or "
               "more pods")
@click.option("-a", "--all", "all_pods", is_flag=True, help="Provide stats for all pods")
@click.option("--no-stream", is_flag=True, help="Disable streaming stats and only pull the first result")
@click.option("--no-reset", is_flag=True, help="Disable resetting the screen between intervals")
@click.option("--format", "fmt", default=None, help="Pretty-print container statistics to JSON or using a Go "
              "template")
@click.option("-i", "--interval", default=5, help="Time in seconds between stats reports")
@click.argument("names", nargs=-1)
def stats(all_pods: bool, no_stream: bool, no_reset: bool, fmt: str | None, interval: int,
          names: tuple[str, ...]) -> int:
    from podpy.cli.containers.stats import cpu_percent, print_frame
    from podpy.errors import UsageError

    if interval < 1:
        raise UsageError("stats requires an interval of at least one second")
    engine = cli_state().engine
    if all_pods or not names:
        names = tuple(p.Id for p in engine.pods.list_pods())
    previous: dict[str, ContainerStats] = {}
    tty = sys.stdout.isatty()
    while True:
        owner = {cid: engine.pods.inspect([name])[0]["Id"] for name in names
                 for cid in engine.pods.member_names(name, running=True)}
        rows = []
        for sample in engine.containers.stats(list(owner)) if owner else []:
            rows.append(PodStatsRow(str(owner[sample.ID]), sample, cpu_percent(sample, previous.get(sample.ID))))
            previous[sample.ID] = sample
        print_frame(rows, fmt, DEFAULT_FORMAT, HEADERS, clear=tty and not no_stream and not no_reset)
        if no_stream:
            return 0
        time.sleep(interval)
