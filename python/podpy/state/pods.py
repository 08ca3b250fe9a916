"""What the state holds about a pod, and its SQLite table.

A pod's config is fixed at create time (JSON); its one mutable field is the infra container's ID,
set once the infra container exists. Its members are the containers whose config names the pod.
Pods and containers share the ``names`` table, so a pod and a container never share a name or ID.
"""

from __future__ import annotations

from podpy.errors import NameInUse, NoSuchPod
from podpy.util.jsonfast import loads
from podpy.util.record import asdict, field, record
from podpy.util.sqlitedb import IntegrityError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.util.sqlitedb import Database

MIGRATIONS = (
    """
    CREATE TABLE pods (
        id TEXT PRIMARY KEY REFERENCES names(id) ON DELETE CASCADE,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        infra_id TEXT NOT NULL DEFAULT ''
    )
    """,
)


@record
class PodConfig:
    id: str
    name: str
    created_at: str
    hostname: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    share: list[str] = field(default_factory=list)  # namespaces the members join: net, ipc, uts, pid, cgroup
    infra: bool = True
    cgroup_parent: str = ""  # the pod's cgroup, relative to each controller's root
    resources: dict[str, Any] = field(default_factory=dict)  # cpus, memory, pids_limit
    exit_policy: str = "continue"
    create_command: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        import json

        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PodConfig:
        from podpy.util.record import fields

        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in loads(text).items() if k in known})


@record(frozen=False)
class Pod:
    config: PodConfig
    infra_id: str = ""

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def name(self) -> str:
        return self.config.name


def pod_name_in_use(name: str) -> NameInUse:
    return NameInUse(f'adding pod to state: name "{name}" is in use: pod already exists')


def no_such_pod(name_or_id: str) -> NoSuchPod:
    return NoSuchPod(f'no pod with name or ID {name_or_id} found: no such pod')


class SqlitePods:
    """The pod half of SqliteState (mixed in: pods and containers share one database and name table)."""

    db: Database
    _pods_ready = False

    def _pods(self) -> Database:
        if not self._pods_ready:
            self.db.ensure_schema("pods", MIGRATIONS)
            self._pods_ready = True
        return self.db

    def add_pod(self, config: PodConfig) -> None:
        db = self._pods()
        try:
            with db.write() as conn:
                conn.execute("INSERT INTO names(name, id, kind) VALUES(?, ?, 'pod')", (config.name, config.id))
                conn.execute("INSERT INTO pods(id, name, config) VALUES(?, ?, ?)",
                             (config.id, config.name, config.to_json()))
        except IntegrityError as e:
            raise pod_name_in_use(config.name) from e

    def _select_pods(self, where: str, params: tuple[object, ...]) -> list[Pod]:
        rows = self._pods().conn.execute(f"SELECT config, infra_id FROM pods {where}", params)
        return [Pod(PodConfig.from_json(str(r[0])), str(r[1])) for r in rows]

    def get_pod(self, pod_id: str) -> Pod | None:
        found = self._select_pods("WHERE id=?", (pod_id,))
        return found[0] if found else None

    def lookup_pod(self, name_or_id: str) -> Pod:
        found = self._select_pods("WHERE name=? OR id=?", (name_or_id, name_or_id))
        if not found and name_or_id and all(c in "0123456789abcdef" for c in name_or_id):
            found = self._select_pods("WHERE id >= ? AND id < ?", (name_or_id, name_or_id + "g"))
            if len(found) > 1:
                raise NoSuchPod(f"more than one result for pod ID {name_or_id}: multiple pods found")
        if not found:
            raise no_such_pod(name_or_id)
        return found[0]

    def list_pods(self) -> list[Pod]:
        return self._select_pods("ORDER BY rowid", ())

    def set_pod_infra(self, pod_id: str, infra_id: str) -> None:
        with self._pods().write() as conn:
            if conn.execute("UPDATE pods SET infra_id=? WHERE id=?", (infra_id, pod_id)).rowcount == 0:
                raise no_such_pod(pod_id)

    def remove_pod(self, pod_id: str) -> bool:
        with self._pods().write() as conn:
            conn.execute("DELETE FROM pods WHERE id=?", (pod_id,))
            return conn.execute("DELETE FROM names WHERE id=? AND kind='pod'", (pod_id,)).rowcount > 0
