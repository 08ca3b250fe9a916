"""The RunOptions that `create` and `run` make of their flags (click-free: the fast path uses it too)."""

from __future__ import annotations

import shlex

from podpy.cli.common import parse_key_values

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.entities import RunOptions


def run_options(image: str, command: tuple[str, ...], *, detach: bool, **flags: Any) -> RunOptions:
    from podpy.engine.entities import RunOptions

    if flags["log_driver"] == "passthrough":
        _refuse_passthrough_on_tty()
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
        interactive=flags["interactive"],
        annotations=parse_key_values(list(flags["annotations"]), "annotation"), stop_signal=flags["stop_signal"],
        stop_timeout=flags["stop_timeout"], privileged=flags["privileged"], cap_add=list(flags["cap_add"]),
        cap_drop=list(flags["cap_drop"]), security_opt=list(flags["security_opt"]),
        group_add=list(flags["group_add"]), oom_score_adj=flags["oom_score_adj"], memory=flags["memory"],
        memory_reservation=flags["memory_reservation"], memory_swap=flags["memory_swap"], cpus=flags["cpus"],
        cpu_shares=flags["cpu_shares"], cpu_period=flags["cpu_period"], cpu_quota=flags["cpu_quota"],
        cpuset_cpus=flags["cpuset_cpus"], cpuset_mems=flags["cpuset_mems"], pids_limit=flags["pids_limit"],
        ulimits=list(flags["ulimits"]), devices=list(flags["devices"]), init=flags["init"],
        init_path=flags["init_path"], pidfile=flags["pidfile"], read_only_tmpfs=flags["read_only_tmpfs"],
        systemd=flags["systemd"], userns=flags["userns"], uidmap=list(flags["uidmap"]),
        gidmap=list(flags["gidmap"]),
        mounts=list(flags["mounts"]), secrets=list(flags["secrets"]), env_host=flags["env_host"],
        rootfs=flags["rootfs"], pull=flags["pull"],
        log_driver=flags["log_driver"], log_opts=list(flags["log_opts"]), restart=flags["restart"],
        ip=flags["ip"], mac_address=flags["mac_address"], publish=list(flags["publish"]),
        publish_all=flags["publish_all"],
        network_aliases=list(flags["network_aliases"]), dns=list(flags["dns"]), dns_search=list(flags["dns_search"]),
        dns_options=list(flags["dns_options"]), add_hosts=list(flags["add_hosts"]), pod=flags["pod"],
        pod_id_file=flags["pod_id_file"], ipc=flags["ipc"], uts=flags["uts"], pid=flags["pid"])


def _refuse_passthrough_on_tty() -> None:
    """Podman's guard: a terminal handed to the container could be driven by it (TIOCSTI)."""
    import os

    if any(os.isatty(fd) for fd in (0, 1, 2)):
        from podpy.errors import UsageError

        raise UsageError("the '--log-driver passthrough' option cannot be used on a TTY")


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
