"""Read-only layers: one directory per chain ID, unpacked once by the Rust extractor.

A layer is recorded as incomplete before its directory is written and marked
complete after; a crashed extraction is swept the next time the store lock is
taken for a write. The extraction happens in a temp directory that is renamed
into place, so a layer directory either is whole or does not exist.
"""

from __future__ import annotations

import os
import string

from podpy import _native
from podpy.errors import DigestMismatch, ImageFormatError, StorageError
from podpy.storage.paths import StorePaths
from podpy.storage.records import Layer
from podpy.util.fs import remove_tree
from podpy.util.record import record
from podpy.util.sqlitedb import Database
from podpy.util.timefmt import now_rfc3339

_LINK_ALPHABET = string.ascii_uppercase + string.digits
_LINK_LEN = 26


def chain_id(parent_chain: str, diff_id: str) -> str:
    """OCI chain ID (hex) of a layer given its parent's chain ID (hex, or "")."""
    if not parent_chain:
        return diff_id.removeprefix("sha256:")
    import hashlib

    return hashlib.sha256(f"sha256:{parent_chain} {diff_id}".encode()).hexdigest()


@record
class LayerSource:
    """Where a layer's (possibly compressed) tar comes from, and what it must hash to."""

    path: str
    compressed_digest: str
    diff_id: str


class LayerStore:
    def __init__(self, db: Database, paths: StorePaths) -> None:
        self.db = db
        self.paths = paths

    def get(self, layer_id: str) -> Layer | None:
        row = self.db.conn.execute(
            "SELECT id, parent, diff_id, compressed_digest, compressed_size, size, link FROM layers "
            "WHERE id=? AND incomplete=0", (layer_id,)).fetchone()
        if row is None:
            return None
        return Layer(*row)

    def diff_dir(self, layer_id: str) -> str:
        return os.path.join(self.paths.layer_dir(layer_id), "diff")

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
        existing = self.get(layer_id)
        if existing is not None:
            return existing
        link = "".join(_LINK_ALPHABET[b % len(_LINK_ALPHABET)] for b in os.urandom(_LINK_LEN))
        with self.db.write() as conn:
            conn.execute("DELETE FROM layers WHERE id=?", (layer_id,))
            conn.execute(
                "INSERT INTO layers(id, parent, diff_id, compressed_digest, compressed_size, size, link, "
                "incomplete, created) VALUES(?, ?, ?, ?, 0, 0, ?, 1, ?)",
                (layer_id, parent, source.diff_id, source.compressed_digest, link, now_rfc3339()))
        tmp = os.path.join(self.paths.layers_dir, f".tmp-{layer_id[:16]}-{os.getpid()}")
        try:
            os.makedirs(os.path.join(tmp, "diff"), mode=0o755)
            stats = _extract(source, os.path.join(tmp, "diff"))
            if source.diff_id and stats.diff_id != source.diff_id:
                raise DigestMismatch(f"layer {source.compressed_digest}: uncompressed digest "
                                     f"{stats.diff_id} does not match {source.diff_id} from the image config")
            with open(os.path.join(tmp, "link"), "w") as f:
                f.write(link)
            if parent:
                lowers = self._lower_chain(parent)
                with open(os.path.join(tmp, "lower"), "w") as f:
                    f.write(":".join(f"l/{name}" for name in lowers))
            os.makedirs(self.paths.links_dir, exist_ok=True)
            final = self.paths.layer_dir(layer_id)
            remove_tree(final)
            os.rename(tmp, final)
            os.symlink(os.path.join("..", layer_id, "diff"), os.path.join(self.paths.links_dir, link))
        except BaseException:
            remove_tree(tmp)
            self._remove_files(layer_id, link)
            with self.db.write() as conn:
                conn.execute("DELETE FROM layers WHERE id=? AND incomplete=1", (layer_id,))
            raise
        with self.db.write() as conn:
            conn.execute("UPDATE layers SET incomplete=0, compressed_size=?, size=?, diff_id=? WHERE id=?",
                         (stats.compressed_size, stats.uncompressed_size, stats.diff_id, layer_id))
        return Layer(layer_id, parent, stats.diff_id, source.compressed_digest, stats.compressed_size,
                     stats.uncompressed_size, link)

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


def _extract(source: LayerSource, dest: str) -> _native.LayerStats:
    try:
        return _native.extract_layer(source.path, dest, expected_digest=source.compressed_digest or None)
    except _native.DigestMismatchError as e:
        raise DigestMismatch(f"layer {source.compressed_digest}: {e}") from e
    except _native.UnsafePathError as e:
        raise ImageFormatError(f"layer {source.compressed_digest}: {e}") from e
    except _native.CorruptArchiveError as e:
        raise ImageFormatError(f"layer {source.compressed_digest}: {e}") from e
