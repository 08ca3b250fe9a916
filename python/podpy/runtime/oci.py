"""A thin wrapper over the OCI runtime binary for the calls podpy makes outside the monitor."""

from __future__ import annotations

import os
import signal


class OciRuntime:
    def __init__(self, path: str, root: str) -> None:
        self.path = path
        self.root = root

    def _run(self, *args: str) -> int:
        """Run the runtime quietly and wait; returns its exit status."""
        devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        try:
            pid = os.posix_spawn(self.path, [self.path, "--root", self.root, *args], dict(os.environ),
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                               (os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
        finally:
            os.close(devnull)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def delete(self, container_id: str) -> None:
        self._run("delete", "--force", container_id)

    def start(self, container_id: str) -> int:
        """`start`: run the user process of a container made by `create` (`podpy init`)."""
        return self._run("start", container_id)

    def pause(self, container_id: str) -> int:
        return self._run("pause", container_id)

    def resume(self, container_id: str) -> int:
        return self._run("resume", container_id)

    def kill(self, container_id: str, sig: int = signal.SIGTERM, *, all_processes: bool = False) -> int:
        extra = ["--all"] if all_processes else []
        return self._run("kill", *extra, container_id, str(sig))
