"""podpy save: images to a docker-archive, oci-archive, oci-dir or docker-dir."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("save", help="Save image(s) to an archive")
@click.option("--compress", is_flag=True, help="Compress tarball image layers when saving to a directory using the "
              "'dir' transport. (default is same compression type as source)")
@click.option("--format", "fmt", default="docker-archive",
              help="Save image to oci-archive, oci-dir (directory with oci manifest type), docker-archive, "
                   "docker-dir (directory with v2s2 manifest type)")
@click.option("-m", "--multi-image-archive", "multi", is_flag=True,
              help="Interpret additional arguments as images not tags and create a multi-image-archive "
                   "(only for docker-archive)")
@click.option("-o", "--output", default="", help="Write to a specified file (default: stdout, which must be "
              "redirected)")
@click.option("-q", "--quiet", is_flag=True, help="Suppress the output")
@click.option("--uncompressed", is_flag=True, help="Accept uncompressed layers when copying OCI images")
@click.argument("images", nargs=-1, required=True)
def save(compress: bool, fmt: str, multi: bool, output: str, quiet: bool, uncompressed: bool,
         images: tuple[str, ...]) -> int:
    del quiet, uncompressed  # podpy prints no copy progress; OCI layers are written uncompressed anyway
    from podpy.engine.entities import SaveOptions
    from podpy.errors import UsageError

    if not output and not fmt.endswith("-dir") and sys.stdout.isatty():
        raise UsageError("refusing to save to terminal. Use -o flag or redirect")
    opts = SaveOptions(format=fmt, output=output, multi_image=multi, compress=compress)
    report = cli_state().engine.images.save(list(images), opts, None if output else sys.stdout.buffer)
    from podpy.util.log import warning

    for text in report.warnings:
        warning(text)
    return 0
