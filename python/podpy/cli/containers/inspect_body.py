"""podpy container inspect (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.inspecting import print_inspect

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def inspect(state: CliState, *, fmt: str | None, size: bool, names: tuple[str, ...]) -> int:
    return print_inspect(state.engine.containers.inspect(names), fmt)
