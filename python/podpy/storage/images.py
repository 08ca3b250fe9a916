"""Image records: names, manifest, config and the layer list, in one transaction each."""

from __future__ import annotations

from podpy.errors import ImageInUse
from podpy.storage.records import Image
from podpy.util.jsonfast import loads
from podpy.util.sqlitedb import Database
from podpy.util.timefmt import now_rfc3339

_COLUMNS = "id, digest, manifest, config, manifest_media_type, layers, size, created"


class ImageStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _build(self, row: tuple[object, ...], names: list[str]) -> Image:
        image_id, digest, manifest, config, media_type, layers, size, created = row
        return Image(id=str(image_id), digest=str(digest), names=names, manifest=str(manifest),
                     config=str(config), manifest_media_type=str(media_type),
                     layers=loads(str(layers)), size=int(size), created=str(created))  # type: ignore[call-overload]

    def _names(self, image_id: str) -> list[str]:
        rows = self.db.conn.execute("SELECT name FROM image_names WHERE image_id=? ORDER BY rowid", (image_id,))
        return [str(r[0]) for r in rows]

    def get(self, image_id: str) -> Image | None:
        row = self.db.conn.execute(f"SELECT {_COLUMNS} FROM images WHERE id=?", (image_id,)).fetchone()
        return None if row is None else self._build(row, self._names(image_id))

    def by_name(self, name: str) -> Image | None:
        row = self.db.conn.execute("SELECT image_id FROM image_names WHERE name=?", (name,)).fetchone()
        return None if row is None else self.get(str(row[0]))

    def names_ending_with(self, suffix: str) -> list[tuple[str, str]]:
        """(name, image ID) pairs whose name ends with ``suffix`` (short-name matching)."""
        pattern = "%" + suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.conn.execute(
            "SELECT name, image_id FROM image_names WHERE name LIKE ? ESCAPE '\\'", (pattern,))
        return [(str(n), str(i)) for n, i in rows]

    def by_id_prefix(self, prefix: str) -> list[str]:
        rows = self.db.conn.execute("SELECT id FROM images WHERE id >= ? AND id < ?", (prefix, prefix + "g"))
        return [str(r[0]) for r in rows]

    def list(self) -> list[Image]:
        names: dict[str, list[str]] = {}
        for name, image_id in self.db.conn.execute("SELECT name, image_id FROM image_names ORDER BY rowid"):
            names.setdefault(str(image_id), []).append(str(name))
        rows = self.db.conn.execute(f"SELECT {_COLUMNS} FROM images ORDER BY rowid").fetchall()
        return [self._build(r, names.get(str(r[0]), [])) for r in rows]

    def add(self, image: Image) -> Image:
        """Record ``image`` (its layers must be complete); names move from any older image to it."""
        from json import dumps

        with self.db.write() as conn:
            exists = conn.execute("SELECT 1 FROM images WHERE id=?", (image.id,)).fetchone()
            if not exists:
                conn.execute(
                    f"INSERT INTO images({_COLUMNS}, added) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (image.id, image.digest, image.manifest, image.config, image.manifest_media_type,
                     dumps(image.layers), image.size, image.created, now_rfc3339()))
            for name in image.names:
                conn.execute("INSERT INTO image_names(name, image_id) VALUES(?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET image_id=excluded.image_id", (name, image.id))
        stored = self.get(image.id)
        assert stored is not None
        return stored

    def set_manifest(self, image_id: str, *, manifest: str, media_type: str, config: str, digest: str,
                     size: int) -> None:
        """Replace the manifest and config of an image without layers (a manifest list) in one transaction."""
        with self.db.write() as conn:
            conn.execute("UPDATE images SET manifest=?, manifest_media_type=?, config=?, digest=?, size=? "
                         "WHERE id=?", (manifest, media_type, config, digest, size, image_id))

    def tag(self, image_id: str, name: str) -> None:
        with self.db.write() as conn:
            conn.execute("INSERT INTO image_names(name, image_id) VALUES(?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET image_id=excluded.image_id", (name, image_id))

    def untag(self, image_id: str, name: str) -> bool:
        with self.db.write() as conn:
            cur = conn.execute("DELETE FROM image_names WHERE name=? AND image_id=?", (name, image_id))
            return cur.rowcount > 0

    def delete(self, image_id: str) -> None:
        with self.db.write() as conn:
            user = conn.execute("SELECT id FROM rw_layers WHERE image_id=? LIMIT 1", (image_id,)).fetchone()
            if user:
                raise ImageInUse(f"image used by {user[0]}: image is in use by a container: consider listing "
                                 "external containers and force-removing image")
            conn.execute("DELETE FROM images WHERE id=?", (image_id,))
