"""Secrets of the file driver: data in ``<graphroot>/secrets/filedriver/<id>`` (0600, root's only).

A container records which secrets it uses (name, ID, how); the data reaches it only when it starts:
as a read-only file bind-mounted from its userdata, or in the process environment of that start.
Neither the container config nor inspect ever holds the data.
"""

from __future__ import annotations

import json
import os

from podpy.errors import NoSuchSecret, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.runtime.runtime import Runtime
    from podpy.specgen.mounts import UserMount
    from podpy.state.records import Container
    from podpy.state.secrets import SecretRow, SecretStore


def store(rt: Runtime) -> SecretStore:
    from podpy.state.secrets import SecretStore

    return SecretStore(rt.db)


def data_dir(rt: Runtime) -> str:
    return os.path.join(rt.opts.graph_root, "secrets", "filedriver")


def _data_path(rt: Runtime, secret_id: str) -> str:
    return os.path.join(data_dir(rt), secret_id)


def create_secret(rt: Runtime, name: str, data: bytes, *, labels: dict[str, str], replace: bool) -> str:
    from podpy.define.names import NAME_RE
    from podpy.util.timefmt import now_rfc3339

    if not name or len(name) > 253 or not NAME_RE.match(name):
        raise UsageError(f"invalid secret name {name!r}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")
    if not data:
        raise UsageError("secret data must be larger than 0 and less than 512000 bytes")
    if len(data) >= 512000:
        raise UsageError("secret data must be larger than 0 and less than 512000 bytes")
    secret_id = os.urandom(13).hex()[:25]
    now = now_rfc3339()
    os.makedirs(data_dir(rt), mode=0o700, exist_ok=True)
    os.chmod(os.path.dirname(data_dir(rt)), 0o700)
    path = _data_path(rt, secret_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    config = json.dumps({"created_at": now, "updated_at": now, "labels": labels})
    try:
        old = store(rt).add(secret_id, name, config, replace=replace)
    except BaseException:
        os.unlink(path)
        raise
    if old:
        _unlink(_data_path(rt, old))
    return secret_id


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def lookup(rt: Runtime, name_or_id: str) -> SecretRow:
    found = store(rt).lookup(name_or_id)
    if len(found) != 1:
        raise NoSuchSecret(f'no secret with name or id "{name_or_id}": no such secret')
    return found[0]


def list_secrets(rt: Runtime) -> list[SecretRow]:
    return store(rt).all()


def inspect(rt: Runtime, row: SecretRow) -> dict[str, Any]:
    config = json.loads(row[2])
    return {"ID": row[0], "CreatedAt": config["created_at"], "UpdatedAt": config["updated_at"],
            "Spec": {"Name": row[1], "Driver": {"Name": "file", "Options": {"path": data_dir(rt)}},
                     "Labels": dict(config.get("labels") or {})}}


def remove_secret(rt: Runtime, name_or_id: str) -> str:
    secret_id = lookup(rt, name_or_id)[0]
    store(rt).remove(secret_id)
    _unlink(_data_path(rt, secret_id))
    return secret_id


def read_data(rt: Runtime, secret_id: str, name: str) -> bytes:
    try:
        with open(_data_path(rt, secret_id), "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise NoSuchSecret(f'no secret with name or id "{name}": no such secret') from None


def resolve_for_create(rt: Runtime, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reference with its secret's ID (a missing secret fails the create before anything is made)."""
    return [{**ref, "id": lookup(rt, str(ref["name"]))[0]} for ref in refs]


def for_start(rt: Runtime, ctr: Container, userdata: str) -> tuple[list[UserMount], dict[str, str]]:
    """The bind mounts and environment variables that deliver the container's secrets to this start."""
    from podpy.specgen.mounts import UserMount

    mounts: list[UserMount] = []
    env: dict[str, str] = {}
    sdir = os.path.join(userdata, "secrets")
    for ref in ctr.config.secrets:
        data = read_data(rt, str(ref["id"]), str(ref["name"]))
        target = str(ref["target"])
        if ref["type"] == "env":
            env[target] = data.decode("utf-8", "surrogateescape")
            continue
        os.makedirs(sdir, mode=0o700, exist_ok=True)
        path = os.path.join(sdir, str(ref["id"]))
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fchown(fd, int(ref["uid"]), int(ref["gid"]))
            os.fchmod(fd, int(ref["mode"]))
        finally:
            os.close(fd)
        os.replace(path + ".tmp", path)
        destination = target if target.startswith("/") else os.path.join("/run/secrets", target)
        mounts.append(UserMount(destination, "bind", path, ["rbind", "ro", "nosuid", "nodev", "noexec", "rprivate"]))
    return mounts, env

