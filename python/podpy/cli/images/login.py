"""podpy login: check credentials against a registry and keep them in the auth file."""

from __future__ import annotations

import sys

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, tls_verify_option
from podpy.cli.state import cli_state


@click.command("login", cls=RegistryCommand, help="Login to a container registry")
@authfile_option
@click.option("--cert-dir", "cert_dir", default="", help="use certificates at the specified path to access "
                                                         "the registry")
@click.option("--get-login", is_flag=True, help="Return the current login user for the registry")
@click.option("-p", "--password", default=None, help="Password for registry")
@click.option("--password-stdin", is_flag=True, help="Take the password from stdin")
@tls_verify_option
@click.option("-u", "--username", default="", help="Username for registry")
@click.option("-v", "--verbose", is_flag=True, help="Write more detailed information to stdout")
@click.argument("server", required=False, default="")
def login(authfile: str, cert_dir: str, get_login: bool, password: str | None, password_stdin: bool,
          tls_verify: bool | None, username: str, verbose: bool, server: str) -> int:
    from podpy.engine.entities import LoginOptions, RegistryOptions
    from podpy.errors import UsageError

    del verbose  # Podman's -v names the auth file used; podpy prints the result only
    if password_stdin:
        if password is not None:
            raise UsageError("Can't specify both --password-stdin and --password")
        if not username:
            raise UsageError("Must provide --username with --password-stdin")
        password = sys.stdin.read().rstrip("\r\n")
    elif not get_login and sys.stdin.isatty():
        if not username and password is None:
            username = input("Username: ")
        if username and password is None:
            import getpass

            password = getpass.getpass("Password: ")
    opts = LoginOptions(registry=RegistryOptions(tls_verify=tls_verify, authfile=authfile, cert_dir=cert_dir),
                        server=server, username=username, password=password, get_login=get_login)
    text = cli_state().engine.images.login(opts)
    sys.stdout.write(text + "\n")
    return 0
