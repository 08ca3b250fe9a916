"""podpy info: the host probe, the store and the engine's choices, in Podman's YAML-ish layout."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """The small YAML subset Podman's info prints (maps, lists, scalars)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml(item, indent + 1))
            elif isinstance(item, list) and item:
                lines.append(f"{pad}{key}:")
                for element in item:
                    if isinstance(element, dict):
                        sub = _yaml(element, indent + 1)
                        sub[0] = f"{pad}- " + sub[0].lstrip()
                        lines.extend(sub)
                    else:
                        lines.append(f"{pad}- {_scalar(element, indent + 1)}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item, indent + 1)}")
    return lines


def _scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    if "\n" in text:
        return "|-\n" + "\n".join("  " * indent + line for line in text.splitlines())
    if text == "" or text[0] in "{[&*!|>'\"%@`#" or ": " in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@click.command("info", help="Display podpy system information")
@click.option("-f", "--format", "fmt", default=None, help="Change the output format to JSON or a Go template")
@click.option("-D", "--debug", is_flag=True, hidden=True)
def info(fmt: str | None, debug: bool) -> int:
    data = cli_state().engine.system.info()
    if fmt is None:
        sys.stdout.write("\n".join(_yaml(data)) + "\n")
    elif fmt.strip().lower() == "json":
        import json

        sys.stdout.write(json.dumps(data, indent=4) + "\n")
    else:
        from podpy.cli.gostruct import wrap
        from podpy.cli.render import render_template_lines

        render_template_lines([wrap(data)], fmt, out=sys.stdout)
    return 0
