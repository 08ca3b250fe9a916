"""podpy manifest add: entries for local images or registry images (manifests only); the list's ID."""

from __future__ import annotations

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, cert_dir_option, tls_verify_option
from podpy.cli.manifests.flags import creds_option, platform_options
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("add", cls=RegistryCommand, help="Add images to a manifest list or image index")
@click.option("--all", "all_", is_flag=True, help="add all of the list's images if the image is a list")
@authfile_option
@cert_dir_option
@creds_option
@platform_options(os_features=False)
@tls_verify_option
@click.argument("name")
@click.argument("images", nargs=-1, required=True)
def add(name: str, images: tuple[str, ...], **params: Any) -> int:
    from podpy.cli.manifests.flags import add_options, registry_options

    opts = add_options(params, registry_options(params))
    click.echo(cli_state().engine.manifests.add(name, images, opts))
    return 0
