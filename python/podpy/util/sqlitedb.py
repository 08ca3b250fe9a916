"""The one SQLite database that holds podpy's metadata.

WAL mode lets readers (``ps``, ``images``) run while a writer commits;
``synchronous=NORMAL`` keeps every commit atomic and safe from a killed process
(only a power loss may take back the last commits, never leave a torn database):
on this disk FULL's fsync per commit cost 2-6 ms, and a `run --rm` commits eight
times. A long busy timeout lets many
podpy processes queue for the write lock instead of failing with "database is
locked". Writers use ``BEGIN IMMEDIATE`` so that two writers never deadlock by
upgrading read locks. Each component (state, storage) owns its tables and keeps
its schema version in ``meta``; migrations run in one exclusive transaction.
"""

from __future__ import annotations

import os

from podpy.errors import StateError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence
else:
    # The C module alone, with the same classes: the `sqlite3` package around it imports datetime
    # (a millisecond of every command) only to register adapters podpy never uses.
    import _sqlite3 as sqlite3

IntegrityError = sqlite3.IntegrityError
Connection = sqlite3.Connection

BUSY_TIMEOUT_S = 120.0


class WriteTransaction:
    """`with db.write() as conn:` (a class, not a generator: contextlib costs every command its import)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self._conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


class Database:
    def __init__(self, path: str) -> None:
        self.path = path
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fresh = not os.path.exists(path)
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                        check_same_thread=False)
            self._open(fresh)
        except sqlite3.DatabaseError as e:
            raise StateError(f"opening database {path}: {e}") from e
        self._meta_ready = False

    def _open(self, fresh: bool) -> None:
        """The connection's settings. While another process creates the database, switches it to WAL or
        recovers its WAL (after processes that left without closing), SQLite answers "database is locked"
        at once, without its busy handler: such answers are retried here, up to the busy timeout."""
        import time

        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.005
        while True:
            try:
                if fresh:
                    self._enable_wal()
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema now
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _enable_wal(self) -> None:
        """Switch a new database to WAL once; many processes may be creating it at the same moment.

        Changing the journal mode does not wait on SQLite's busy handler, so creators queue on a flock.
        """
        from podpy.util.locks import flocked

        with flocked(self.path + ".lock"):
            self.conn.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        from podpy.util import exiting

        if not exiting.ends_with_os_exit:  # see util.exiting: no checkpoint (fsync) on the way out
            self.conn.close()

    def write(self) -> WriteTransaction:
        """An exclusive write transaction: committed on success, rolled back on any error."""
        return WriteTransaction(self.conn)

    def meta(self, key: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else str(row[0])

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    def ensure_schema(self, component: str, migrations: Sequence[str]) -> None:
        """Bring ``component``'s tables to ``len(migrations)``; a newer schema is refused."""
        key = f"schema.{component}"
        current = self.meta(key)
        if current is not None and int(current) == len(migrations):
            return
        with self.write() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
            version = int(row[0]) if row else 0
            if version > len(migrations):
                raise StateError(f"database {self.path} has {component} schema {version}, "
                                 f"newer than this podpy ({len(migrations)}): upgrade podpy")
            for script in migrations[version:]:
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            self.set_meta(conn, key, str(len(migrations)))

    def bind_paths(self, graph_root: str, run_root: str) -> None:
        """Refuse a database that belongs to other storage paths (copied or mis-configured)."""
        stored = self.meta("graph_root")
        if stored is None:
            with self.write() as conn:
                if conn.execute("SELECT value FROM meta WHERE key='graph_root'").fetchone() is None:
                    self.set_meta(conn, "graph_root", graph_root)
                    self.set_meta(conn, "run_root", run_root)
            return
        if stored != graph_root:
            raise StateError(f"database {self.path} belongs to graph root {stored}, not {graph_root}")
