"""podpy stats: CPU, memory, block I/O and PIDs of running containers, once or every interval."""

from __future__ import annotations

import sys
import time

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from podpy.engine.entities import ContainerStats

DEFAULT_FORMAT = ("table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"
                  "{{.BlockIO}}\t{{.PIDs}}\t{{.CPU}}\t{{.AVGCPU}}")
HEADERS = {"ID": "ID", "Name": "NAME", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %",
           "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDs": "PIDS", "CPU": "CPU TIME", "AVGCPU": "AVG CPU %"}


def human(size: float) -> str:
    """go-units HumanSize: four significant digits, decimal units, no space (`1.397MB`)."""
    from podpy.util.units import human_size

    return human_size(size, 4, sep="")


def go_duration(seconds: float) -> str:
    """Go's Duration.String for CPU time (`25.536ms`, `1.5s`, `2m3.4s`)."""
    if seconds == 0:
        return "0s"
    if seconds < 1e-3:
        return f"{seconds * 1e6:g}µs"
    if seconds < 1:
        return f"{round(seconds * 1e3, 6):g}ms"
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = f"{round(rest, 9):g}s"
    if minutes or hours:
        text = f"{minutes}m{text}"
    if hours:
        text = f"{hours}h{text}"
    return text


class StatsRow:
    """What --format templates see: Podman's stats reporter."""

    def __init__(self, data: ContainerStats, cpu_percent: float, no_trunc: bool) -> None:
        self._data = data
        self._cpu = cpu_percent
        self._no_trunc = no_trunc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)

    @property
    def ID(self) -> str:  # noqa: N802 - template field names are Podman's
        return self._data.ID if self._no_trunc else self._data.ID[:12]

    @property
    def CPUPerc(self) -> str:  # noqa: N802
        return f"{self._cpu:.2f}%"

    @property
    def AVGCPU(self) -> str:  # noqa: N802
        avg = self._data.CPUNano / (self._data.UpTime * 1e9) * 100 if self._data.UpTime > 0 else 0.0
        return f"{avg:.2f}%"

    @property
    def MemUsage(self) -> str:  # noqa: N802
        return f"{human(self._data.MemUsage)} / {human(self._data.MemLimit)}"

    @property
    def MemUsageBytes(self) -> str:  # noqa: N802
        return self.MemUsage

    @property
    def MemPerc(self) -> str:  # noqa: N802
        limit = self._data.MemLimit
        return f"{(self._data.MemUsage / limit * 100) if limit else 0.0:.2f}%"

    @property
    def NetIO(self) -> str:  # noqa: N802
        return f"{human(self._data.NetInput)} / {human(self._data.NetOutput)}"

    @property
    def BlockIO(self) -> str:  # noqa: N802
        return f"{human(self._data.BlockInput)} / {human(self._data.BlockOutput)}"

    @property
    def PIDs(self) -> str:  # noqa: N802
        return str(self._data.PIDs)

    @property
    def CPU(self) -> str:  # noqa: N802
        return go_duration(self._data.CPUNano / 1e9)

    @property
    def UpTime(self) -> str:  # noqa: N802
        return go_duration(round(self._data.UpTime, 3))

    def json(self) -> dict[str, str]:
        return {"id": self.ID, "name": self._data.Name, "cpu_time": self.CPU, "cpu_percent": self.CPUPerc,
                "avg_cpu": self.AVGCPU, "mem_usage": self.MemUsage, "mem_percent": self.MemPerc,
                "net_io": self.NetIO, "block_io": self.BlockIO, "pids": self.PIDs}


@click.command("stats", help="Display a live stream of container resource usage statistics")
@click.option("-a", "--all", "show_all", is_flag=True, help="Show all containers. Only running containers are "
              "shown by default")
@click.option("--no-stream", is_flag=True, help="Disable streaming stats and only pull the first result")
@click.option("--no-reset", is_flag=True, help="Disable resetting the screen between intervals")
@click.option("--no-trunc", is_flag=True, help="Do not truncate output")
@click.option("--format", "fmt", default=None, help="Pretty-print container statistics to JSON or using a Go "
              "template")
@click.option("-i", "--interval", default=5, help="Time in seconds between stats reports")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podpy is aware of")
@click.argument("names", nargs=-1)
def stats(show_all: bool, no_stream: bool, no_reset: bool, no_trunc: bool, fmt: str | None, interval: int,
          latest: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError

    if interval < 1:
        raise UsageError("stats requires an interval of at least one second")
    engine = cli_state().engine
    if latest:
        from podpy.engine.entities import PsOptions

        names = (*names, *(r.ID for r in engine.containers.list_containers(PsOptions(latest=True))))
    previous: dict[str, ContainerStats] = {}
    tty = sys.stdout.isatty()
    while True:
        samples = engine.containers.stats(names, all=show_all)
        rows = []
        for sample in samples:
            rows.append(StatsRow(sample, cpu_percent(sample, previous.get(sample.ID)), no_trunc))
            previous[sample.ID] = sample
        print_frame(rows, fmt, DEFAULT_FORMAT, HEADERS, clear=tty and not no_stream and not no_reset)
        if no_stream:
            return 0
        time.sleep(interval)


def cpu_percent(sample: ContainerStats, before: ContainerStats | None) -> float:
    """CPU use since the previous sample, or since the container started for the first one."""
    if before is not None and sample.SystemNano > before.SystemNano:
        return (sample.CPUNano - before.CPUNano) / (sample.SystemNano - before.SystemNano) * 100
    return sample.CPUNano / (sample.UpTime * 1e9) * 100 if sample.UpTime > 0 else 0.0


def print_frame(rows: Sequence[Any], fmt: str | None, default_format: str, headers: Mapping[str, str], *,
                clear: bool) -> None:
    """One report of `stats` (and `pod stats`): the screen cleared first on a terminal that streams."""
    import json

    from podpy.cli.render import is_json, render

    if clear:
        sys.stdout.write("\033[2J\033[H")
    if fmt is not None and is_json(fmt):
        sys.stdout.write(json.dumps([r.json() for r in rows], indent=1) + "\n")
    else:
        render(rows, fmt, default_format=default_format, headers=headers, out=sys.stdout)
    sys.stdout.flush()
