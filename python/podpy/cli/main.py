"""The podpy command: global flags, the lazy command tree, and the one error boundary.

Everything below `main()` raises; only `main()` prints `Error: …` for a failed
command and picks the exit code (125 engine error, 126/127 for a command that
cannot be run, otherwise the container's own code).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from podpy import __version__
from podpy.cli.commands import GROUPS, TOP_VERBS
from podpy.cli.lazy import LazyGroup
from podpy.cli.state import CliState
from podpy.define.exitcodes import ENGINE_ERROR
from podpy.errors import PodpyError

LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic")


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"podpy version {__version__}")
        ctx.exit(0)


def _setup_logging(level: str) -> None:
    import logging

    names = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
             "warning": logging.WARNING, "error": logging.ERROR, "fatal": logging.CRITICAL,
             "panic": logging.CRITICAL}
    for number in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        logging.addLevelName(number, logging.getLevelName(number).lower())
    logging.basicConfig(level=names[level], stream=sys.stderr, datefmt="%Y-%m-%dT%H:%M:%S%z",
                        format='time="%(asctime)s" level=%(levelname)s msg="%(message)s"')


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
def cli(ctx: click.Context, root: str | None, runroot: str | None, storage_driver: str | None,
        runtime: str | None, cgroup_manager: str | None, log_level: str, remote: bool, url: str | None,
        connection: str | None) -> None:
    from podpy.engine.entities import EngineOptions

    if remote or url or connection:
        from podpy.errors import NotImplementedYet

        raise NotImplementedYet("remote connections (--remote, --url, --connection) are not available yet")
    level = log_level.lower()
    if level != "warn":
        _setup_logging(level)
    state = CliState(EngineOptions(root=root, runroot=runroot, storage_driver=storage_driver, runtime=runtime,
                                   cgroup_manager=cgroup_manager, log_level=level))
    ctx.obj = state
    ctx.call_on_close(state.close)


def _usage_message(e: click.UsageError) -> str:
    if isinstance(e, click.NoSuchOption):
        return f"unknown flag: {e.option_name}"
    message = e.format_message()
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return f"unrecognized command `podpy {name}`\nTry 'podpy --help' for more information"
    return message


def main(argv: list[str] | None = None) -> None:
    code: Any
    try:
        code = cli.main(args=argv, prog_name="podpy", standalone_mode=False)
    except PodpyError as e:
        _error(str(e))
        if e.hint:
            from podpy.util import log

            log.debug("hint: %s", e.hint)
        code = e.exit_code
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.UsageError as e:
        _error(_usage_message(e))
        code = ENGINE_ERROR
    except click.ClickException as e:
        _error(e.format_message())
        code = ENGINE_ERROR
    except click.Abort:
        code = ENGINE_ERROR
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 0
    except OSError as e:
        # The last resort: a system error no layer turned into a PodpyError still gets one line.
        _error(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}")
        code = ENGINE_ERROR
    sys.exit(code if isinstance(code, int) else 0)


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
