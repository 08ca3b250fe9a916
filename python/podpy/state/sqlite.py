"""SQLite implementation of State.

Immutable container config lives in a JSON column, the mutable state in
indexed columns. Containers and pods share one ID/name space through the
``names`` table (its unique constraint settles concurrent creates).
"""

from __future__ import annotations

from podpy.define.states import ContainerStatus
from podpy.errors import NameInUse, NoSuchContainer
from podpy.state.pods import SqlitePods
from podpy.state.records import Container, ContainerConfig, ContainerState
from podpy.util.record import replace
from podpy.util.sqlitedb import Database, IntegrityError

MIGRATIONS = (
    """
    CREATE TABLE names (
        name TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL
    );
    CREATE TABLE containers (
        id TEXT PRIMARY KEY REFERENCES names(id) ON DELETE CASCADE,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        status TEXT NOT NULL,
        pid INTEGER NOT NULL DEFAULT 0,
        monitor_pid INTEGER NOT NULL DEFAULT 0,
        exit_code INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL DEFAULT '',
        finished_at TEXT NOT NULL DEFAULT '',
        oom_killed INTEGER NOT NULL DEFAULT 0,
        rootfs TEXT NOT NULL DEFAULT '',
        boot_id TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX containers_status ON containers(status)
    """,
    """
    CREATE TABLE exit_codes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        recorded REAL NOT NULL
    );
    CREATE INDEX exit_codes_name ON exit_codes(name)
    """,
    """
    ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE containers ADD COLUMN stopped_by_user INTEGER NOT NULL DEFAULT 0
    """,
)

EXIT_CODE_RETENTION_S = 300.0

_STATE_COLUMNS = ("status, pid, monitor_pid, exit_code, started_at, finished_at, oom_killed, rootfs, boot_id, "
                  "restart_count, stopped_by_user")


def _row_to_container(row: tuple[object, ...]) -> Container:
    config = ContainerConfig.from_json(str(row[0]))
    state = ContainerState(
        status=ContainerStatus(str(row[1])), pid=int(str(row[2])), monitor_pid=int(str(row[3])),
        exit_code=int(str(row[4])), started_at=str(row[5]), finished_at=str(row[6]),
        oom_killed=bool(row[7]), rootfs=str(row[8]), boot_id=str(row[9]),
        restart_count=int(str(row[10])), stopped_by_user=bool(row[11]),
    )
    return Container(config, state)


def _state_values(state: ContainerState) -> tuple[object, ...]:
    return (state.status.value, state.pid, state.monitor_pid, state.exit_code, state.started_at,
            state.finished_at, int(state.oom_killed), state.rootfs, state.boot_id, state.restart_count,
            int(state.stopped_by_user))


