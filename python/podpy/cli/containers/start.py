"""podpy start: start created or exited containers; -a attaches to one."""

from __future__ import annotations

import click

from podpy.cli.common import print_item_reports
from podpy.cli.state import cli_state


@click.command("start", help="Start one or more containers")
@click.option("-a", "--attach", is_flag=True, help="Attach container's STDOUT and STDERR")
@click.option("-i", "--interactive", is_flag=True, help="Keep STDIN open even if not attached")
@click.option("--detach-keys", default=None, metavar="KEYS",
              help="Select the key sequence for detaching a container. Format is a single character [a-Z] "
                   "or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _")
@click.option("--sig-proxy", type=click.BOOL, default=None,
              help="Proxy received signals to the process (default true if attaching, false otherwise)")
@click.argument("names", nargs=-1, required=True)
def start(attach: bool, interactive: bool, detach_keys: str | None, sig_proxy: bool | None,
          names: tuple[str, ...]) -> int:
    from podpy.engine.entities import AttachOptions
    from podpy.errors import UsageError

    if (attach or interactive) and len(names) > 1:
        raise UsageError("you cannot start and attach multiple containers at once")
    if sig_proxy and not (attach or interactive):
        raise UsageError("you cannot use sig-proxy without --attach")
    # Podman: -i attaches as well (stdin, and the output with it).
    attach = attach or interactive
    opts = AttachOptions(no_stdin=not interactive, detach_keys=detach_keys,
                         sig_proxy=True if sig_proxy is None else sig_proxy)
    reports = cli_state().engine.containers.start(names, attach=attach, attach_opts=opts)
    if attach:
        if reports[0].error:
            return print_item_reports(reports)
        return reports[0].exit_code
    return print_item_reports(reports, shown=list(names))
