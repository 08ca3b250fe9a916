"""A click group that imports a verb's module only when that verb runs."""

from __future__ import annotations

import importlib

import click

from podpy.cli.commands import GROUPS, Entry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class LazyGroup(click.Group):
    def __init__(self, *args: Any, verbs: dict[str, Entry], subgroups: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.verbs = verbs
        self.subgroups = subgroups or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.verbs, *self.subgroups, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in self.subgroups:
            verbs, help_text = self.subgroups[cmd_name]
            return LazyGroup(name=cmd_name, help=help_text, verbs=verbs, no_args_is_help=True)
        entry = self.verbs.get(cmd_name)
        if entry is None:
            return None
        target, help_text = entry
        if target is None:
            return _not_implemented(cmd_name, help_text)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List verbs from the static table: no imports for --help."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.subgroups:
                rows.append((name, self.subgroups[name][1]))
            elif name in self.verbs:
                rows.append((name, self.verbs[name][1]))
            else:
                rows.append((name, self.commands[name].get_short_help_str()))
        if rows:
            with formatter.section("Available Commands"):
                formatter.write_dl(rows)


def _not_implemented(name: str, help_text: str) -> click.Command:
    def callback(args: tuple[str, ...]) -> None:
        from podpy.errors import NotImplementedYet

        raise NotImplementedYet(f"podpy {name} is not implemented yet")

    return click.Command(name, callback=callback, help=f"{help_text} (not implemented yet)",
                         params=[click.Argument(["args"], nargs=-1)],
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


def top_level_subgroups() -> dict[str, Any]:
    return dict(GROUPS)
