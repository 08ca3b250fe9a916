"""The network store: network configurations and IP leases in podpy's SQLite database.

It keeps opaque JSON configs (podpy.network gives them meaning; state stays independent of it). Every
lease is taken in one exclusive write transaction, so twenty parallel `run`s never get the same address;
leases of containers that no longer exist (a crash between start and cleanup) are reclaimed there too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection

from podpy.errors import NameInUse
from podpy.util.sqlitedb import Database

MIGRATIONS = (
    """
    CREATE TABLE networks (
        name TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        interface TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE net_leases (
        network TEXT NOT NULL REFERENCES networks(name),
        ip TEXT NOT NULL,
        container_id TEXT NOT NULL,
        mac TEXT NOT NULL,
        PRIMARY KEY (network, ip),
        UNIQUE (network, container_id)
    );
    CREATE INDEX net_leases_container ON net_leases(container_id)
    """,
    # An IPv6 address beside the IPv4 one; either may be "" (an IPv6-only network has no IPv4 lease).
    """
    CREATE TABLE net_leases_v2 (
        network TEXT NOT NULL REFERENCES networks(name),
        container_id TEXT NOT NULL,
        ip TEXT NOT NULL,
        ip6 TEXT NOT NULL DEFAULT '',
        mac TEXT NOT NULL,
        PRIMARY KEY (network, container_id)
    );
    INSERT INTO net_leases_v2(network, container_id, ip, mac) SELECT network, container_id, ip, mac FROM net_leases;
    DROP TABLE net_leases;
    ALTER TABLE net_leases_v2 RENAME TO net_leases;
    CREATE UNIQUE INDEX net_leases_ip ON net_leases(network, ip) WHERE ip != '';
    CREATE UNIQUE INDEX net_leases_ip6 ON net_leases(network, ip6) WHERE ip6 != '';
    CREATE INDEX net_leases_container ON net_leases(container_id)
    """,
)

NetworkRow = tuple[str, str, str, str]  # name, id, interface, config JSON
Lease = tuple[str, str, str, str]  # network, ip, mac, ip6


class NetworkStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("networks", MIGRATIONS)

    def create(self, make: Callable[[list[NetworkRow]], NetworkRow]) -> NetworkRow:
        """Insert the row ``make`` builds from the existing ones, in one transaction (free names and subnets)."""
        import time

        try:
            with self.db.write() as conn:
                row = make(self._rows(conn, "", ()))
                conn.execute("INSERT INTO networks(name, id, interface, config, created) VALUES(?, ?, ?, ?, ?)",
                             (*row, time.time()))
                return row
        except sqlite3.IntegrityError as e:
            raise NameInUse(f"network name {row[0]} already used: network already exists") from e

    @staticmethod
    def _rows(conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> list[NetworkRow]:
        cur = conn.execute(f"SELECT name, id, interface, config FROM networks {where} ORDER BY created", params)
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in cur]

    def all(self) -> list[NetworkRow]:
        return self._rows(self.db.conn, "", ())

    def lookup(self, name_or_id: str) -> list[NetworkRow]:
        """By name, full ID or ID prefix (several rows: an ambiguous prefix)."""
        found = self._rows(self.db.conn, "WHERE name=? OR id=?", (name_or_id, name_or_id))
        if not found and name_or_id and all(c in "0123456789abcdef" for c in name_or_id):
            found = self._rows(self.db.conn, "WHERE id >= ? AND id < ?", (name_or_id, name_or_id + "g"))
        return found

    def remove(self, name: str) -> bool:
        with self.db.write() as conn:
            conn.execute("DELETE FROM net_leases WHERE network=?", (name,))
            return conn.execute("DELETE FROM networks WHERE name=?", (name,)).rowcount > 0

    def lease(self, network: str, container_id: str,
              pick: Callable[[Collection[str]], tuple[str, str, str]]) -> Lease:
        """The container's lease on ``network``: its existing one, or the (ip, ip6, mac) ``pick`` chooses.

        ``pick`` gets the addresses in use (both families) and raises when it finds none (or a static one
        is taken).
        """
        with self.db.write() as conn:
            row = conn.execute("SELECT ip, mac, ip6 FROM net_leases WHERE network=? AND container_id=?",
                               (network, container_id)).fetchone()
            if row is not None:
                return network, str(row[0]), str(row[1]), str(row[2])
            self._reclaim(conn)
            used = {str(a) for r in conn.execute("SELECT ip, ip6 FROM net_leases WHERE network=?", (network,))
                    for a in r if a}
            ip, ip6, mac = pick(used)
            conn.execute("INSERT INTO net_leases(network, ip, ip6, container_id, mac) VALUES(?, ?, ?, ?, ?)",
                         (network, ip, ip6, container_id, mac))
            return network, ip, mac, ip6

    @staticmethod
    def _reclaim(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM net_leases WHERE container_id NOT IN (SELECT id FROM containers)")

    def leases_of(self, container_id: str) -> list[Lease]:
        cur = self.db.conn.execute("SELECT network, ip, mac, ip6 FROM net_leases WHERE container_id=? ORDER BY rowid",
                                   (container_id,))
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in cur]

    def release(self, container_id: str) -> dict[str, int]:
        """Drop the container's leases; the leases left on each network it was on."""
        with self.db.write() as conn:
            nets = [str(r[0]) for r in conn.execute("SELECT network FROM net_leases WHERE container_id=?",
                                                    (container_id,))]
            conn.execute("DELETE FROM net_leases WHERE container_id=?", (container_id,))
            self._reclaim(conn)
            return {n: int(conn.execute("SELECT COUNT(*) FROM net_leases WHERE network=?", (n,)).fetchone()[0])
                    for n in nets}

    def all_leases(self) -> list[tuple[str, str, str, str]]:
        """(network, ip, container_id, ip6) of every lease."""
        cur = self.db.conn.execute("SELECT network, ip, container_id, ip6 FROM net_leases ORDER BY rowid")
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in cur]

    def release_one(self, container_id: str, network: str) -> int:
        """Drop the container's lease on ``network``; the leases left on it."""
        with self.db.write() as conn:
            conn.execute("DELETE FROM net_leases WHERE container_id=? AND network=?", (container_id, network))
            return int(conn.execute("SELECT COUNT(*) FROM net_leases WHERE network=?", (network,)).fetchone()[0])

    def release_all(self) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM net_leases")

    def lease_counts(self) -> dict[str, int]:
        cur = self.db.conn.execute("SELECT network, COUNT(*) FROM net_leases GROUP BY network")
        return {str(r[0]): int(r[1]) for r in cur}
