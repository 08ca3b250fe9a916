"""podpy secret create NAME FILE|-: the data from a file or stdin, stored by the file driver."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("create", help="Create a new secret")
@click.option("-d", "--driver", default="file", help="Specify secret driver")
@click.option("-l", "--label", "labels", multiple=True, help="Specify labels on the secret")
@click.option("--replace", is_flag=True, help="If a secret with the same name exists, replace it")
@click.argument("name")
@click.argument("source")
def create(driver: str, labels: tuple[str, ...], replace: bool, name: str, source: str) -> int:
    import sys

    from podpy.errors import NotFoundError

    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(source, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise NotFoundError(f"open {source}: no such file or directory") from None
    label_map = dict(item.partition("=")[::2] for item in labels)
    secret_id = cli_state().engine.secrets.create(name, data, driver=driver, labels=label_map, replace=replace)
    sys.stdout.write(secret_id + "\n")
    return 0
