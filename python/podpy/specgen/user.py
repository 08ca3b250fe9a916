"""Resolving `--user` / the image's USER against the container's /etc/passwd and /etc/group."""

from __future__ import annotations

import os

from podpy.errors import UsageError
from podpy.util.record import record


@record
class ResolvedUser:
    uid: int
    gid: int
    additional_gids: tuple[int, ...] = ()
    home: str = "/"


def _read_in_root(rootfs: str, path: str) -> list[list[str]]:
    """Colon-separated records of a file inside ``rootfs``; a symlink leading out reads nothing."""
    full = os.path.realpath(os.path.join(rootfs, path.lstrip("/")))
    root = os.path.realpath(rootfs)
    if not full.startswith(root + os.sep):
        return []
    try:
        with open(full, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n").split(":") for line in f if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def resolve_user(spec: str, rootfs: str, group_add: tuple[str, ...] = ()) -> ResolvedUser:
    """``group_add``: --group-add values (names from the container's /etc/group, or GIDs)."""
    spec = spec or "0"
    user_part, _, group_part = spec.partition(":")
    passwd = _read_in_root(rootfs, "/etc/passwd")
    uid: int | None = None
    gid: int | None = None
    home = "/"
    name = ""
    if user_part.isdigit():
        uid = int(user_part)
        for rec in passwd:
            if len(rec) >= 6 and rec[2] == user_part:
                gid, home, name = int(rec[3]), rec[5] or "/", rec[0]
                break
    else:
        for rec in passwd:
            if len(rec) >= 6 and rec[0] == user_part:
                uid, gid, home, name = int(rec[2]), int(rec[3]), rec[5] or "/", rec[0]
                break
        if uid is None:
            if user_part == "root":
                uid, gid = 0, 0
            else:
                raise UsageError(f"unable to find user {user_part}: no matching entries in passwd file")
    groups = _read_in_root(rootfs, "/etc/group")
    if group_part:
        if group_part.isdigit():
            gid = int(group_part)
        else:
            match = [rec for rec in groups if len(rec) >= 3 and rec[0] == group_part]
            if not match:
                raise UsageError(f"unable to find group {group_part}: no matching entries in group file")
            gid = int(match[0][2])
    if gid is None:
        gid = 0 if uid == 0 else uid
    extra: list[int] = []
    if name:
        for rec in groups:
            if len(rec) >= 4 and name in rec[3].split(",") and rec[2].isdigit() and int(rec[2]) != gid:
                extra.append(int(rec[2]))
    for group in group_add:
        if group == "keep-groups":
            continue  # rootless only: keeps the caller's groups; nothing to add as root
        if group.isdigit():
            number = int(group)
        else:
            match = [rec for rec in groups if len(rec) >= 3 and rec[0] == group and rec[2].isdigit()]
            if not match:
                raise UsageError(f"unable to find group {group}: no matching entries in group file")
            number = int(match[0][2])
        if number != gid and number not in extra:
            extra.append(number)
    return ResolvedUser(uid, gid, tuple(extra), home)
