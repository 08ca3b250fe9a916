"""Container states, as Podman names them, with the guards that say what each allows."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


class ContainerStatus(str):
    """A str-valued enumeration of the states (members compare and serialise as their names).

    Not an `enum.StrEnum`: importing `enum` costs every listing command about a millisecond. Members
    are singletons, so `is` comparisons hold, and `ContainerStatus("running")` returns the member.
    """

    __slots__ = ()

    CONFIGURED: ClassVar[ContainerStatus]  # recorded, nothing on disk or in the runtime yet
    CREATED: ClassVar[ContainerStatus]  # rootfs and spec ready, not started
    INITIALIZED: ClassVar[ContainerStatus]  # `init`: the runtime created it, its process waits for `start`
    RUNNING: ClassVar[ContainerStatus]
    PAUSED: ClassVar[ContainerStatus]
    STOPPED: ClassVar[ContainerStatus]  # stopped by podpy (stop/kill) and cleaned up
    EXITED: ClassVar[ContainerStatus]  # the process ended on its own
    REMOVING: ClassVar[ContainerStatus]
    _members: ClassVar[dict[str, ContainerStatus]]

    def __new__(cls, value: str) -> ContainerStatus:
        try:
            return cls._members[value]
        except KeyError:
            raise ValueError(f"{value!r} is not a valid ContainerStatus") from None

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def name(self) -> str:
        return self.value.upper()

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"<ContainerStatus.{self.name}: {self.value!r}>"

    def __reduce__(self) -> tuple[type[ContainerStatus], tuple[str]]:
        return ContainerStatus, (self.value,)

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


def _define_members() -> None:
    members = {}
    for value in ("configured", "created", "initialized", "running", "paused", "stopped", "exited", "removing"):
        member = str.__new__(ContainerStatus, value)
        setattr(ContainerStatus, value.upper(), member)
        members[value] = member
    ContainerStatus._members = members


_define_members()
