"""podpy run: create and start a container, attached unless -d."""

from __future__ import annotations

import shlex

import click

from podpy.cli.common import parse_key_values
from podpy.cli.state import cli_state


@click.command(
    "run",
    context_settings={"allow_interspersed_args": False, "help_option_names": ["--help"]},
    help="Run a command in a new container",
)
@click.option("-d", "--detach", is_flag=True, help="Run container in background and print container ID")
@click.option("--rm", "remove", is_flag=True, help="Remove container (and pod if created) after exit")
@click.option("--name", default="", help="Assign a name to the container")
@click.option("-e", "--env", multiple=True, help="Set environment variables in container")
@click.option("--entrypoint", default=None, help="Overwrite the default ENTRYPOINT of the image")
@click.option("-w", "--workdir", default="", help="Working directory inside the container")
@click.option("-u", "--user", default="", help="Username or UID (format: <name|uid>[:<group|gid>])")
@click.option("-h", "--hostname", default="", help="Set container hostname")
@click.option("-l", "--label", multiple=True, help="Set metadata on container")
@click.option("--network", "--net", "network", default="", help="Connect a container to a network")
@click.option("--read-only", is_flag=True, help="Make containers root filesystem read-only")
@click.option("-t", "--tty", is_flag=True, help="Allocate a pseudo-TTY for container")
@click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached")
@click.argument("image")
@click.argument("command", nargs=-1)
def run(detach: bool, remove: bool, name: str, env: tuple[str, ...], entrypoint: str | None, workdir: str,
        user: str, hostname: str, label: tuple[str, ...], network: str, read_only: bool, tty: bool,
        interactive: bool, image: str, command: tuple[str, ...]) -> int:
    from podpy.engine.entities import RunOptions

    entry: list[str] | None = None
    if entrypoint is not None:
        entry = [] if entrypoint == "" else (
            _json_list(entrypoint) if entrypoint.startswith("[") else [entrypoint])
    opts = RunOptions(
        image=image, command=list(command), name=name, detach=detach, remove=remove, entrypoint=entry,
        env=parse_key_values(env, "environment variable"), workdir=workdir, user=user, hostname=hostname,
        labels=parse_key_values(label, "label"), network=network or "private", read_only=read_only,
        tty=tty, interactive=interactive)
    report = cli_state().engine.containers.run(opts)
    if report.exit_code is None:
        click.echo(report.id)
        return 0
    return report.exit_code


def _json_list(text: str) -> list[str]:
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return shlex.split(text)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
