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
    click.option("--ip", default="", help="Specify a static IPv4 address for the container"),
    click.option("-p", "--publish", multiple=True, help="Publish a container's port, or a range of ports, to the host"),
    click.option("-P", "--publish-all", is_flag=True, help="Publish all exposed ports to random ports on the host "
                 "interfaces"),
    click.option("--network-alias", "network_aliases", multiple=True, help="Add network-scoped alias for the "
                 "container"),
    click.option("--dns", multiple=True, help="Set custom DNS servers"),
    click.option("--dns-search", multiple=True, help="Set custom DNS search domains"),
    click.option("--dns-option", "dns_options", multiple=True, help="Set custom DNS options"),
    click.option("--add-host", "add_hosts", multiple=True, help="Add a custom host-to-IP mapping (host:ip)"),
    click.option("--mac-address", default="", help="Container MAC address (e.g. 92:d0:c6:0a:29:33)"),
    click.option("--pod", default="", help="Run container in an existing pod"),
    click.option("--pod-id-file", default="", help="Read the pod ID from the file"),
    click.option("--ipc", default="", help="IPC namespace to use"),
    click.option("--uts", default="", help="UTS namespace to use"),
    click.option("--pid", default="", help="PID namespace to use"),
    click.option("--read-only", is_flag=True, help="Make containers root filesystem read-only"),
    click.option("-v", "--volume", "volumes", multiple=True,
                 help="Bind mount a volume into the container (HOST-DIR:CONTAINER-DIR[:OPTIONS])"),
    click.option("--tmpfs", multiple=True, help="Mount a temporary filesystem (tmpfs) into a container"),
    click.option("--mount", "mounts", multiple=True,
                 help="Attach a filesystem mount to the container (type=bind|tmpfs,…)"),
    click.option("--secret", "secrets", multiple=True,
                 help="Add secret to container (NAME[,type=mount|env,target=…,uid=…,gid=…,mode=…])"),
    click.option("--env-host", is_flag=True, help="Use all current host environment variables in container"),
    click.option("--pull", type=click.Choice(["always", "missing", "never", "newer"]), default="missing",
                 show_default=True, help="Pull image policy"),
    click.option("--rootfs", is_flag=True, help="The first argument is not an image but the rootfs to the exploded "
                 "container"),
    click.option("-t", "--tty", is_flag=True, help="Allocate a pseudo-TTY for container"),
    click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached"),
    click.option("--rm", "remove", is_flag=True, help="Remove container (and pod if created) after exit"),
    click.option("--env-file", "env_files", multiple=True, help="Read in a file of environment variables"),
    click.option("--label-file", "label_files", multiple=True, help="Read in a line delimited file of labels"),
    click.option("--replace", is_flag=True, help="If a container with the same name exists, replace it"),
    click.option("--cidfile", default="", help="Write the container ID to the file"),
    click.option("--annotation", "annotations", multiple=True, help="Add annotations to container (key=value)"),
    click.option("--stop-signal", default="", help="Signal to stop a container. Default is SIGTERM"),
    click.option("--stop-timeout", type=int, default=None,
                 help="Timeout (in seconds) that containers stopped by user command have to exit"),
    click.option("--privileged", is_flag=True, help="Give extended privileges to container"),
    click.option("--cap-add", multiple=True, help="Add capabilities to the container"),
    click.option("--cap-drop", multiple=True, help="Drop capabilities from the container"),
    click.option("--security-opt", multiple=True, help="Security Options"),
    click.option("--group-add", multiple=True, help="Add additional groups to the primary container process"),
    click.option("--oom-score-adj", type=int, default=None, help="Tune the host's OOM preferences (-1000 to 1000)"),
    click.option("-m", "--memory", default="", help="Memory limit (format: <number>[<unit>], where unit = b, k, m "
                 "or g)"),
    click.option("--memory-reservation", default="", help="Memory soft limit (format: <number>[<unit>])"),
    click.option("--memory-swap", default="", help="Swap limit equal to memory plus swap: '-1' to enable "
                 "unlimited swap"),
    click.option("--cpus", default="", help="Number of CPUs. The default is 0.000 which means no limit"),
    click.option("-c", "--cpu-shares", type=int, default=None, help="CPU shares (relative weight)"),
    click.option("--cpu-period", type=int, default=None, help="Limit the CPU CFS (Completely Fair Scheduler) "
                 "period"),
    click.option("--cpu-quota", type=int, default=None, help="Limit the CPU CFS (Completely Fair Scheduler) quota"),
    click.option("--cpuset-cpus", default="", help="CPUs in which to allow execution (0-3, 0,1)"),
    click.option("--cpuset-mems", default="", help="Memory nodes (MEMs) in which to allow execution (0-3, 0,1)"),
    click.option("--pids-limit", type=int, default=None, help="Tune container pids limit (set -1 for unlimited)"),
    click.option("--ulimit", "ulimits", multiple=True, help="Ulimit options"),
    click.option("--device", "devices", multiple=True, help="Add a host device to the container"),
    click.option("--init", is_flag=True, help="Run an init binary inside the container that forwards signals and "
                 "reaps processes"),
    click.option("--init-path", default="", help="Path to the container-init binary"),
    click.option("--pidfile", default="", help="Write the container process ID to the file"),
    click.option("--systemd", default="true", show_default=True,
                 help="Run container in systemd mode (\"true\"|\"false\"|\"always\")"),
    click.option("--userns", default="", help="User namespace to use (only host is supported)"),
    click.option("--uidmap", multiple=True, help="UID map to use for the user namespace (not supported yet)"),
    click.option("--gidmap", multiple=True, help="GID map to use for the user namespace (not supported yet)"),
    click.option("--read-only-tmpfs", type=click.BOOL, default=True, show_default=True,
                 help="When running containers in read-only mode mount a read-write tmpfs on /run, /tmp and "
                      "/var/tmp"),
    click.option("--log-driver", default="", help="Logging driver for the container"),
    click.option("--log-opt", "log_opts", multiple=True, help="Logging driver options"),
    click.option("--restart", default="", help="Restart policy to apply when a container exits "
                 "(\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")"),
)

CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def create_options(func: F) -> F:
    for option in reversed(_OPTIONS):
        func = option(func)
    return func
