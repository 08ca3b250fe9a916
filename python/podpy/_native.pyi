"""Typed stub of the Rust extension (checked with mypy.stubtest)."""

from typing import final

__all__ = [
    "CorruptArchiveError",
    "DiffStats",
    "DigestMismatchError",
    "LayerStats",
    "NativeError",
    "UnsafePathError",
    "__version__",
    "assemble_layer",
    "diff_layer",
    "extract_layer",
    "mount",
    "mount_overlay",
    "unmount",
]

__version__: str

class NativeError(Exception): ...
class UnsafePathError(NativeError): ...
class DigestMismatchError(NativeError): ...
class CorruptArchiveError(NativeError): ...

@final
class LayerStats:
    @property
    def diff_id(self) -> str: ...
    @property
    def compressed_digest(self) -> str: ...
    @property
    def compressed_size(self) -> int: ...
    @property
    def uncompressed_size(self) -> int: ...
    @property
    def compression(self) -> str: ...

@final
class DiffStats:
    @property
    def diff_id(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def compressed_size(self) -> int: ...
    @property
    def entries(self) -> int: ...

def extract_layer(
    source: str | int,
    dest: str,
    *,
    expected_digest: str | None = None,
    whiteouts: str = "overlay",
    split_path: str | None = None,
    uid_map: list[tuple[int, int, int]] | None = None,
    gid_map: list[tuple[int, int, int]] | None = None,
) -> LayerStats: ...
def assemble_layer(split_path: str, layer_dir: str, out: int | str) -> tuple[str, int]: ...
def diff_layer(
    upper_dir: str, lower_dirs: list[str], out: int | str, compression: str | None = None, level: int | None = None
) -> DiffStats: ...
def mount(source: str, target: str, fstype: str, flags: int = 0, data: str | None = None) -> None: ...
def mount_overlay(lowers: list[str], upper: str, work: str, target: str, options: str = "") -> None: ...
def unmount(target: str, detach: bool = False) -> None: ...
