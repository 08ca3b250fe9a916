"""podpy cp: copy files between a container and the host (`-` for a tar stream on stdin or stdout)."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("cp", help="Copy files/folders between a container and the local filesystem")
@click.option("-a", "--archive", type=click.BOOL, default=True, show_default=True,
              help="Chown copied files to the primary uid/gid of the destination container")
@click.option("--overwrite", is_flag=True, help="Allow to overwrite directories with non-directories and vice versa")
@click.argument("src")
@click.argument("dest")
def cp(archive: bool, overwrite: bool, src: str, dest: str) -> int:
    from podpy.errors import UsageError

    if dest == "-" and sys.stdout.isatty():
        raise UsageError("refusing to write a tar archive to a terminal: redirect the output")
    cli_state().engine.containers.copy(src, dest, archive=archive, stdin=sys.stdin.buffer, stdout=sys.stdout.buffer)
    sys.stdout.flush()
    return 0
