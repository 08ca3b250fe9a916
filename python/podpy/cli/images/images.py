"""podpy images: list local images, one row per name, in Podman's table."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("images", help="List images in local storage")
@click.option("-a", "--all", "show_all", is_flag=True, help="Show all images (default hides intermediate images)")
@click.option("-q", "--quiet", is_flag=True, help="Display only image IDs")
@click.option("--no-trunc", is_flag=True, help="Do not truncate output")
@click.option("--noheading", "-n", is_flag=True, help="Do not print column headings")
@click.option("--digests", is_flag=True, help="Show digests")
@click.option("--format", "fmt", default=None, help="Change the output format to JSON or a Go template")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter output based on conditions provided")
@click.option("--sort", type=click.Choice(["created", "id", "repository", "size", "tag"]), default="created",
              help="Sort by created, id, repository, size or tag")
def images(**params: Any) -> int:
    from podpy.cli.images.images_body import images as body

    return body(cli_state(), **params)
