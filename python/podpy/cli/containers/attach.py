"""podpy attach: connect our terminal to a running container's output (and input)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("attach", help="Attach to a running container")
@click.option("--detach-keys", default=None, metavar="KEYS",
              help="Select the key sequence for detaching a container. Format is a single character [a-Z] "
                   "or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _")
@click.option("--no-stdin", is_flag=True, help="Do not attach STDIN. The default is false")
@click.option("--sig-proxy", type=click.BOOL, default=True, show_default=True,
              help="Proxy received signals to the process")
@click.argument("container")
def attach(detach_keys: str | None, no_stdin: bool, sig_proxy: bool, container: str) -> int:
    from podpy.engine.entities import AttachOptions

    return cli_state().engine.containers.attach(
        container, AttachOptions(no_stdin=no_stdin, detach_keys=detach_keys, sig_proxy=sig_proxy))
