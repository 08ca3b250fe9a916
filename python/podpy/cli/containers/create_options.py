"""The flags `create` and `run` share, and the RunOptions they make."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from podpy.cli.containers.runopts import run_options

__all__ = ["CONTEXT", "create_options", "run_options"]

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
