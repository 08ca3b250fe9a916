"""podpy volume import: a tar archive (a file or `-` for stdin; gzip/bzip2/xz too) unpacked into a volume."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("import", help="Import a tarball contents into a podman volume")
@click.argument("volume")
@click.argument("source")
def import_(volume: str, source: str) -> int:
    import os
    import sys

    from podpy.errors import NoSuchVolume, NotFoundError

    engine = cli_state().engine
    if not engine.volumes.exists(volume):
        raise NoSuchVolume(f"no such volume {volume}")
    if source == "-":
        engine.volumes.import_tar(volume, sys.stdin.buffer)
        return 0
    if not os.path.isfile(source):
        raise NotFoundError(f"open {source}: no such file or directory")
    with open(source, "rb") as f:
        engine.volumes.import_tar(volume, f)
    return 0
