"""The volume store: one row per named or anonymous volume, its config as opaque JSON.

The data lives under ``<graphroot>/volumes/<name>/_data`` (Podman's layout); podpy.runtime.volumes
gives the rows meaning. A row is inserted before its directory is made and deleted after the directory
is gone, so a crash leaves at most an empty volume behind, never data without a record.
"""

from __future__ import annotations

import sqlite3

from podpy.errors import NameInUse
from podpy.util.sqlitedb import Database

MIGRATIONS = (
    """
    CREATE TABLE volumes (
        name TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        created REAL NOT NULL
    )
    """,
)


class VolumeStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("volumes", MIGRATIONS)

    def add(self, name: str, config: str) -> None:
        import time

        try:
            with self.db.write() as conn:
                conn.execute("INSERT INTO volumes(name, config, created) VALUES(?, ?, ?)", (name, config, time.time()))
        except sqlite3.IntegrityError as e:
            raise NameInUse(f"volume with name {name} already exists: volume already exists") from e

    def get(self, name: str) -> str | None:
        row = self.db.conn.execute("SELECT config FROM volumes WHERE name=?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def all(self) -> list[tuple[str, str]]:
        rows = self.db.conn.execute("SELECT name, config FROM volumes ORDER BY created")
        return [(str(r[0]), str(r[1])) for r in rows]

    def update(self, name: str, config: str) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE volumes SET config=? WHERE name=?", (config, name))

    def remove(self, name: str) -> bool:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM volumes WHERE name=?", (name,)).rowcount > 0
