"""One small Protocol per resource: the local engine implements them now, the REST client later."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Protocol, TextIO

from podpy.engine.entities import (
    AttachOptions,
    ChangesReport,
    CommitOptions,
    ContainerStats,
    ExecOptions,
    HistoryEntry,
    ImageMountReport,
    ImageSummary,
    ImageTreeReport,
    InspectReport,
    ItemReport,
    KillOptions,
    ListContainer,
    LoadReport,
    LoginOptions,
    LogLine,
    LogsOptions,
    NetworkCreateOptions,
    PsOptions,
    PullOptions,
    PullReport,
    RmiReport,
    RmOptions,
    RunOptions,
    RunReport,
    SaveOptions,
    SaveReport,
    StopOptions,
    UpdateOptions,
    WaitReport,
)


class Containers(Protocol):
    def run(self, opts: RunOptions) -> RunReport: ...

    def create(self, opts: RunOptions) -> str: ...

    def start(self, names: Sequence[str], *, attach: bool, attach_opts: AttachOptions | None = None
              ) -> list[ItemReport]: ...

    def attach(self, name: str, opts: AttachOptions) -> int: ...

    def stop(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]: ...

    def kill(self, names: Sequence[str], opts: KillOptions) -> list[ItemReport]: ...

    def pause(self, names: Sequence[str], *, all_containers: bool = False, unpause: bool = False
              ) -> list[ItemReport]: ...

    def restart(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]: ...

    def init(self, names: Sequence[str], *, all_containers: bool = False) -> list[ItemReport]: ...

    def wait(self, names: Sequence[str], conditions: Sequence[str] = (), interval: float = 0.0
             ) -> list[WaitReport]: ...

    def update(self, name: str, opts: UpdateOptions) -> str:
        """Change a container's resource limits (live when it runs); its ID."""

    def stats(self, names: Sequence[str], *, all: bool = False) -> list[ContainerStats]:
        """One sample per container: the running ones (all of them without names)."""

    def copy(self, src: str, dest: str, *, archive: bool, stdin: BinaryIO | None, stdout: BinaryIO | None
             ) -> None:
        """`cp`: exactly one of ``src`` and ``dest`` is `CONTAINER:PATH`; "-" is a tar stream."""

    def exec(self, name: str, opts: ExecOptions) -> int: ...

    def export(self, name: str, out: BinaryIO) -> None: ...

    def diff(self, name: str) -> ChangesReport: ...

    def commit(self, name: str, reference: str, opts: CommitOptions) -> str: ...

    def prune(self) -> list[str]: ...

    def mount(self, names: Sequence[str]) -> list[tuple[str, str]]: ...

    def unmount(self, names: Sequence[str], *, all_containers: bool = False, force: bool = False
                ) -> list[ItemReport]: ...

    def top(self, name: str, descriptors: Sequence[str]) -> tuple[list[str], list[list[str]]]: ...

    def exists(self, name: str) -> bool: ...

    def rename(self, name: str, new_name: str) -> None: ...

    def list_containers(self, opts: PsOptions) -> list[ListContainer]: ...

    def remove(self, names: Sequence[str], opts: RmOptions) -> list[ItemReport]: ...

    def logs(self, names: Sequence[str], opts: LogsOptions) -> Iterator[LogLine]: ...

    def inspect(self, names: Sequence[str]) -> list[InspectReport]: ...

    def cleanup(self, names: Sequence[str], *, remove: bool) -> list[ItemReport]: ...


class Images(Protocol):
    def list_images(self, *, all: bool = False, filters: Mapping[str, Sequence[str]] | None = None
                    ) -> list[ImageSummary]: ...

    def load(self, path: str) -> LoadReport: ...

    def inspect(self, names: Sequence[str]) -> list[InspectReport]: ...

    def exists(self, name: str) -> bool: ...

    def history(self, name: str) -> list[HistoryEntry]: ...

    def tag(self, source: str, targets: Sequence[str]) -> None: ...

    def untag(self, name: str, targets: Sequence[str]) -> None: ...

    def remove(self, names: Sequence[str], *, force: bool, all_images: bool) -> list[RmiReport]: ...

    def import_(self, path: str, *, reference: str, changes: Sequence[str], message: str) -> str: ...

    def prune(self, *, all_images: bool, filters: Mapping[str, Sequence[str]] | None = None) -> list[str]: ...

    def pull(self, names: Sequence[str], opts: PullOptions, progress: TextIO | None = None) -> PullReport: ...

    def login(self, opts: LoginOptions) -> str: ...

    def logout(self, server: str, *, all_servers: bool, authfile: str) -> str: ...


    def save(self, names: Sequence[str], options: SaveOptions, out: BinaryIO | None = None) -> SaveReport: ...

    def diff(self, name: str) -> ChangesReport: ...

    def mount(self, names: Sequence[str], *, all_images: bool) -> list[ImageMountReport]: ...

    def mounted(self) -> list[ImageMountReport]: ...

    def unmount(self, names: Sequence[str], *, all_images: bool, force: bool) -> list[ItemReport]: ...

    def tree(self, name: str, *, whatrequires: bool) -> ImageTreeReport: ...


class Networks(Protocol):
    def create(self, opts: NetworkCreateOptions) -> str:
        """The new network's name."""

    def list_networks(self, filters: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
        """Podman's inspect objects of the networks that pass the filters."""

    def inspect(self, names: Sequence[str]) -> list[InspectReport]: ...

    def remove(self, names: Sequence[str], *, force: bool) -> list[ItemReport]: ...

    def prune(self) -> list[str]: ...

    def exists(self, name: str) -> bool: ...

    def reload(self, names: Sequence[str], *, all_containers: bool) -> list[ItemReport]: ...


class System(Protocol):
    def info(self) -> dict[str, Any]: ...


class Engine(Protocol):
    @property
    def containers(self) -> Containers: ...

    @property
    def images(self) -> Images: ...

    @property
    def system(self) -> System: ...

    @property
    def networks(self) -> Networks: ...

    def close(self) -> None: ...
