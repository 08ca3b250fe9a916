"""The Runtime wires state, storage and the host probe together for container operations.

Opening it is the cost every command pays, so it is cheap: one SQLite
connection, a read of the boot id, and nothing else until a command needs
the store or the probe.
"""

from __future__ import annotations

import os

from podpy.runtime.layout import RunPaths
from podpy.runtime.options import RuntimeOptions
from podpy.state.sqlite import SqliteState
from podpy.storage.paths import StorePaths
from podpy.util import log
from podpy.util.cached import cached_property
from podpy.util.sqlitedb import Database

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.runtime.probe import HostInfo
    from podpy.storage.store import Store


BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id"


def current_boot_id() -> str:
    try:
        with open(BOOT_ID_FILE) as f:
            return f.read().strip()
    except OSError:
        return ""


class Runtime:
    def __init__(self, opts: RuntimeOptions) -> None:
        self.opts = opts
        self.store_paths = StorePaths(opts.graph_root, opts.run_root, opts.storage_driver,
                                      opts.storage_mount_options)
        self.run_paths = RunPaths(opts.run_root)
        if not os.path.isdir(self.run_paths.exits_dir):
            self.run_paths.ensure()
        self.db = Database(self.store_paths.db)
        self.state = SqliteState(self.db)
        self.db.bind_paths(opts.graph_root, opts.run_root)
        self.boot_id = current_boot_id()
        self._refresh_after_reboot()

    def _refresh_after_reboot(self) -> None:
        """/run is on the persistent disk here, so a reboot is told by the kernel's boot id, not by files."""
        if self.db.meta("boot_id") == self.boot_id:
            return
        changed = self.state.refresh_after_reboot(self.boot_id)
        if self.db.meta("schema.networks") is not None:
            from podpy.runtime.network_setup import forget_leases

            forget_leases(self)
        with self.db.write() as conn:
            self.db.set_meta(conn, "boot_id", self.boot_id)
        if changed:
            log.debug("boot id changed: refreshed %d containers from the previous boot", changed)

    @cached_property
    def store(self) -> Store:
        from podpy.storage.store import Store

        return Store(self.store_paths, self.db)

    @cached_property
    def host(self) -> HostInfo:
        from podpy.runtime.probe import probe_host

        info = probe_host(self.opts)
        for reason in info.reasons:
            log.debug("host probe: %s", reason)
        return info

    def close(self) -> None:
        self.db.close()
