"""podpy image mount: mount images' root filesystems read-only, or list the mounted ones."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import ImageMountReport


@click.command("mount", help="Mount an image's root filesystem")
@click.option("-a", "--all", "all_images", is_flag=True, help="Mount all images")
@click.option("--format", "fmt", default="", help="Print the mounted images in specified format (json)")
@click.argument("names", nargs=-1)
def mount(all_images: bool, fmt: str, names: tuple[str, ...]) -> int:
    from podpy.cli.common import error_line
    from podpy.errors import UsageError

    if all_images and names:
        raise UsageError("when using the --all switch, you may not pass any image names")
    if fmt and fmt != "json":
        raise UsageError(f"unknown format {fmt!r}: only json is supported")
    images = cli_state().engine.images
    listing = all_images or not names
    reports = images.mount(names, all_images=all_images) if names or all_images else images.mounted()
    code = 0
    mounted = []
    for report in reports:
        if report.error:
            error_line(report.error)
            code = 125
        else:
            mounted.append(report)
    if fmt == "json":
        _print_json(mounted)
    elif listing:
        _print_list(mounted)
    else:
        for report in mounted:
            sys.stdout.write(report.mountpoint + "\n")
    return code


def _print_json(reports: list[ImageMountReport]) -> None:
    from podpy.cli.render import render_json

    render_json([{"id": r.id, "Names": r.names, "Repositories": r.repositories, "mountpoint": r.mountpoint}
                 for r in reports], out=sys.stdout, indent=1)


def _print_list(reports: list[ImageMountReport]) -> None:
    from podpy.cli.render import TabWriter

    writer = TabWriter(sys.stdout)
    for report in reports:
        name = report.repositories[0] if report.repositories else report.id[:12]
        writer.write(f"{name}\t{report.mountpoint}\n")
    writer.flush()
