"""podpy logs: a container's output from its k8s-file log."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from podpy.engine.entities import LogLine


@click.command("logs", help="Fetch the logs of one or more containers")
@click.option("-f", "--follow", is_flag=True, help="Follow log output")
@click.option("-t", "--timestamps", is_flag=True, help="Output the timestamps in the log")
@click.option("--tail", default=-1, help="Output the specified number of LINES at the end of the logs")
@click.option("-n", "--names", "show_names", is_flag=True, help="Output the container name in the log")
@click.option("--since", default="", help="Show logs since TIMESTAMP")
@click.option("--until", default="", help="Show logs until TIMESTAMP")
@click.argument("names", nargs=-1, required=True)
def logs(follow: bool, timestamps: bool, tail: int, show_names: bool, since: str, until: str,
         names: tuple[str, ...]) -> int:
    from podpy.engine.entities import LogsOptions

    opts = LogsOptions(timestamps=timestamps, tail=tail, follow=follow, names=show_names or len(names) > 1,
                       since=_time_flag(since, "--since"), until=_time_flag(until, "--until"))
    write_log_lines(cli_state().engine.containers.logs(names, opts), timestamps=timestamps, follow=follow)
    return 0


def write_log_lines(lines: Iterable[LogLine], *, timestamps: bool, follow: bool) -> None:
    """Each line to stdout or stderr as it was written, prefixed by its container's name (several
    containers) and its time (-t); flushed as it comes with -f. Also `pod logs`'."""
    out, err = sys.stdout.buffer, sys.stderr.buffer
    at_line_start = True
    for line in lines:
        stream = err if line.stream == "stderr" else out
        if at_line_start:
            if line.container:
                stream.write(line.container.encode() + b" ")
            if timestamps:
                stream.write(line.timestamp.encode() + b" ")
        stream.write(line.text)
        if follow:
            stream.flush()
        at_line_start = not line.partial
    out.flush()
    err.flush()


def _time_flag(text: str, flag: str) -> float | None:
    if not text:
        return None
    from podpy.errors import UsageError
    from podpy.util.timefmt import parse_time_filter

    try:
        return parse_time_filter(text)
    except ValueError:
        raise UsageError(f"invalid value {text!r} for {flag}: not a duration, a Unix time or a RFC 3339 time"
                         ) from None