class SqliteState(SqlitePods):
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("state", MIGRATIONS)

    def add_container(self, config: ContainerConfig, state: ContainerState) -> None:
        try:
            with self.db.write() as conn:
                conn.execute("INSERT INTO names(name, id, kind) VALUES(?, ?, 'container')",
                             (config.name, config.id))
                conn.execute(f"INSERT INTO containers(id, name, config, {_STATE_COLUMNS}) "
                             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (config.id, config.name, config.to_json(), *_state_values(state)))
        except IntegrityError as e:
            raise NameInUse(
                f'the container name "{config.name}" is already in use by another container or pod. '
                "You have to remove that container to be able to reuse that name: that name is already in use"
            ) from e

    def _select(self, where: str, params: tuple[object, ...]) -> list[Container]:
        rows = self.db.conn.execute(f"SELECT config, {_STATE_COLUMNS} FROM containers {where}", params)
        return [_row_to_container(r) for r in rows]

    def get_container(self, container_id: str) -> Container | None:
        found = self._select("WHERE id=?", (container_id,))
        return found[0] if found else None

    def lookup_container(self, name_or_id: str) -> Container:
        found = self._select("WHERE name=? OR id=?", (name_or_id, name_or_id))
        if not found and name_or_id and all(c in "0123456789abcdef" for c in name_or_id):
            found = self._select("WHERE id >= ? AND id < ?", (name_or_id, name_or_id + "g"))
            if len(found) > 1:
                raise NoSuchContainer(f"more than one result for container ID {name_or_id}: "
                                      "multiple containers found")
        if not found:
            raise NoSuchContainer(f"no container with name or ID \"{name_or_id}\" found: no such container")
        return found[0]

    def list_containers(self) -> list[Container]:
        return self._select("ORDER BY rowid", ())

    def save_state(self, container_id: str, state: ContainerState) -> None:
        with self.db.write() as conn:
            cur = conn.execute(
                "UPDATE containers SET status=?, pid=?, monitor_pid=?, exit_code=?, started_at=?, "
                "finished_at=?, oom_killed=?, rootfs=?, boot_id=?, restart_count=?, stopped_by_user=? WHERE id=?",
                (*_state_values(state), container_id))
            if cur.rowcount == 0:
                raise NoSuchContainer(f"no container with ID {container_id} found: no such container")

    def update_config(self, container_id: str, config: ContainerConfig) -> None:
        with self.db.write() as conn:
            row = conn.execute("SELECT name FROM containers WHERE id=?", (container_id,)).fetchone()
            if row is None:
                raise NoSuchContainer(f"no container with ID {container_id} found: no such container")
            if config.id != container_id or config.name != str(row[0]):
                raise ValueError("update_config cannot change a container's ID or name")
            conn.execute("UPDATE containers SET config=? WHERE id=?", (config.to_json(), container_id))

    def rename_container(self, container_id: str, new_name: str) -> None:
        try:
            with self.db.write() as conn:
                row = conn.execute("SELECT config FROM containers WHERE id=?", (container_id,)).fetchone()
                if row is None:
                    raise NoSuchContainer(f"no container with ID {container_id} found: no such container")
                config = replace(ContainerConfig.from_json(str(row[0])), name=new_name)
                conn.execute("UPDATE names SET name=? WHERE id=?", (new_name, container_id))
                conn.execute("UPDATE containers SET name=?, config=? WHERE id=?",
                             (new_name, config.to_json(), container_id))
        except IntegrityError as e:
            raise NameInUse(f'the container name "{new_name}" is already in use by another container or pod: '
                            "that name is already in use") from e

    def record_exit_code(self, container_id: str, name: str, exit_code: int) -> None:
        import time

        now = time.time()
        with self.db.write() as conn:
            conn.execute("DELETE FROM exit_codes WHERE recorded < ?", (now - EXIT_CODE_RETENTION_S,))
            conn.execute("INSERT OR REPLACE INTO exit_codes(id, name, exit_code, recorded) VALUES(?, ?, ?, ?)",
                         (container_id, name, exit_code, now))

    def removed_exit_code(self, name_or_id: str) -> int | None:
        row = self.db.conn.execute(
            "SELECT exit_code FROM exit_codes WHERE id=? OR name=? OR (id >= ? AND id < ?) "
            "ORDER BY recorded DESC LIMIT 1", (name_or_id, name_or_id, name_or_id, name_or_id + "g")).fetchone()
        return None if row is None else int(row[0])

    def remove_container(self, container_id: str) -> bool:
        with self.db.write() as conn:
            conn.execute("DELETE FROM containers WHERE id=?", (container_id,))
            cur = conn.execute("DELETE FROM names WHERE id=?", (container_id,))
            return cur.rowcount > 0

    def refresh_after_reboot(self, boot_id: str) -> int:
        with self.db.write() as conn:
            cur = conn.execute(
                "UPDATE containers SET status=CASE WHEN status IN ('running','paused') THEN 'exited' "
                "WHEN status='configured' THEN 'configured' ELSE status END, "
                "pid=0, monitor_pid=0, rootfs='', boot_id=? WHERE boot_id != ? AND boot_id != ''",
                (boot_id, boot_id))
            return cur.rowcount

    def close(self) -> None:
        self.db.close()
