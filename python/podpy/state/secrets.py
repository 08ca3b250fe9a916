"""The secret store: names, IDs and metadata of secrets (their data lives in files the runtime writes)."""

from __future__ import annotations

import sqlite3

from podpy.errors import NameInUse
from podpy.util.sqlitedb import Database

MIGRATIONS = (
    """
    CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created REAL NOT NULL
    )
    """,
)

SecretRow = tuple[str, str, str]  # id, name, config JSON


class SecretStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("secrets", MIGRATIONS)

    def add(self, secret_id: str, name: str, config: str, *, replace: bool = False) -> str | None:
        """Insert the secret; with ``replace`` an existing one of that name goes (its ID is returned)."""
        import time

        try:
            with self.db.write() as conn:
                old = None
                if replace:
                    row = conn.execute("SELECT id FROM secrets WHERE name=?", (name,)).fetchone()
                    if row is not None:
                        old = str(row[0])
                        conn.execute("DELETE FROM secrets WHERE id=?", (old,))
                conn.execute("INSERT INTO secrets(id, name, config, created) VALUES(?, ?, ?, ?)",
                             (secret_id, name, config, time.time()))
                return old
        except sqlite3.IntegrityError as e:
            raise NameInUse(f"{name}: secret name in use") from e

    def _rows(self, where: str, params: tuple[object, ...]) -> list[SecretRow]:
        cur = self.db.conn.execute(f"SELECT id, name, config FROM secrets {where} ORDER BY created", params)
        return [(str(r[0]), str(r[1]), str(r[2])) for r in cur]

    def all(self) -> list[SecretRow]:
        return self._rows("", ())

    def lookup(self, name_or_id: str) -> list[SecretRow]:
        found = self._rows("WHERE name=? OR id=?", (name_or_id, name_or_id))
        if not found and name_or_id and all(c in "0123456789abcdef" for c in name_or_id):
            found = self._rows("WHERE id >= ? AND id < ?", (name_or_id, name_or_id + "g"))
        return found

    def remove(self, secret_id: str) -> bool:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM secrets WHERE id=?", (secret_id,)).rowcount > 0
