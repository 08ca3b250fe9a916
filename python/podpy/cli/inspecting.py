"""Shared output of the inspect verbs: a JSON array, or one template line per object."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from podpy.cli.common import error_line
from podpy.engine.entities import InspectReport


def print_inspect(reports: Sequence[InspectReport], fmt: str | None) -> int:
    found = [r.data for r in reports if r.data is not None]
    if fmt is None or fmt.strip().lower() == "json":
        from podpy.util.jsonfast import dumps

        sys.stdout.write(dumps(found, indent=4) + "\n")
    else:
        from podpy.cli.render import render_template_lines

        render_template_lines(found, fmt, out=sys.stdout)
    code = 0
    for report in reports:
        if report.error:
            error_line(report.error)
            code = 125
    return code
