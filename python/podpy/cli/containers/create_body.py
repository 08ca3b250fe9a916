"""podpy create (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

import sys

from podpy.cli.containers.runopts import run_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def create(state: CliState, *, image: str, command: tuple[str, ...], **flags: Any) -> int:
    sys.stdout.write(state.engine.containers.create(run_options(image, command, detach=True, **flags)) + "\n")
    return 0
