"""podpy pod top: the processes of every running container of a pod."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("top", help="Display the running processes of containers in a pod")
@click.argument("pod")
@click.argument("descriptors", nargs=-1)
def top(pod: str, descriptors: tuple[str, ...]) -> int:
    from podpy.cli.render import TabWriter
    from podpy.errors import InvalidStateError

    engine = cli_state().engine
    wanted = [d for item in descriptors for d in item.split(",") if d]
    ids = engine.pods.member_names(pod, running=True)
    if not ids:
        raise InvalidStateError(f"pod {pod} is not running: container state improper")
    headers: list[str] = []
    rows: list[list[str]] = []
    for cid in ids:
        headers, found = engine.containers.top(cid, wanted)
        rows.extend(found)
    writer = TabWriter(sys.stdout)
    for line in [headers, *rows]:
        writer.write("\t".join(line) + "\n")
    writer.flush()
    return 0
