"""podpy secret create NAME SOURCE: the data from a file, stdin (`-`) or, with --env, an environment variable."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("create", help="Create a new secret")
@click.option("-d", "--driver", default="file", help="Specify secret driver")
@click.option("--driver-opts", "driver_opts", multiple=True, help="Specify driver specific options")
@click.option("--env", "from_env", is_flag=True, help="Read secret data from environment variable")
@click.option("-l", "--label", "labels", multiple=True, help="Specify labels on the secret")
@click.option("--replace", is_flag=True, help="If a secret with the same name exists, replace it")
@click.argument("name")
@click.argument("source")
def create(driver: str, driver_opts: tuple[str, ...], from_env: bool, labels: tuple[str, ...], replace: bool,
           name: str, source: str) -> int:
    import sys

    from podpy.cli.common import parse_key_values
    from podpy.errors import NotFoundError, UsageError

    if from_env:
        import os

        if source not in os.environ:
            raise UsageError(f"cannot create store secret data: environment variable {source} is not set")
        data = os.environb[source.encode()]
    elif source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(source, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise NotFoundError(f"open {source}: no such file or directory") from None
    options = parse_key_values((o for item in driver_opts for o in item.split(",")), "driver option")
    label_map = parse_key_values((lb for item in labels for lb in item.split(",")), "label")
    secret_id = cli_state().engine.secrets.create(name, data, driver=driver, labels=label_map, replace=replace,
                                                  driver_options=options)
    sys.stdout.write(secret_id + "\n")
    return 0
