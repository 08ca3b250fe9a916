"""podpy rmi: untag or delete images; exit 1 if one was not found, 2 if one is in use (Podman's codes)."""

from __future__ import annotations

import sys

import click

from podpy.cli.common import error_line
from podpy.cli.state import cli_state


@click.command("rmi", help="Removes one or more images from local storage")
@click.option("-a", "--all", "all_images", is_flag=True, help="Remove all images")
@click.option("-f", "--force", is_flag=True, help="Force Removal of the image")
@click.option("-i", "--ignore", is_flag=True, help="Ignore errors if a specified image does not exist")
@click.argument("names", nargs=-1)
def rmi(all_images: bool, force: bool, ignore: bool, names: tuple[str, ...]) -> int:
    from podpy.errors import UsageError

    if not names and not all_images:
        raise UsageError("image name or ID must be specified")
    reasons: set[str] = set()
    for report in cli_state().engine.images.remove(names, force=force, all_images=all_images):
        if report.error:
            if ignore and report.reason == "no_such_image":
                continue
            error_line(report.error)
            reasons.add(report.reason)
            continue
        for name in report.untagged:
            sys.stdout.write(f"Untagged: {name}\n")
        for image_id in report.deleted:
            sys.stdout.write(f"Deleted: {image_id}\n")
    if not reasons:
        return 0
    if reasons - {"no_such_image", "image_in_use"}:
        return 125
    return 2 if "image_in_use" in reasons else 1


@click.command("exists", help="Check if an image exists in local storage")
@click.argument("name")
def exists(name: str) -> int:
    return 0 if cli_state().engine.images.exists(name) else 1
