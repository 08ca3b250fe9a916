"""`cp`: files between a container's root filesystem and the host, Docker's naming rules, symlink-safe.

Paths inside the container are resolved the way the container itself would see them: symlinks are
followed within its root (an absolute link target starts at the container's `/`, `..` stops at it),
never into the host. Writing into the container goes through tarfile's `tar` filter, which refuses
members that would land outside the destination (following links on the way), plus a check of hard
link targets, so a symlink swapped in by the running container makes the copy fail instead of
writing on the host.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.errors import NotFoundError, UsageError
from podpy.runtime.mounting import container_root
from podpy.runtime.rootpath import resolve_in_root
from podpy.runtime.runtime import Runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from podpy.state.records import Container

def _write_tar(out: BinaryIO, source: str, arcname: str) -> None:
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        tar.add(source, arcname=arcname, recursive=True)


@contextmanager
def _tar_stream(source: str, arcname: str) -> Iterator[BinaryIO]:
    """A readable tar stream of ``source``, written by a thread into a pipe (no copy in memory)."""
    import threading

    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            with open(write_fd, "wb") as out:
                _write_tar(out, source, arcname)
        except BaseException as e:  # reported by the consumer
            errors.append(e)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    with open(read_fd, "rb") as stream:
        try:
            yield stream
        finally:
            stream.read()  # let the producer finish even when extraction stopped early
    thread.join()
    if errors and not isinstance(errors[0], BrokenPipeError):
        raise errors[0]


def _contents_only(path: str) -> bool:
    """Docker's `SRC/.`: the directory's contents, not the directory."""
    return path.endswith("/.") or path == "."


def _target_name(src_path: str, src_is_dir: bool, dest_exists_as_dir: bool, dest_path: str) -> tuple[str, str]:
    """(directory to extract into, name of the copy there) for Docker's cp rules."""
    base = os.path.basename(src_path.rstrip("/")) or "/"
    if dest_exists_as_dir:
        if src_is_dir and _contents_only(src_path):
            return dest_path, "."
        return dest_path, base
    if dest_path.endswith("/") and not src_is_dir:
        raise NotFoundError(f"{dest_path}: no such directory")
    return os.path.dirname(dest_path.rstrip("/")) or "/", os.path.basename(dest_path.rstrip("/"))


def _extract(stream: BinaryIO, into: str, *, rename_top: tuple[str, str] | None, owner: tuple[int, int] | None
             ) -> None:
    """Untar ``stream`` into ``into``; ``rename_top`` renames the top member, ``owner`` chowns everything."""
    with tarfile.open(fileobj=stream, mode="r|*") as tar:
        for member in tar:
            if rename_top is not None:
                old, new = rename_top
                if member.name == old or member.name.startswith(old + "/"):
                    member.name = (new + member.name[len(old):]) if new != "." else member.name[len(old) + 1:]
                    if not member.name:
                        continue
            if owner is not None:
                member.uid, member.gid = owner
                member.uname = member.gname = ""
            try:
                tar.extract(member, into, filter=_container_filter)
            except tarfile.FilterError as e:
                raise UsageError(f"copying into the container: {e}") from None


def _container_filter(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's `tar` filter (no member outside the destination, through links included), modes and
    owners kept as a container engine must, absolute symlinks allowed (they are normal inside a root),
    and hard links only to files already inside the destination."""
    checked = tarfile.tar_filter(member, path)
    if checked is None:
        return None
    if checked.islnk():
        root = os.path.realpath(path)
        target = os.path.realpath(os.path.join(root, checked.linkname))
        if os.path.commonpath([root, target]) != root:
            raise tarfile.LinkOutsideDestinationError(checked, target)
    return checked


def copy_from_container(rt: Runtime, name_or_id: str, src: str, dest: str, out: BinaryIO | None) -> None:
    """``dest`` "-" writes a tar stream of ``src`` to ``out``."""
    with container_root(rt, name_or_id) as (_, root):
        # The last component is copied as it is (a symlink stays a symlink) unless SRC ends in / or /.
        host_src = resolve_in_root(root, src, follow_last=src.endswith(("/", "/.")))
        if not os.path.lexists(host_src):
            raise NotFoundError(f"{src!r} could not be found on container {name_or_id}: no such file or directory")
        src_is_dir = os.path.isdir(host_src) and not os.path.islink(host_src)
        if dest == "-":
            assert out is not None
            _write_tar(out, host_src, os.path.basename(src.rstrip("/.").rstrip("/")) or ".")
            return
        dest_is_dir = os.path.isdir(dest)
        into, name = _target_name(src, src_is_dir, dest_is_dir, dest)
        if not os.path.isdir(into):
            raise NotFoundError(f"{into}: no such directory")
        arc = "top"
        with _tar_stream(host_src, arc) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                member.name = (name + member.name[len(arc):]) if name != "." else member.name[len(arc) + 1:]
                if member.name:
                    tar.extract(member, into, filter="tar")


def copy_into_container(rt: Runtime, name_or_id: str, src: str, dest: str, stdin: BinaryIO | None, *,
                        archive: bool) -> None:
    """``src`` "-" reads a tar stream from ``stdin`` and unpacks it into the directory ``dest``."""
    with container_root(rt, name_or_id) as (ctr, root):
        owner = _container_owner(ctr, root) if archive else None
        host_dest = resolve_in_root(root, dest)
        if src == "-":
            assert stdin is not None
            if not os.path.isdir(host_dest):
                raise NotFoundError(f"{dest}: destination must be a directory when copying from stdin")
            _extract(stdin, host_dest, rename_top=None, owner=owner)
            return
        if not os.path.lexists(src):
            raise NotFoundError(f"{src}: no such file or directory")
        src_is_dir = os.path.isdir(src) and not os.path.islink(src)
        into_path, name = _target_name(src, src_is_dir, os.path.isdir(host_dest), dest)
        into = resolve_in_root(root, into_path) if into_path != dest else host_dest
        if not os.path.isdir(into):
            raise NotFoundError(f"{into_path}: no such directory in the container")
        with _tar_stream(src, "top") as stream:
            _extract(stream, into, rename_top=("top", name), owner=owner)


def _container_owner(ctr: Container, root: str) -> tuple[int, int]:
    from podpy.specgen.user import resolve_user

    user = resolve_user(ctr.config.user, root)
    return user.uid, user.gid
