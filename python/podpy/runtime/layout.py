"""Per-container paths under the runroot (volatile) and the container's userdata (persistent)."""

from __future__ import annotations

import os

from podpy.util.record import record


@record
class RunPaths:
    run_root: str

    @property
    def runtime_root(self) -> str:
        """What the OCI runtime gets as --root: its own state, lost on reboot like ours."""
        return os.path.join(self.run_root, "runtime")

    @property
    def exits_dir(self) -> str:
        return os.path.join(self.run_root, "exits")

    @property
    def locks_dir(self) -> str:
        return os.path.join(self.run_root, "locks")

    def exit_file(self, container_id: str) -> str:
        return os.path.join(self.exits_dir, container_id)

    def lock_file(self, container_id: str) -> str:
        return os.path.join(self.locks_dir, f"{container_id}.lock")

    def container_dir(self, container_id: str) -> str:
        return os.path.join(self.run_root, "containers", container_id)

    def ensure(self) -> None:
        for path in (self.runtime_root, self.exits_dir, self.locks_dir, os.path.join(self.run_root, "containers")):
            os.makedirs(path, mode=0o700, exist_ok=True)
