"""`-v/--volume` bind mounts and `--tmpfs`, parsed and checked the way Podman does."""

from __future__ import annotations

import os

from podpy.errors import NotFoundError, UsageError
from podpy.util.record import record

_PROPAGATION = ("shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable")
_BIND_FLAGS = ("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind", "rbind")
_IGNORED = ("z", "Z", "O", "U", "idmap", "copy", "nocopy")  # SELinux labels, overlay and ownership: not yet


@record
class UserMount:
    destination: str
    type: str  # "bind" | "tmpfs"
    source: str
    options: list[str]

    def to_oci(self) -> dict[str, object]:
        return {"destination": self.destination, "type": self.type, "source": self.source,
                "options": list(self.options)}


def parse_volume(text: str) -> UserMount:
    """`SRC:DEST[:OPTS]` with an absolute host path; named volumes come with the volumes issue."""
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 3 or not parts[0] or not parts[1]:
        raise UsageError(f"incorrect volume format {text!r}, should be [host-dir:]ctr-dir[:option]")
    source, destination = parts[0], parts[1]
    opts = parts[2].split(",") if len(parts) == 3 and parts[2] else []
    if not source.startswith(("/", ".")):
        raise UsageError(f"named volume {source!r}: named volumes are not supported yet (use an absolute host path)")
    if not destination.startswith("/"):
        raise UsageError(f"invalid container path {destination!r}, must be an absolute path")
    source = os.path.abspath(source)
    if not os.path.exists(source):
        raise NotFoundError(f"statfs {source}: no such file or directory")
    options = ["rbind"]
    for opt in opts:
        if opt in _IGNORED:
            continue
        if opt not in _BIND_FLAGS and opt not in _PROPAGATION:
            raise UsageError(f"invalid option type: {opt!r} in volume {text!r}")
        if opt in ("bind", "rbind"):
            options[0] = opt
        else:
            options.append(opt)
    if not any(o in _PROPAGATION for o in options):
        options.append("rprivate")
    return UserMount(os.path.normpath(destination), "bind", source, options)


def parse_tmpfs(text: str) -> UserMount:
    """`DEST[:OPTS]`; Podman's defaults are rw,noexec,nosuid,nodev."""
    destination, _, opts = text.partition(":")
    if not destination.startswith("/"):
        raise UsageError(f"invalid tmpfs path {destination!r}, must be an absolute path")
    options = opts.split(",") if opts else ["rw", "noexec", "nosuid", "nodev"]
    return UserMount(os.path.normpath(destination), "tmpfs", "tmpfs", options)
