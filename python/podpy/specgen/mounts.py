"""`-v/--volume`, `--mount`, `--tmpfs` and `--secret`, parsed and checked the way Podman does."""

from __future__ import annotations

import os

from podpy.errors import NotFoundError, UsageError
from podpy.util.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PROPAGATION = ("shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable")
_BIND_FLAGS = ("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind", "rbind")
_IGNORED = ("z", "Z", "O", "U", "idmap", "copy", "nocopy")  # SELinux labels, overlay and ownership: not yet


@record
class UserMount:
    destination: str
    type: str  # "bind" | "tmpfs" | "volume" (source: the volume's name, "" for a new anonymous one)
    source: str
    options: list[str]

    def to_oci(self) -> dict[str, object]:
        return {"destination": self.destination, "type": self.type, "source": self.source,
                "options": list(self.options)}


_VOLUME_FLAGS = ("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "nocopy", "copy", "U", "z", "Z")


def _volume_mount(name: str, destination: str, opts: list[str], text: str) -> UserMount:
    if not destination.startswith("/"):
        raise UsageError(f'invalid container path "{destination}", must be an absolute path')
    for opt in opts:
        if opt not in _VOLUME_FLAGS:
            raise UsageError(f'invalid option type "{opt}"')
    return UserMount(os.path.normpath(destination), "volume", name, [o for o in opts if o not in ("z", "Z")])


def parse_volume(text: str) -> UserMount:
    """`SRC:DEST[:OPTS]` with an absolute host path or a volume name; `DEST` alone: an anonymous volume."""
    parts = text.split(":")
    if len(parts) == 1 and parts[0].startswith("/"):
        return _volume_mount("", parts[0], [], text)
    if len(parts) < 2 or len(parts) > 3 or not parts[0] or not parts[1]:
        raise UsageError(f"{text}: incorrect volume format, should be [host-dir:]ctr-dir[:option]")
    source, destination = parts[0], parts[1]
    opts = parts[2].split(",") if len(parts) == 3 and parts[2] else []
    if not source.startswith(("/", ".")):
        return _volume_mount(source, destination, opts, text)
    if not destination.startswith("/"):
        raise UsageError(f'invalid container path "{destination}", must be an absolute path')
    options = ["rbind"]
    for opt in opts:
        if opt in _IGNORED:
            continue
        if opt not in _BIND_FLAGS and opt not in _PROPAGATION:
            raise UsageError(f'invalid option type "{opt}"')
        if opt in ("bind", "rbind"):
            options[0] = opt
        else:
            options.append(opt)
    if not any(o in _PROPAGATION for o in options):
        options.append("rprivate")
    source = os.path.abspath(source)
    if not os.path.exists(source):  # after the options, as Podman
        raise NotFoundError(f"statfs {source}: no such file or directory")
    return UserMount(os.path.normpath(destination), "bind", source, options)


def parse_tmpfs(text: str) -> UserMount:
    """`DEST[:OPTS]`; Podman's defaults are rw,noexec,nosuid,nodev."""
    destination, _, opts = text.partition(":")
    if not destination.startswith("/"):
        raise UsageError(f'invalid container path "{destination}", must be an absolute path')
    options = opts.split(",") if opts else ["rw", "noexec", "nosuid", "nodev"]
    return UserMount(os.path.normpath(destination), "tmpfs", "tmpfs", options)


_MOUNT_KEYS = {"type", "source", "src", "destination", "dst", "target", "ro", "readonly", "rw", "bind-propagation",
               "bind-nonrecursive", "relabel", "tmpfs-size", "tmpfs-mode", "consistency", "z", "Z", "U", "chown",
               "idmap", "notmpcopyup", "tmpcopyup", "volume-opt", "volume-nocopy"}


def parse_mount(text: str) -> UserMount:
    """`--mount type=bind|tmpfs|volume,…` in Podman's key=value syntax."""
    fields: dict[str, str] = {}
    flags: list[str] = []
    for item in text.split(","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if key not in _MOUNT_KEYS:
            raise UsageError(f"{key!r}: invalid mount option in {text!r}")
        if sep:
            fields[key] = value
        else:
            flags.append(key)
    kind = fields.get("type", "")
    destination = fields.get("destination") or fields.get("dst") or fields.get("target") or ""
    if not kind:
        raise UsageError(f"type must be specified in --mount {text!r}")
    if not destination.startswith("/"):
        raise UsageError(f"must set a destination (an absolute path) in --mount {text!r}")
    readonly = "ro" in flags or "readonly" in flags or fields.get("ro", fields.get("readonly", "")) in ("true", "1")
    if kind == "bind":
        source = fields.get("source") or fields.get("src") or ""
        if not source:
            raise UsageError(f"must set a source for a bind mount in --mount {text!r}")
        opts = ["ro" if readonly else "rw"]
        if "bind-propagation" in fields:
            opts.append(fields["bind-propagation"])
        if fields.get("bind-nonrecursive") in ("true", "1") or "bind-nonrecursive" in flags:
            opts.append("bind")
        return parse_volume(f"{source}:{destination}:{','.join(opts)}")
    if kind == "tmpfs":
        opts = ["ro" if readonly else "rw", "noexec", "nosuid", "nodev"]
        if "tmpfs-size" in fields:
            opts.append(f"size={fields['tmpfs-size']}")
        if "tmpfs-mode" in fields:
            opts.append(f"mode={fields['tmpfs-mode']}")
        return UserMount(os.path.normpath(destination), "tmpfs", "tmpfs", opts)
    if kind == "volume":
        opts = ["ro"] if readonly else []
        if fields.get("volume-nocopy") in ("true", "1") or "volume-nocopy" in flags:
            opts.append("nocopy")
        return _volume_mount(fields.get("source") or fields.get("src") or "", destination, opts, text)
    if kind in ("image", "devpts", "glob", "ramfs"):
        raise UsageError(f"--mount type={kind} is not supported yet")
    raise UsageError(f'invalid filesystem type "{kind}"')


def parse_secret(text: str) -> dict[str, Any]:
    """`NAME[,type=mount|env,target=…,uid=…,gid=…,mode=…]` as Podman's --secret takes it."""
    name, *rest = text.split(",")
    ref: dict[str, Any] = {"name": name, "type": "mount", "target": "", "uid": 0, "gid": 0, "mode": 0o444}
    for item in rest:
        key, sep, value = item.partition("=")
        if not sep or key not in ("type", "target", "uid", "gid", "mode"):
            raise UsageError(f"option {item!r} invalid: invalid --secret flag")
        if key in ("uid", "gid", "mode"):
            try:
                ref[key] = int(value, 8 if key == "mode" else 10)
            except ValueError:
                raise UsageError(f"{key} {value!r} invalid: invalid --secret flag") from None
        elif key == "type" and value not in ("mount", "env"):
            raise UsageError(f"type {value} is invalid: must be 'mount' or 'env': invalid --secret flag")
        else:
            ref[key] = value
    if not name:
        raise UsageError(f"{text!r}: invalid --secret flag")
    if ref["type"] == "env" and any(f"{k}=" in text for k in ("uid", "gid", "mode")):
        raise UsageError("UID, GID, Mode options cannot be set with secret option env: invalid --secret flag")
    ref["target"] = ref["target"] or name
    return ref
