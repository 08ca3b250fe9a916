"""podpy pull: pull images from a registry; the image IDs on stdout, progress on stderr."""

from __future__ import annotations

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, cert_dir_option, tls_verify_option
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("pull", cls=RegistryCommand, help="Pull an image from a registry")
@click.option("-a", "--all-tags", is_flag=True, help="All tagged images in the repository will be pulled")
@click.option("--arch", default="", metavar="ARCH",
              help="Use ARCH instead of the architecture of the machine for choosing images")
@authfile_option
@cert_dir_option
@click.option("--creds", default="", metavar="Credentials",
              help="Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
@click.option("--disable-content-trust", is_flag=True, hidden=True,
              help="This is a Docker specific option and is a NOOP")
@click.option("--os", "os_", default="", metavar="OS", help="Use OS instead of the running OS for choosing images")
@click.option("--platform", default="", help="Specify the platform for selecting the image.  "
                                             "(Conflicts with arch and os)")
@click.option("--policy", default="always", help="Pull image policy (\"always\"|\"missing\"|\"never\"|\"newer\")")
@click.option("-q", "--quiet", is_flag=True, help="Suppress output information when pulling images")
@click.option("--retry", type=int, default=None, help="Number of times to retry in case of failure when "
                                                      "performing pull (default 3)")
@click.option("--retry-delay", default="", help="Delay between retries in case of pull failures")
@click.option("--signature-policy", default="", hidden=True, help="Path to a signature-policy file")
@tls_verify_option
@click.option("--variant", default="", help="Use VARIANT instead of the running architecture variant for "
                                             "choosing images")
@click.argument("names", nargs=-1)
def pull(**params: Any) -> int:
    from podpy.cli.images.pull_body import pull as body

    return body(cli_state(), **params)
