"""Container states, as Podman names them, with the guards that say what each allows."""

from __future__ import annotations

import enum


class ContainerStatus(enum.StrEnum):
    CONFIGURED = "configured"  # recorded, nothing on disk or in the runtime yet
    CREATED = "created"  # rootfs and spec ready, not started
    INITIALIZED = "initialized"  # `init`: the runtime created it, its process waits for `start`
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"  # stopped by podpy (stop/kill) and cleaned up
    EXITED = "exited"  # the process ended on its own
    REMOVING = "removing"

    def can_start(self) -> bool:
        """Start through a new monitor (an initialized container is started in its runtime instead)."""
        return self in (ContainerStatus.CONFIGURED, ContainerStatus.CREATED,
                        ContainerStatus.STOPPED, ContainerStatus.EXITED)

    def can_init(self) -> bool:
        return self.can_start()

    def can_remove_without_force(self) -> bool:
        return self not in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def is_active(self) -> bool:
        """The container has (or may have) a live process and a monitor."""
        return self in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def has_process(self) -> bool:
        """Active, or initialized: a monitor watches a process that may exit (and so needs syncing)."""
        return self.is_active() or self is ContainerStatus.INITIALIZED

    def is_finished(self) -> bool:
        return self in (ContainerStatus.STOPPED, ContainerStatus.EXITED)
