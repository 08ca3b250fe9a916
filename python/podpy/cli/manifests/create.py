"""podpy manifest create: a new list (optionally with images), stored as an image; its ID."""

from __future__ import annotations

import click

from podpy.cli.images.registry_flags import RegistryCommand, tls_verify_option
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("create", cls=RegistryCommand, help="Create manifest list or image index")
@click.option("--all", "all_", is_flag=True, help="add all of the lists' images if the images to add are lists")
@click.option("-a", "--amend", is_flag=True,
              help="modify an existing list if one with the desired name already exists")
@tls_verify_option
@click.argument("name")
@click.argument("images", nargs=-1)
def create(name: str, images: tuple[str, ...], amend: bool, **params: Any) -> int:
    from podpy.cli.manifests.flags import add_options, registry_options

    opts = add_options(params, registry_options(params))
    click.echo(cli_state().engine.manifests.create(name, images, opts, amend=amend))
    return 0
