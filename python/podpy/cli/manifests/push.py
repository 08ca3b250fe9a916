"""podpy manifest push: the list's images (with --all, the default) and then the list, to a registry."""

from __future__ import annotations

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, cert_dir_option, tls_verify_option
from podpy.cli.manifests.flags import creds_option
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _PushCommand(RegistryCommand):
    """`--all` is a Go boolean here (default true): a bare `--all` means `--all=true`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        cut = args.index("--") if "--" in args else len(args)
        return super().parse_args(ctx, [("--all=true" if a == "--all" else a) for a in args[:cut]] + args[cut:])


@click.command("push", cls=_PushCommand, help="Push a manifest list or image index to a registry")
@click.option("--all", "all_", type=click.BOOL, default=True,
              help="also push the images in the list (default true)")
@authfile_option
@cert_dir_option
@click.option("--compression-format", default="", help="compression format to use")
@creds_option
@click.option("--digestfile", default="",
              help="after copying the image, write the digest of the resulting digest to the file")
@click.option("-f", "--format", "fmt", default="",
              help="manifest type (oci or v2s2) to attempt to use when pushing the manifest list "
                   "(default is manifest type of source)")
@click.option("-q", "--quiet", is_flag=True, help="don't output progress information when pushing lists")
@click.option("--remove-signatures", is_flag=True, help="don't copy signatures when pushing images")
@click.option("--rm", "remove", is_flag=True, help="remove the manifest list if push succeeds")
@click.option("--sign-by", default="", metavar="FINGERPRINT",
              help="sign the image using a GPG key with the specified FINGERPRINT")
@click.option("--sign-by-sigstore-private-key", default="", metavar="PATH",
              help="Sign the image using a sigstore private key at PATH")
@click.option("--sign-passphrase-file", default="", metavar="PATH",
              help="Read a passphrase for signing an image from PATH")
@tls_verify_option
@click.argument("name")
@click.argument("destination")
def push(name: str, destination: str, **params: Any) -> int:
    import sys

    from podpy.cli.manifests.flags import registry_options
    from podpy.engine.entities import ManifestPushOptions
    from podpy.errors import NotImplementedYet

    if params["sign_by"] or params["sign_by_sigstore_private_key"]:
        raise NotImplementedYet("signing images is not supported")
    opts = ManifestPushOptions(registry=registry_options(params), all=params["all_"], format=params["fmt"],
                               remove=params["remove"], digestfile=params["digestfile"], quiet=params["quiet"],
                               compression_format=params["compression_format"],
                               remove_signatures=params["remove_signatures"])
    cli_state().engine.manifests.push(name, destination, opts, sys.stderr)
    return 0
