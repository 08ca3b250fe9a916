"""podpy pod create: a pod record, its cgroup and its infra container; prints the pod's ID."""

from __future__ import annotations

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@click.command("create", help="Create a new empty pod", context_settings={"help_option_names": ["--help"]})
@click.option("--name", default="", help="Assign a name to the pod")
@click.option("--infra", type=click.BOOL, is_flag=False, flag_value=True, default=True, show_default=True,
              help="Create an infra container associated with the pod to share namespaces with")
@click.option("--infra-image", default="", help="Container image to use for the infra container")
@click.option("--infra-command", default=None, help="Overwrite the default ENTRYPOINT of the infra image")
@click.option("--infra-name", default="", help="Assign a name to the infra container")
@click.option("--share", default=None, help='A comma delimited list of kernel namespaces the pod will share '
              '(default "ipc,net,uts")')
@click.option("-p", "--publish", multiple=True, help="Publish a container's port, or a range of ports, to the host")
@click.option("--network", "--net", "network", default="", help="Connect a container to a network")
@click.option("-h", "--hostname", default="", help="Set container hostname")
@click.option("--add-host", "add_hosts", multiple=True, help="Add a custom host-to-IP mapping (host:ip)")
@click.option("--dns", multiple=True, help="Set custom DNS servers")
@click.option("--dns-search", multiple=True, help="Set custom DNS search domains")
@click.option("--dns-option", "dns_options", multiple=True, help="Set custom DNS options")
@click.option("-l", "--label", "labels", multiple=True, help="Set metadata on pod (default [])")
@click.option("--label-file", "label_files", multiple=True, help="Read in a line delimited file of labels")
@click.option("--pod-id-file", default="", help="Write the pod ID to the file")
@click.option("--replace", is_flag=True, help="If a pod with the same name exists, replace it")
@click.option("--exit-policy", default="continue", show_default=True,
              help="Behaviour when the last container exits")
@click.option("--cpus", default="", help="Number of CPUs. The default is 0.000 which means no limit")
@click.option("-m", "--memory", default="", help="Memory limit (format: <number>[<unit>], where unit = b, k, m "
              "or g)")
@click.option("--pids-limit", type=int, default=None, help="Tune the pod's pids limit (-1 for unlimited)")
@click.option("--memory-swap", default="", help="Swap limit equal to memory plus swap: '-1' to enable unlimited "
              "swap")
@click.option("-c", "--cpu-shares", type=int, default=None, help="CPU shares (relative weight)")
@click.option("--cpuset-cpus", default="", help="CPUs in which to allow execution (0-3, 0,1)")
@click.option("--cpuset-mems", default="", help="Memory nodes (MEMs) in which to allow execution (0-3, 0,1). "
              "Only effective on NUMA systems.")
@click.argument("name_arg", required=False, default="")
def create(**params: Any) -> int:
    import sys

    from podpy.cli.common import parse_key_values
    from podpy.cli.containers.runopts import _file_lines
    from podpy.engine.entities import PodCreateOptions
    from podpy.errors import UsageError

    name = params["name"]
    if params["name_arg"]:
        if name:
            raise UsageError("cannot specify --name and NAME at the same time")
        name = params["name_arg"]
    command = params["infra_command"]
    infra_command: list[str] | None = None
    if command is not None:
        import json

        infra_command = [str(x) for x in json.loads(command)] if command.startswith("[") else [command]
    labels = parse_key_values([*_file_lines(params["label_files"]), *params["labels"]], "label")
    opts = PodCreateOptions(
        name=name, infra=params["infra"], infra_image=params["infra_image"], infra_command=infra_command,
        infra_name=params["infra_name"], share=params["share"], publish=list(params["publish"]),
        network=params["network"], hostname=params["hostname"], add_hosts=list(params["add_hosts"]),
        dns=list(params["dns"]), dns_search=list(params["dns_search"]), dns_options=list(params["dns_options"]),
        labels=labels, pod_id_file=params["pod_id_file"], replace=params["replace"],
        exit_policy=params["exit_policy"], cpus=params["cpus"], memory=params["memory"],
        pids_limit=params["pids_limit"], memory_swap=params["memory_swap"], cpu_shares=params["cpu_shares"],
        cpuset_cpus=params["cpuset_cpus"], cpuset_mems=params["cpuset_mems"])
    sys.stdout.write(cli_state().engine.pods.create(opts) + "\n")
    return 0
