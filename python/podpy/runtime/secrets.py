"""Secrets of the file driver: data in ``<graphroot>/secrets/filedriver/<id>`` (0600, root's only), or in
the directory given by ``--driver-opts path=``.

A container records which secrets it uses (name, ID, how); the data reaches it only when it starts:
as a read-only file bind-mounted from its userdata, or in the process environment of that start.
Neither the container config nor inspect ever holds the data.
"""

from __future__ import annotations

import json
import os
import re

from podpy.errors import NoSuchSecret, UsageError

_NAME = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$")

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


def _data_path(rt: Runtime, secret_id: str, directory: str = "") -> str:
    return os.path.join(directory or data_dir(rt), secret_id)


def _row_dir(rt: Runtime, row: SecretRow) -> str:
    return str(json.loads(row[2]).get("driver_options", {}).get("path") or data_dir(rt))


def check_name(name: str) -> None:
    if len(name) > 64 or not _NAME.match(name):
        raise UsageError("only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be "
                         f"[a-zA-Z0-9]: {name}: invalid secret name")


def create_secret(rt: Runtime, name: str, data: bytes, *, labels: dict[str, str], replace: bool,
                  driver_options: dict[str, str] | None = None) -> str:
    """Store the data (0600 in a 0700 directory), then record the secret; nothing is left on failure."""
    from podpy.util.timefmt import now_rfc3339

    check_name(name)
    if not data or len(data) >= 512000:
        raise UsageError("secret data must be larger than 0 and less than 512000 bytes")
    options = dict(driver_options or {})
    directory = os.path.abspath(options["path"]) if options.get("path") else data_dir(rt)
    options["path"] = directory
    secret_id = os.urandom(13).hex()[:25]
    now = now_rfc3339()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if directory == data_dir(rt):
        os.chmod(os.path.dirname(directory), 0o700)
    path = _data_path(rt, secret_id, directory)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    config = json.dumps({"created_at": now, "updated_at": now, "labels": labels, "driver_options": options})
    old_rows = store(rt).lookup(name) if replace else []
    try:
        old = store(rt).add(secret_id, name, config, replace=replace)
    except BaseException:
        os.unlink(path)
        raise
    for row in old_rows:
        if row[0] == old:
            _unlink(_data_path(rt, old, _row_dir(rt, row)))
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
            "Spec": {"Name": row[1], "Driver": {"Name": "file", "Options": {"path": _row_dir(rt, row)}},
                     "Labels": dict(config.get("labels") or {})}}


def remove_secret(rt: Runtime, name_or_id: str) -> str:
    """Containers that use the secret do not hold it back (as in Podman 4.3); their next start fails."""
    row = lookup(rt, name_or_id)
    store(rt).remove(row[0])
    _unlink(_data_path(rt, row[0], _row_dir(rt, row)))
    return row[0]


def read_data(rt: Runtime, secret_id: str, name: str) -> bytes:
    """The secret's data; one replaced (`create --replace`) since the container was made is found by name."""
    rows = [r for r in store(rt).lookup(secret_id) if r[0] == secret_id] or \
        [r for r in store(rt).lookup(name) if r[1] == name]
    if not rows:
        raise NoSuchSecret(f'no secret with name or id "{name}": no such secret')
    try:
        with open(_data_path(rt, rows[0][0], _row_dir(rt, rows[0])), "rb") as f:
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

