"""podpy completion SHELL: print the shell completion script (click's, for bash, zsh and fish)."""

from __future__ import annotations

import click


@click.command("completion", help="Generate shell autocompletions")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    from click.shell_completion import get_completion_class

    from podpy.cli.root import cli

    completer = get_completion_class(shell)
    assert completer is not None
    click.echo(completer(cli, {}, "podpy", "_PODPY_COMPLETE").source())
    return 0
