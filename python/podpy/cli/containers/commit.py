"""podpy commit: a new image from a container's changes; prints its ID."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("commit", help="Create new image based on the changed container")
@click.option("-a", "--author", default="", help="Set the author for the image committed")
@click.option("-c", "--change", "changes", multiple=True, help="Apply the following possible instructions to the "
              "created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | "
              "VOLUME | WORKDIR")
@click.option("-f", "--format", "fmt", default="oci", help="Format of the image manifest and metadata")
@click.option("--iidfile", default="", help="Write the image ID to the file")
@click.option("--include-volumes", is_flag=True, help="Include container volumes as image volumes")
@click.option("-m", "--message", default="", help="Set commit message for imported image")
@click.option("-p", "--pause", is_flag=True, help="Pause container during commit")
@click.option("-q", "--quiet", is_flag=True, help="Suppress output")
@click.option("-s", "--squash", is_flag=True, help="squash newly built layers into a single new layer")
@click.argument("container")
@click.argument("image", required=False, default="")
def commit(author: str, changes: tuple[str, ...], fmt: str, iidfile: str, include_volumes: bool, message: str,
           pause: bool, quiet: bool, squash: bool, container: str, image: str) -> int:
    from podpy.engine.entities import CommitOptions

    del quiet  # podpy prints no copy progress: only the ID
    opts = CommitOptions(changes=list(changes), message=message, author=author, pause=pause, squash=squash,
                         format=fmt, include_volumes=include_volumes)
    image_id = cli_state().engine.containers.commit(container, image, opts)
    if iidfile:
        with open(iidfile, "w") as f:
            f.write(image_id)
    click.echo(image_id)
    return 0
