"""podpy inspect: containers first, then images, as Podman's generic inspect does."""

from __future__ import annotations

import click

from podpy.cli.inspecting import print_inspect
from podpy.cli.state import cli_state


@click.command("inspect", help="Display the configuration of object denoted by ID")
@click.option("-f", "--format", "fmt", default=None, help="Format the output to a Go template or json")
@click.option("-t", "--type", "kind", type=click.Choice(["all", "container", "image"]), default="all",
              help="Specify inspect-object type")
@click.option("-s", "--size", is_flag=True, help="Display total file size")
@click.argument("names", nargs=-1, required=True)
def inspect(fmt: str | None, kind: str, size: bool, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import InspectReport

    engine = cli_state().engine
    reports: list[InspectReport] = []
    for name in names:
        report = None
        if kind in ("all", "container"):
            report = engine.containers.inspect([name])[0]
        if kind in ("all", "image") and (report is None or report.data is None):
            image_report = engine.images.inspect([name])[0]
            if image_report.data is not None or report is None:
                report = image_report
        assert report is not None
        if report.data is None:
            report = InspectReport(name, None, f"no such object: \"{name}\"")
        reports.append(report)
    return print_inspect(reports, fmt)
