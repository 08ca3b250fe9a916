"""Read-only layers: one directory per chain ID, unpacked once by the Rust extractor.

Next to its ``diff`` directory each layer keeps a tar-split record (``tar-split.zst``,
written by the extractor) from which its original tar is rebuilt byte for byte, so that
``save`` reproduces the layer's diffID; layers made before records existed are diffed afresh.

A layer is recorded as incomplete before its directory is written and marked
complete after; a crashed extraction is swept the next time the store lock is
taken for a write. The extraction happens in a temp directory that is renamed
into place, so a layer directory either is whole or does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

from podpy import _native
from podpy.errors import DigestMismatch, ImageFormatError, StorageError
from podpy.storage.drivers import driver_for
from podpy.storage.paths import StorePaths
from podpy.storage.records import Layer
from podpy.util.fs import remove_tree
from podpy.util.record import record
from podpy.util.sqlitedb import Database
from podpy.util.timefmt import now_rfc3339

_LINK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LINK_LEN = 26


def chain_id(parent_chain: str, diff_id: str) -> str:
    """OCI chain ID (hex) of a layer given its parent's chain ID (hex, or "")."""
    if not parent_chain:
        return diff_id.removeprefix("sha256:")
    import hashlib

    return hashlib.sha256(f"sha256:{parent_chain} {diff_id}".encode()).hexdigest()


SPLIT_NAME = "tar-split.zst"


@record
class LayerTar:
    diff_id: str
    size: int
    original: bool  # rebuilt from the tar-split record: the bytes the layer was made from


@record
class LayerSource:
    """Where a layer's (possibly compressed) tar comes from, and what it must hash to."""

    path: str
    compressed_digest: str
    diff_id: str


SourceOpener = Callable[[], AbstractContextManager[LayerSource]]


@record
class ChainResult:
    layers: list[Layer]
    created: list[str]  # IDs of the layers this call made (for undo by the caller)


@record(frozen=False)
class _Pending:
    layer_id: str
    parent: str
    opener: SourceOpener
    link: str
    tmp: str
    source: LayerSource | None = None
    stats: _native.LayerStats | None = None


