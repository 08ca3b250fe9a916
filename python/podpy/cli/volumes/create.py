"""podpy volume create: a local-driver volume (a random 64-hex name when none is given)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("create", help="Create a new volume")
@click.option("-d", "--driver", default="local", help="Specify volume driver name")
@click.option("-l", "--label", "labels", multiple=True, help="Set metadata for a volume (e.g. --label mykey=value)")
@click.option("-o", "--opt", "opts", multiple=True, help="Set driver specific options")
@click.option("--ignore", is_flag=True, help="Don't fail if volume already exists")
@click.argument("name", required=False, default="")
def create(driver: str, labels: tuple[str, ...], opts: tuple[str, ...], ignore: bool, name: str) -> int:
    import sys

    from podpy.errors import NotFoundError

    if driver != "local":
        raise NotFoundError(f"volume {name} uses volume plugin {driver} but it could not be retrieved: "
                            f"no volume plugin with name {driver} available: required plugin missing")
    label_map = dict(item.partition("=")[::2] for item in labels)
    options: dict[str, str] = {}
    for item in opts:
        key, _, value = item.partition("=")
        options[key] = value
    sys.stdout.write(cli_state().engine.volumes.create(name, labels=label_map, options=options, ignore=ignore) + "\n")
    return 0
