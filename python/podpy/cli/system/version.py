"""podpy version."""

from __future__ import annotations

import platform
import sys

import click

from podpy import __version__


@click.command("version", help="Display the podpy version information")
@click.option("-f", "--format", "fmt", default=None, help="Change the output format to JSON or a Go template")
def version(fmt: str | None) -> int:
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    client = {"APIVersion": __version__, "Version": __version__, "PythonVersion": platform.python_version(),
              "OsArch": f"linux/{arch}", "Os": "linux"}
    data = {"Client": client}
    if fmt is None:
        sys.stdout.write(f"Client:         podpy Engine\nVersion:        {__version__}\n"
                         f"API Version:    {__version__}\nPython Version: {platform.python_version()}\n"
                         f"OS/Arch:        linux/{arch}\n")
        return 0
    from podpy.cli.render import render_template_lines

    if fmt.strip().lower() == "json":
        import json

        sys.stdout.write(json.dumps(data, indent=4) + "\n")
    else:
        render_template_lines([data], fmt, out=sys.stdout)
    return 0
