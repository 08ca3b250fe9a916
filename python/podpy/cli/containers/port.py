"""podpy port: a container's published ports, from its inspect data (Podman's `80/tcp -> 0.0.0.0:8080`)."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state


@click.command("port", help="List port mappings or a specific mapping for the container")
@click.option("-a", "--all", "all_containers", is_flag=True, help="Display port information for all containers")
@click.option("-l", "--latest", is_flag=True, help="Act on the latest container podman is aware of")
@click.argument("args", nargs=-1)
def port(all_containers: bool, latest: bool, args: tuple[str, ...]) -> int:
    import sys

    from podpy.errors import NoSuchContainer, UsageError

    engine = cli_state().engine
    wanted = ""
    if all_containers:
        if len(args) > 1:
            raise UsageError("the -a/--all option takes no container name")
        from podpy.engine.entities import PsOptions

        names = [c.ID for c in engine.containers.list_containers(PsOptions())]
        wanted = args[0] if args else ""
    elif latest:
        raise UsageError("--latest is not supported yet")
    else:
        if not args or len(args) > 2:
            raise UsageError("you must supply a running container name or ID")
        names, wanted = [args[0]], args[1] if len(args) > 1 else ""
    if wanted and "/" not in wanted:
        wanted += "/tcp"
    for report in engine.containers.inspect(names):
        if report.data is None:
            raise NoSuchContainer(report.error)
        ports: dict[str, list[dict[str, str]]] = report.data["NetworkSettings"].get("Ports") or {}
        if all_containers and ports:
            sys.stdout.write(report.data["Id"][:12] + "\n")
        found = False
        for key, bindings in ports.items():
            if wanted and key != wanted:
                continue
            for b in bindings:
                found = True
                host = f"{b['HostIp'] or '0.0.0.0'}:{b['HostPort']}"
                sys.stdout.write((host if wanted else f"{key} -> {host}") + "\n")
        if wanted and not found and not all_containers:
            raise UsageError(f"failed to find published port {wanted!r}")
    return 0
