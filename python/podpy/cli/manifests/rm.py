"""podpy manifest rm: delete lists (not the images they name), reported as rmi reports."""

from __future__ import annotations

import sys

import click

from podpy.cli.common import error_line
from podpy.cli.state import cli_state


@click.command("rm", help="Remove manifest list or image index from local storage")
@click.argument("names", nargs=-1, required=True)
def rm(names: tuple[str, ...]) -> int:
    reports = cli_state().engine.manifests.remove(names)
    for report in reports:
        for name in report.untagged:
            sys.stdout.write(f"Untagged: {name}\n")
    for report in reports:
        for image_id in report.deleted:
            sys.stdout.write(f"Deleted: {image_id}\n")
    reasons = set()
    for report in reports:
        if report.error:
            error_line(report.error)
            reasons.add(report.reason)
    if not reasons:
        return 0
    return 1 if reasons == {"no_such_image"} else 125
