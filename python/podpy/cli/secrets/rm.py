"""podpy secret rm: each secret's ID on success, one error line per failure."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("rm", help="Remove one or more secrets")
@click.option("-a", "--all", "all_secrets", is_flag=True, help="Remove all secrets")
@click.argument("names", nargs=-1)
def rm(all_secrets: bool, names: tuple[str, ...]) -> int:
    from podpy.cli.common import print_item_reports
    from podpy.errors import UsageError

    if not names and not all_secrets:
        raise UsageError("requires at least 1 argument(s), only received 0")
    return print_item_reports(cli_state().engine.secrets.remove(names, all_secrets=all_secrets))
