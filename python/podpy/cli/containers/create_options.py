"""The flags `create` and `run` share, and the RunOptions they make."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from podpy.cli.common import parse_key_values

if TYPE_CHECKING:
    from podpy.engine.entities import RunOptions

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option("--name", default="", help="Assign a name to the container"),
    click.option("-e", "--env", multiple=True, help="Set environment variables in container"),
    click.option("--entrypoint", default=None, help="Overwrite the default ENTRYPOINT of the image"),
    click.option("-w", "--workdir", default="", help="Working directory inside the container"),
    click.option("-u", "--user", default="", help="Username or UID (format: <name|uid>[:<group|gid>])"),
    click.option("-h", "--hostname", default="", help="Set container hostname"),
    click.option("-l", "--label", multiple=True, help="Set metadata on container"),
    click.option("--network", "--net", "network", default="", help="Connect a container to a network"),
    click.option("--read-only", is_flag=True, help="Make containers root filesystem read-only"),
    click.option("-v", "--volume", "volumes", multiple=True,
                 help="Bind mount a volume into the container (HOST-DIR:CONTAINER-DIR[:OPTIONS])"),
    click.option("--tmpfs", multiple=True, help="Mount a temporary filesystem (tmpfs) into a container"),
    click.option("-t", "--tty", is_flag=True, help="Allocate a pseudo-TTY for container"),
    click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached"),
    click.option("--rm", "remove", is_flag=True, help="Remove container (and pod if created) after exit"),
    click.option("--env-file", "env_files", multiple=True, help="Read in a file of environment variables"),
    click.option("--label-file", "label_files", multiple=True, help="Read in a line delimited file of labels"),
    click.option("--replace", is_flag=True, help="If a container with the same name exists, replace it"),
    click.option("--cidfile", default="", help="Write the container ID to the file"),
)

CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def create_options(func: F) -> F:
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def run_options(image: str, command: tuple[str, ...], *, detach: bool, **flags: Any) -> RunOptions:
    from podpy.engine.entities import RunOptions

    entrypoint = flags["entrypoint"]
    entry: list[str] | None = None
    if entrypoint is not None:
        entry = [] if entrypoint == "" else (_json_list(entrypoint) if entrypoint.startswith("[") else [entrypoint])
    env = parse_key_values([*_file_lines(flags["env_files"]), *flags["env"]], "environment variable")
    labels = parse_key_values([*_file_lines(flags["label_files"]), *flags["label"]], "label")
    return RunOptions(
        image=image, command=list(command), name=flags["name"], detach=detach, remove=flags["remove"],
        entrypoint=entry, env=env, workdir=flags["workdir"], replace=flags["replace"], cidfile=flags["cidfile"],
        user=flags["user"], hostname=flags["hostname"], labels=labels,
        network=flags["network"] or "private", read_only=flags["read_only"], volumes=list(flags["volumes"]),
        tmpfs=list(flags["tmpfs"]), tty=flags["tty"],
        interactive=flags["interactive"])


def _file_lines(paths: tuple[str, ...]) -> list[str]:
    """KEY=VALUE lines of --env-file / --label-file files (blank lines and # comments skipped)."""
    from podpy.errors import NotFoundError

    lines: list[str] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines.extend(ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#"))
        except FileNotFoundError:
            raise NotFoundError(f"open {path}: no such file or directory") from None
    return lines


def _json_list(text: str) -> list[str]:
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return shlex.split(text)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
