"""One small Protocol per resource: the local engine implements them now, the REST client later."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from podpy.engine.entities import (
    ExecOptions,
    ImageSummary,
    InspectReport,
    ItemReport,
    KillOptions,
    ListContainer,
    LoadReport,
    LogLine,
    LogsOptions,
    PsOptions,
    RmOptions,
    RunOptions,
    RunReport,
    StopOptions,
    WaitReport,
)


class Containers(Protocol):
    def run(self, opts: RunOptions) -> RunReport: ...

    def create(self, opts: RunOptions) -> str: ...

    def start(self, names: Sequence[str], *, attach: bool) -> list[ItemReport]: ...

    def stop(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]: ...

    def kill(self, names: Sequence[str], opts: KillOptions) -> list[ItemReport]: ...

    def pause(self, names: Sequence[str], *, all_containers: bool = False, unpause: bool = False
              ) -> list[ItemReport]: ...

    def restart(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]: ...

    def wait(self, names: Sequence[str]) -> list[WaitReport]: ...

    def exec(self, name: str, opts: ExecOptions) -> int: ...

    def top(self, name: str, descriptors: Sequence[str]) -> tuple[list[str], list[list[str]]]: ...

    def exists(self, name: str) -> bool: ...

    def rename(self, name: str, new_name: str) -> None: ...

    def list_containers(self, opts: PsOptions) -> list[ListContainer]: ...

    def remove(self, names: Sequence[str], opts: RmOptions) -> list[ItemReport]: ...

    def logs(self, names: Sequence[str], opts: LogsOptions) -> Iterator[LogLine]: ...

    def inspect(self, names: Sequence[str]) -> list[InspectReport]: ...

    def cleanup(self, names: Sequence[str], *, remove: bool) -> list[ItemReport]: ...


class Images(Protocol):
    def list_images(self, *, all: bool = False) -> list[ImageSummary]: ...

    def load(self, path: str) -> LoadReport: ...

    def inspect(self, names: Sequence[str]) -> list[InspectReport]: ...


class System(Protocol):
    def info(self) -> dict[str, Any]: ...


class Engine(Protocol):
    @property
    def containers(self) -> Containers: ...

    @property
    def images(self) -> Images: ...

    @property
    def system(self) -> System: ...

    def close(self) -> None: ...
