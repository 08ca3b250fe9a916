"""Container states, as Podman names them, with the guards that say what each allows."""

from __future__ import annotations

import enum


class ContainerStatus(enum.StrEnum):
    CONFIGURED = "configured"  # recorded, nothing on disk or in the runtime yet
    CREATED = "created"  # rootfs and spec ready, not started
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"  # stopped by podpy (stop/kill) and cleaned up
    EXITED = "exited"  # the process ended on its own
    REMOVING = "removing"

    def can_start(self) -> bool:
        return self in (ContainerStatus.CONFIGURED, ContainerStatus.CREATED,
                        ContainerStatus.STOPPED, ContainerStatus.EXITED)

    def can_remove_without_force(self) -> bool:
        return self not in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def is_active(self) -> bool:
        """The container has (or may have) a live process and a monitor."""
        return self in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def is_finished(self) -> bool:
        return self in (ContainerStatus.STOPPED, ContainerStatus.EXITED)
