"""The podpy click group: global flags and the lazy command tree.

Errors raised below it are printed by the one boundary in ``podpy.cli.main``.
"""

from __future__ import annotations

import click

from podpy import __version__
from podpy.cli.commands import GROUPS, TOP_VERBS
from podpy.cli.lazy import LazyGroup
from podpy.cli.state import LOG_LEVELS, new_cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"podpy version {__version__}")
        ctx.exit(0)


@click.group(cls=LazyGroup, verbs=TOP_VERBS, subgroups=GROUPS, name="podpy",
             context_settings={"help_option_names": ["-h", "--help"]},
             help="Manage pods, containers and images")
@click.option("--root", metavar="PATH", help="Path to the graph root directory where images are stored")
@click.option("--runroot", metavar="PATH", help="Path to the 'run directory' where all state information is stored")
@click.option("--storage-driver", metavar="DRIVER", help="Select which storage driver is used to manage storage")
@click.option("--runtime", metavar="NAME|PATH", help="Path to the OCI-compatible binary used to run containers")
@click.option("--cgroup-manager", type=click.Choice(["cgroupfs", "systemd"]),
              help="Cgroup manager to use (cgroupfs or systemd)")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default="warn",
              show_default=True, help="Log messages above specified level")
@click.option("-r", "--remote", is_flag=True, help="Access remote Podman service")
@click.option("--url", metavar="URL", help="URL to access Podman service")
@click.option("-c", "--connection", metavar="NAME", help="Connection to use for remote Podman service")
@click.option("-v", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Version of podpy")
@click.pass_context
def cli(ctx: click.Context, /, **global_flags: Any) -> None:
    state = new_cli_state(**global_flags)
    ctx.obj = state
    ctx.call_on_close(state.close)
