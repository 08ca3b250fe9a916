"""podpy import: a root filesystem tarball (file or `-`) becomes an image; prints its ID."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("import", help="Import a tarball to create a filesystem image")
@click.option("-c", "--change", "changes", multiple=True, help="Apply the following possible instructions "
              "to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL "
              "| USER | VOLUME | WORKDIR")
@click.option("-m", "--message", default="", help="Set commit message for imported image")
@click.option("-q", "--quiet", is_flag=True, help="Suppress output")
@click.argument("path")
@click.argument("reference", required=False, default="")
def import_(changes: tuple[str, ...], message: str, quiet: bool, path: str, reference: str) -> int:
    image_id = cli_state().engine.images.import_(path, reference=reference, changes=changes, message=message)
    click.echo(image_id)
    return 0
