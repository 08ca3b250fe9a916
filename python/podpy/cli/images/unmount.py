"""podpy image unmount: drop images' mount references; an image is unmounted when none is left."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("unmount", help="Unmount an image's root filesystem")
@click.option("-a", "--all", "all_images", is_flag=True, help="Unmount all of the currently mounted images")
@click.option("-f", "--force", is_flag=True, help="Force the complete unmount of the specified mounted images")
@click.argument("names", nargs=-1)
def unmount(all_images: bool, force: bool, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.errors import UsageError

    if all_images and names:
        raise UsageError("when using the --all switch, you may not pass any image names")
    if not all_images and not names:
        raise UsageError("image name or ID must be specified")
    return print_item_reports(cli_state().engine.images.unmount(names, all_images=all_images, force=force))
