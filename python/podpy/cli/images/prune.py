"""podpy image prune: remove dangling (or, with -a, all unused) images."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("prune", help="Remove unused images")
@click.option("-a", "--all", "all_images", is_flag=True, help="Remove all images not in use by containers")
@click.option("-f", "--force", is_flag=True, help="Do not prompt for confirmation")
@click.option("--filter", "filters", multiple=True, help="Provide filter values (e.g. 'label=<key>=<value>')")
def prune(all_images: bool, force: bool, filters: tuple[str, ...]) -> int:
    from podpy.cli.common import parse_filters

    if not force and sys.stdin.isatty():
        what = "all images not used by containers" if all_images else "all dangling images"
        sys.stderr.write(f"WARNING! This command removes {what}.\nAre you sure you want to continue? [y/N] ")
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    for image_id in cli_state().engine.images.prune(all_images=all_images, filters=parse_filters(filters)):
        sys.stdout.write(image_id + "\n")
    return 0
