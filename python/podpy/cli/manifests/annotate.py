"""podpy manifest annotate: change what a list records about one entry; the list's ID."""

from __future__ import annotations

import click

from podpy.cli.manifests.flags import platform_options
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("annotate", help="Add or update information about an entry in a manifest list or image index")
@platform_options(os_features=True)
@click.argument("name")
@click.argument("digest")
def annotate(name: str, digest: str, **params: Any) -> int:
    from podpy.cli.manifests.flags import add_options

    click.echo(cli_state().engine.manifests.annotate(name, digest, add_options(params)))
    return 0
