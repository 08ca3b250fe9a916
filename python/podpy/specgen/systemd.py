"""--systemd: what Podman changes for a container whose process is systemd (or with --systemd=always).

systemd wants writable tmpfs on /run, /run/lock, /tmp and /var/log/journal, its own cgroup hierarchy
writable (cgroups v1: the name=systemd one bound in; v2: the cgroup mount read-write), SIGRTMIN+3 to stop,
and `container_uuid` in its environment.
"""

from __future__ import annotations

import os
import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The commands that make --systemd=true switch the mode on (any path ending in /systemd too).
INIT_COMMANDS = ("/sbin/init", "/usr/sbin/init", "/usr/local/sbin/init")
STOP_SIGNAL = signal.SIGRTMIN + 3
TMPFS_DIRS = ("/run", "/run/lock", "/tmp", "/var/log/journal")
TMPFS_OPTIONS = ("rw", "rprivate", "nosuid", "nodev", "tmpcopyup")
_V1_SYSTEMD_HIERARCHY = "/sys/fs/cgroup/systemd"


def wanted(setting: str, args: list[str]) -> bool:
    """``setting``: true (the mode when the command is an init), false or always."""
    if setting == "always":
        return True
    if setting != "true" or not args:
        return False
    return args[0] in INIT_COMMANDS or os.path.basename(args[0]) == "systemd"


def container_uuid(container_id: str) -> str:
    return container_id[:32]


def adjust_spec(spec: dict[str, Any], *, taken: set[str], cgroup_v2: bool) -> None:
    """Add the tmpfs mounts (where the user mounted nothing) and make systemd's cgroup writable."""
    mounts: list[dict[str, Any]] = spec["mounts"]
    for dest in TMPFS_DIRS:
        if dest not in taken:
            # Before the mounts inside it (/run/.containerenv), which would be hidden otherwise.
            at = next((i for i, m in enumerate(mounts) if m["destination"].startswith(dest + "/")), len(mounts))
            mounts.insert(at, {"destination": dest, "type": "tmpfs", "source": "tmpfs",
                               "options": list(TMPFS_OPTIONS)})
    if cgroup_v2:
        for mount in mounts:
            if mount["destination"] == "/sys/fs/cgroup":
                mount["options"] = [o for o in mount["options"] if o != "ro"] + ["rw"]
    elif os.path.isdir(_V1_SYSTEMD_HIERARCHY) and _V1_SYSTEMD_HIERARCHY not in taken:
        mounts.append({"destination": _V1_SYSTEMD_HIERARCHY, "type": "bind", "source": _V1_SYSTEMD_HIERARCHY,
                       "options": ["bind", "rprivate"]})
        spec["linux"]["maskedPaths"] = [*spec["linux"].get("maskedPaths", []),
                                        f"{_V1_SYSTEMD_HIERARCHY}/release_agent"]
