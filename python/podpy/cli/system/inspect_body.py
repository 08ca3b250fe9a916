"""podpy inspect (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

from podpy.cli.inspecting import print_inspect

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def inspect(state: CliState, *, fmt: str | None, kind: str, size: bool, names: tuple[str, ...]) -> int:
    from podpy.engine.entities import InspectReport

    engine = state.engine
    reports: list[InspectReport] = []
    for name in names:
        report = None
        if kind in ("all", "container"):
            report = engine.containers.inspect([name])[0]
        if kind in ("all", "image") and (report is None or report.data is None):
            image_report = engine.images.inspect([name])[0]
            if image_report.data is not None or report is None:
                report = image_report
        assert report is not None
        if report.data is None:
            report = InspectReport(name, None, f"no such object: \"{name}\"")
        reports.append(report)
    return print_inspect(reports, fmt)
