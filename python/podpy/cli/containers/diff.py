"""podpy diff / container diff / image diff: what a container or an image layer changed."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import ChangesReport


def _print(report: ChangesReport, fmt: str) -> None:
    if fmt:
        from podpy.cli.render import is_json, render_json
        from podpy.errors import UsageError

        if not is_json(fmt):
            raise UsageError(f"format {fmt!r} is not supported: only json")
        render_json({"changed": report.changed, "added": report.added, "deleted": report.deleted},
                    out=sys.stdout, indent=5)
        return
    lines = [*(("C", p) for p in report.changed), *(("A", p) for p in report.added),
             *(("D", p) for p in report.deleted)]
    for kind, path in sorted(lines, key=lambda item: item[1]):
        click.echo(f"{kind} {path}")


_FORMAT = click.option("--format", "fmt", default="", help="Change the output format (json)")


def _latest_or(name: str | None, latest: bool) -> str:
    from podpy.errors import UsageError

    if latest:
        if name:
            raise UsageError("--latest and containers cannot be used together")
        from podpy.engine.entities import PsOptions
        from podpy.errors import NoSuchContainer

        rows = cli_state().engine.containers.list_containers(PsOptions(all=True, latest=True))
        if not rows:
            raise NoSuchContainer("no containers to diff")
        return str(rows[0].ID)
    if not name:
        raise UsageError("diff requires at least 1 arg")
    return name


@click.command("diff", help="Display the changes to the object's file system")
@_FORMAT
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podman is aware of")
@click.argument("name", required=False)
@click.argument("other", required=False)
def diff(fmt: str, latest: bool, name: str | None, other: str | None) -> int:
    """A container's changes if ``name`` is one, else the image's."""
    _reject_second(other)
    engine = cli_state().engine
    target = _latest_or(name, latest)
    if latest or engine.containers.exists(target):
        _print(engine.containers.diff(target), fmt)
    else:
        _print(engine.images.diff(target), fmt)
    return 0


@click.command("diff", help="Inspect changes to the container's file systems")
@_FORMAT
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podman is aware of")
@click.argument("name", required=False)
@click.argument("other", required=False)
def container_diff(fmt: str, latest: bool, name: str | None, other: str | None) -> int:
    _reject_second(other)
    _print(cli_state().engine.containers.diff(_latest_or(name, latest)), fmt)
    return 0


@click.command("diff", help="Inspect changes to the image's file systems")
@_FORMAT
@click.argument("name")
@click.argument("other", required=False)
def image_diff(fmt: str, name: str, other: str | None) -> int:
    _reject_second(other)
    _print(cli_state().engine.images.diff(name), fmt)
    return 0


def _reject_second(other: str | None) -> None:
    if other:
        from podpy.errors import UsageError

        raise UsageError("comparing with a second container or image is not supported yet")
