"""podpy manifest inspect: a local list, else a registry's list, as Podman 4.3.1 prints it."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("inspect", help="Display the contents of a manifest list or image index")
@click.argument("name")
def inspect(name: str) -> int:
    import sys

    from podpy.cli.render import render_json
    from podpy.engine.entities import RegistryOptions

    render_json(cli_state().engine.manifests.inspect(name, RegistryOptions()), out=sys.stdout)
    return 0