class LayerStore:
    def __init__(self, db: Database, paths: StorePaths) -> None:
        self.db = db
        self.paths = paths
        self.driver = driver_for(paths)

    def get(self, layer_id: str) -> Layer | None:
        row = self.db.conn.execute(
            "SELECT id, parent, diff_id, compressed_digest, compressed_size, size, link FROM layers "
            "WHERE id=? AND incomplete=0", (layer_id,)).fetchone()
        if row is None:
            return None
        return Layer(*row)

    def diff_dir(self, layer_id: str) -> str:
        return os.path.join(self.paths.layer_dir(layer_id), "diff")

    def split_path(self, layer_id: str) -> str:
        return os.path.join(self.paths.layer_dir(layer_id), SPLIT_NAME)

    def write_tar(self, layer: Layer, out: int | str, *, fallback: bool = True) -> LayerTar:
        """Write the layer's uncompressed tar to ``out`` (an fd at its current offset, or a path created).

        From the tar-split record the bytes are the original ones. Without a record, the layer
        directory is diffed instead (``fallback``), which gives a valid layer with another diffID.
        A record whose files no longer match fails (StorageError): by then part of it is written.
        """
        split = self.split_path(layer.id)
        if os.path.exists(split):
            try:
                diff_id, size = _native.assemble_layer(split, self.diff_dir(layer.id), out)
            except (_native.NativeError, OSError) as e:
                raise StorageError(f"layer {layer.id[:12]}: rebuilding its tar: {e}") from e
            return LayerTar(diff_id, size, True)
        if not fallback:
            raise StorageError(f"layer {layer.id[:12]} has no tar-split record")
        try:
            stats = _native.diff_layer(self.diff_dir(layer.id), [], out)
        except (_native.NativeError, OSError) as e:
            raise StorageError(f"layer {layer.id[:12]}: writing its tar: {e}") from e
        return LayerTar(stats.diff_id, stats.size, False)

    def diff_tar(self, upper: str, lowers: list[str], out: int | str) -> LayerTar:
        """A layer's or container's changes as a layer tar written to ``out``.

        ``upper`` and ``lowers`` are what ``lower_dirs`` gives: for overlay an upper directory and
        the layers below it (or a mounted rootfs and none), for vfs a full tree and the tree it
        was copied from (none: all of it).
        """
        try:
            if self.driver.stacked and lowers:
                from podpy.storage.changes import whiteout_upper

                tmp = os.path.join(os.path.dirname(upper), ".tmp-upper-" + os.urandom(4).hex())
                os.mkdir(tmp, 0o755)
                try:
                    whiteout_upper(upper, lowers[0], tmp)
                    stats = _native.diff_layer(tmp, [], out)
                finally:
                    remove_tree(tmp)
            else:
                stats = _native.diff_layer(upper, lowers, out)
        except (_native.NativeError, OSError) as e:
            raise StorageError(f"writing the layer tar of {upper}: {e}") from e
        return LayerTar(stats.diff_id, stats.size, False)

    def changes(self, upper: str, lowers: list[str]) -> list[tuple[str, str]]:
        """`podman diff`'s (kind, path) list of ``upper`` against ``lowers`` (as for ``diff_tar``)."""
        from podpy.storage.changes import overlay_changes, tree_changes

        if self.driver.stacked:
            return tree_changes(upper, lowers[0] if lowers else os.path.join(upper, ".no-such-dir"))
        return overlay_changes(upper, lowers)

    def link_path(self, layer: Layer) -> str:
        return os.path.join(self.paths.links_dir, layer.link)

    def sweep_incomplete(self) -> None:
        """Remove what a killed extraction left behind. Caller holds the store lock."""
        rows = self.db.conn.execute("SELECT id, link FROM layers WHERE incomplete=1").fetchall()
        for layer_id, link in rows:
            self._remove_files(layer_id, link)
            with self.db.write() as conn:
                conn.execute("DELETE FROM layers WHERE id=? AND incomplete=1", (layer_id,))
        layers_dir = self.paths.layers_dir
        if os.path.isdir(layers_dir):
            for entry in os.listdir(layers_dir):
                if entry.startswith(".tmp-"):
                    remove_tree(os.path.join(layers_dir, entry))

    def _remove_files(self, layer_id: str, link: str) -> None:
        if link:
            try:
                os.unlink(os.path.join(self.paths.links_dir, link))
            except FileNotFoundError:
                pass
        remove_tree(self.paths.layer_dir(layer_id))

    def create(self, layer_id: str, parent: str, source: LayerSource) -> Layer:
        """Unpack ``source`` as layer ``layer_id``. Caller holds the store lock."""
        return self.create_chain([(layer_id, parent, lambda: nullcontext(source))]).layers[0]

    def create_chain(self, chain: Sequence[tuple[str, str, SourceOpener]]) -> ChainResult:
        """Make the missing layers of an image's chain (base first), unpacking them in parallel.

        Every missing layer is recorded incomplete and gets its temp directory first; the
        extractions then run on all cores (the extractor releases the GIL); the layers are
        moved into place and completed in chain order only when all of them succeeded, so a
        failure leaves none of them behind. Caller holds the store lock.
        """
        links: dict[str, str] = {}
        slots: list[Layer | _Pending] = []
        for layer_id, parent, opener in chain:
            existing = self.get(layer_id)
            if existing is not None:
                links[layer_id] = existing.link
                slots.append(existing)
                continue
            pending = self._begin(layer_id, parent, opener)
            links[layer_id] = pending.link
            slots.append(pending)
        todo = [slot for slot in slots if isinstance(slot, _Pending)]
        try:
            self._extract_all(todo)
            layers = [slot if isinstance(slot, Layer) else self._finish(slot, links) for slot in slots]
        except BaseException:
            for pending in todo:
                remove_tree(pending.tmp)
                self._remove_files(pending.layer_id, pending.link)
                with self.db.write() as conn:
                    conn.execute("DELETE FROM layers WHERE id=? AND incomplete=1", (pending.layer_id,))
            raise
        return ChainResult(layers, [p.layer_id for p in todo])

    def create_unnamed(self, source: LayerSource) -> Layer:
        """A base layer whose diffID is known only after unpacking it (`import` of a tarball).

        It is unpacked under a provisional ID and then re-keyed to its chain ID; if that layer
        exists already, the new copy is dropped. Caller holds the store lock.
        """
        provisional = "import-" + os.urandom(8).hex()
        layer = self.create_chain([(provisional, "", lambda: nullcontext(source))]).layers[0]
        final_id = chain_id("", layer.diff_id)
        if self.get(final_id) is not None:
            self.delete(provisional)
            existing = self.get(final_id)
            assert existing is not None
            return existing
        os.rename(self.paths.layer_dir(provisional), self.paths.layer_dir(final_id))
        link_path = os.path.join(self.paths.links_dir, layer.link)
        os.unlink(link_path)
        os.symlink(os.path.join("..", final_id, "diff"), link_path)
        with self.db.write() as conn:
            conn.execute("UPDATE layers SET id=? WHERE id=?", (final_id, provisional))
        return Layer(final_id, "", layer.diff_id, layer.compressed_digest, layer.compressed_size, layer.size,
                     layer.link)

    def _begin(self, layer_id: str, parent: str, opener: SourceOpener) -> _Pending:
        link = "".join(_LINK_ALPHABET[b % len(_LINK_ALPHABET)] for b in os.urandom(_LINK_LEN))
        with self.db.write() as conn:
            conn.execute("DELETE FROM layers WHERE id=?", (layer_id,))
            conn.execute(
                "INSERT INTO layers(id, parent, diff_id, compressed_digest, compressed_size, size, link, "
                "incomplete, created) VALUES(?, ?, '', '', 0, 0, ?, 1, ?)",
                (layer_id, parent, link, now_rfc3339()))
        tmp = os.path.join(self.paths.layers_dir, f".tmp-{layer_id[:16]}-{os.getpid()}")
        remove_tree(tmp)
        os.makedirs(os.path.join(tmp, "diff"), mode=0o755)
        return _Pending(layer_id, parent, opener, link, tmp)

    def _extract_all(self, todo: list[_Pending]) -> None:
        whiteouts = self.driver.whiteouts

        def one(pending: _Pending) -> None:
            with pending.opener() as source:
                stats = _extract(source, os.path.join(pending.tmp, "diff"), os.path.join(pending.tmp, SPLIT_NAME),
                                 whiteouts)
            if source.diff_id and stats.diff_id != source.diff_id:
                raise DigestMismatch(f"layer {source.compressed_digest}: uncompressed digest "
                                     f"{stats.diff_id} does not match {source.diff_id} from the image config")
            pending.source = source
            pending.stats = stats

        if self.driver.stacked:
            # each layer starts as a copy of its parent: in chain order
            made = {pending.layer_id: os.path.join(pending.tmp, "diff") for pending in todo}
            for pending in todo:
                if pending.parent:
                    parent = made.get(pending.parent) or self.diff_dir(pending.parent)
                    self.driver.prepare_layer(parent, os.path.join(pending.tmp, "diff"))
                one(pending)
            return
        if len(todo) <= 1:
            for pending in todo:
                one(pending)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
            futures = [pool.submit(one, pending) for pending in todo]
        for future in futures:
            future.result()  # the first failure in chain order

    def _finish(self, pending: _Pending, links: dict[str, str]) -> Layer:
        stats, source = pending.stats, pending.source
        assert stats is not None and source is not None
        with open(os.path.join(pending.tmp, "link"), "w") as f:
            f.write(pending.link)
        if pending.parent:
            lowers = []
            current = pending.parent
            while current:
                lowers.append(links.get(current) or self._link_of(current))
                current = self._parent_of(current)
            with open(os.path.join(pending.tmp, "lower"), "w") as f:
                f.write(":".join(f"l/{name}" for name in lowers))
        os.makedirs(self.paths.links_dir, exist_ok=True)
        final = self.paths.layer_dir(pending.layer_id)
        remove_tree(final)
        os.rename(pending.tmp, final)
        os.symlink(os.path.join("..", pending.layer_id, "diff"), os.path.join(self.paths.links_dir, pending.link))
        with self.db.write() as conn:
            conn.execute("UPDATE layers SET incomplete=0, compressed_digest=?, compressed_size=?, size=?, "
                         "diff_id=? WHERE id=?",
                         (source.compressed_digest, stats.compressed_size, stats.uncompressed_size, stats.diff_id,
                          pending.layer_id))
        return Layer(pending.layer_id, pending.parent, stats.diff_id, source.compressed_digest,
                     stats.compressed_size, stats.uncompressed_size, pending.link)

    def _link_of(self, layer_id: str) -> str:
        row = self.db.conn.execute("SELECT link FROM layers WHERE id=?", (layer_id,)).fetchone()
        if row is None:
            raise StorageError(f"layer {layer_id} is missing from the store")
        return str(row[0])

    def _parent_of(self, layer_id: str) -> str:
        row = self.db.conn.execute("SELECT parent FROM layers WHERE id=?", (layer_id,)).fetchone()
        if row is None:
            raise StorageError(f"layer {layer_id} is missing from the store")
        return str(row[0])

    def _lower_chain(self, top: str) -> list[str]:
        """Link names from ``top`` down to the base layer (overlay's lowerdir order)."""
        names: list[str] = []
        current = top
        while current:
            layer = self.get(current)
            if layer is None:
                raise StorageError(f"layer {current} is missing from the store")
            names.append(layer.link)
            current = layer.parent
        return names

    def lower_dirs(self, top: str) -> list[str]:
        """What lies below a container or child layer on ``top``: the chain's directories, top first
        (overlay), or the one directory holding the whole tree (vfs)."""
        if self.driver.stacked:
            return [self.diff_dir(top)]
        return [os.path.join(self.paths.links_dir, name) for name in self._lower_chain(top)]

    def in_use(self, layer_id: str) -> bool:
        row = self.db.conn.execute(
            "SELECT 1 FROM layers WHERE parent=? LIMIT 1", (layer_id,)).fetchone()
        return row is not None

    def delete(self, layer_id: str) -> None:
        layer = self.get(layer_id)
        with self.db.write() as conn:
            conn.execute("DELETE FROM layers WHERE id=?", (layer_id,))
        if layer is not None:
            self._remove_files(layer_id, layer.link)


def _extract(source: LayerSource, dest: str, split: str, whiteouts: str) -> _native.LayerStats:
    try:
        return _native.extract_layer(source.path, dest, expected_digest=source.compressed_digest or None,
                                     whiteouts=whiteouts, split_path=split)
    except _native.DigestMismatchError as e:
        raise DigestMismatch(f"layer {source.compressed_digest}: {e}") from e
    except _native.UnsafePathError as e:
        raise ImageFormatError(f"layer {source.compressed_digest}: {e}") from e
    except _native.CorruptArchiveError as e:
        raise ImageFormatError(f"layer {source.compressed_digest}: {e}") from e
