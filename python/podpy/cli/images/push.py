"""podpy push: an image to a registry (or an archive transport); progress on stderr, nothing on stdout."""

from __future__ import annotations

import sys

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, cert_dir_option, tls_verify_option
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("push", cls=RegistryCommand, help="Push an image to a specified destination")
@authfile_option
@cert_dir_option
@click.option("--compress", is_flag=True, help="Compress tarball image layers when pushing to a directory using "
              "the 'dir' transport. (default is same compression type as source)")
@click.option("--compression-format", default="", help="compression format to use")
@click.option("--compression-level", type=int, default=None, help="compression level to use")
@click.option("--creds", default="", metavar="Credentials",
              help="Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
@click.option("--digestfile", default="", help="Write the digest of the pushed image to the specified file")
@click.option("--disable-content-trust", is_flag=True, hidden=True,
              help="This is a Docker specific option and is a NOOP")
@click.option("-f", "--format", "fmt", default="",
              help="Manifest type (oci, v2s2, or v2s1) to use in the destination (default is manifest type of "
                   "source, with fallbacks)")
@click.option("-q", "--quiet", is_flag=True, help="Suppress output information when pushing images")
@click.option("--remove-signatures", is_flag=True, help="Discard any pre-existing signatures in the image")
@click.option("--retry", type=int, default=None, hidden=True, help="Number of times to retry in case of failure")
@click.option("--retry-delay", default="", hidden=True, help="Delay between retries in case of push failures")
@click.option("--sign-by", default="", help="Add a signature at the destination using the specified key")
@tls_verify_option
@click.argument("args", nargs=-1)
def push(**params: Any) -> int:
    from podpy.engine.entities import PushOptions, RegistryOptions
    from podpy.errors import UsageError

    args: tuple[str, ...] = params["args"]
    if not 1 <= len(args) <= 2:
        raise UsageError(f"accepts between 1 and 2 arg(s), received {len(args)}")
    if params["sign_by"]:
        raise UsageError("signing images (--sign-by) is not supported")
    level = params["compression_level"]
    opts = PushOptions(
        registry=RegistryOptions(tls_verify=params["tls_verify"], authfile=params["authfile"],
                                 cert_dir=params["cert_dir"], creds=params["creds"], retry=params["retry"],
                                 retry_delay=params["retry_delay"]),
        format=params["fmt"], compression_format=params["compression_format"], compression_level=level,
        compress=params["compress"], remove_signatures=params["remove_signatures"], quiet=params["quiet"])
    report = cli_state().engine.images.push(args[0], args[1] if len(args) > 1 else "", opts, sys.stderr)
    from podpy.util.log import warning

    for text in report.warnings:
        warning(text)
    if params["digestfile"] and report.digest:
        with open(params["digestfile"], "w") as f:
            f.write(report.digest)
    return 0
