"""podpy logout: forget the credentials of one registry, or of all."""

from __future__ import annotations

import sys

import click

from podpy.cli.images.registry_flags import authfile_option
from podpy.cli.state import cli_state


@click.command("logout", help="Logout of a container registry")
@click.option("-a", "--all", "all_servers", is_flag=True,
              help="Remove the cached credentials for all registries in the auth file")
@authfile_option
@click.argument("server", required=False, default="")
def logout(all_servers: bool, authfile: str, server: str) -> int:
    text = cli_state().engine.images.logout(server, all_servers=all_servers, authfile=authfile)
    sys.stdout.write(text + "\n")
    return 0
