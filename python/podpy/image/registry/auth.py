"""Registry credentials: auth.json (containers-auth.json(5)), Docker's config.json, credential helpers.

Reading follows containers/image: the auth file named by --authfile or REGISTRY_AUTH_FILE alone,
else ``${XDG_RUNTIME_DIR}/containers/auth.json`` (``/run/containers/UID/auth.json`` without it), then
``$XDG_CONFIG_HOME/containers/auth.json``, ``~/.docker/config.json`` and ``~/.dockercfg``.
A key may name a registry or a repository namespace (``host/ns/repo``); the longest match wins.
Writing (login, logout) goes to the first file only, atomically and with mode 0600.
"""

from __future__ import annotations

import base64
import json
import os

from podpy.errors import ConfigError, NotFoundError
from podpy.util.record import record

AUTH_FILE_ENV = "REGISTRY_AUTH_FILE"
DOCKER_HUB_KEYS = ("docker.io", "index.docker.io", "registry-1.docker.io")


@record
class Credentials:
    username: str
    password: str
    identity_token: str = ""  # an OAuth2 refresh token (Docker's "identitytoken"); rarely used


def default_auth_file() -> str:
    """Where login writes: ``$XDG_RUNTIME_DIR/containers/auth.json``, else ``/run/containers/UID/auth.json``."""
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        return os.path.join(runtime_dir, "containers", "auth.json")
    return f"/run/containers/{os.getuid()}/auth.json"


def write_path(authfile: str | None) -> str:
    return authfile or os.environ.get(AUTH_FILE_ENV) or default_auth_file()


def read_paths(authfile: str | None) -> list[tuple[str, bool]]:
    """(path, legacy docker format) in lookup order."""
    explicit = authfile or os.environ.get(AUTH_FILE_ENV)
    if explicit:
        return [(explicit, False)]
    from podpy.util.paths import home_dir, xdg_config_home

    home = home_dir()
    return [(default_auth_file(), False), (os.path.join(xdg_config_home(), "containers", "auth.json"), False),
            (os.path.join(home, ".docker", "config.json"), False), (os.path.join(home, ".dockercfg"), True)]


def normalize_key(key: str) -> str:
    """A key as Docker writes it (``https://index.docker.io/v1/``) reduced to ``host[/path]``."""
    for scheme in ("https://", "http://"):
        if key.startswith(scheme):
            key = key[len(scheme):]
            key = key.split("/", 1)[0]  # Docker's keys with a scheme carry an API path, not a namespace
            break
    if key in DOCKER_HUB_KEYS:
        return "docker.io"
    return key.rstrip("/")


def _load(path: str, legacy: bool = False) -> dict[str, object]:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise ConfigError(f"reading JSON file {path!r}: {e.strerror or e}") from e
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"unmarshaling JSON at {path!r}: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"unmarshaling JSON at {path!r}: not a JSON object")
    return {"auths": data} if legacy else data


def _candidates(key: str) -> list[str]:
    """``host/a/b`` → ``host/a/b``, ``host/a``, ``host``: the most specific key first."""
    parts = key.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _decode(entry: object, where: str) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    encoded = entry.get("auth")
    identity = str(entry.get("identitytoken") or "")
    if not encoded:
        return Credentials("", "", identity) if identity else None
    try:
        user, sep, password = base64.b64decode(str(encoded)).decode().partition(":")
    except (ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"{where}: invalid auth entry: {e}") from e
    if not sep:
        raise ConfigError(f"{where}: invalid auth entry: no colon in the decoded user:password")
    return Credentials(user, password.strip("\x00"), identity)


def _helper(name: str, server: str) -> Credentials | None:
    """``docker-credential-NAME get``: JSON {Username, Secret} for ``server`` on stdin."""
    import shutil
    import subprocess

    program = shutil.which(f"docker-credential-{name}")
    if program is None:
        raise ConfigError(f"credential helper docker-credential-{name} is not in $PATH")
    proc = subprocess.run([program, "get"], input=server.encode(), capture_output=True, timeout=60)
    if proc.returncode != 0:
        text = (proc.stdout or proc.stderr).decode(errors="replace").strip()
        if "credentials not found" in text.lower():
            return None
        raise ConfigError(f"credential helper docker-credential-{name}: {text or f'exit {proc.returncode}'}")
    try:
        data = json.loads(proc.stdout)
        return Credentials(str(data.get("Username") or ""), str(data.get("Secret") or ""))
    except (ValueError, AttributeError) as e:
        raise ConfigError(f"credential helper docker-credential-{name}: bad output: {e}") from e


def lookup(key: str, authfile: str | None = None) -> Credentials | None:
    """Credentials for ``key`` (``host`` or ``host/repo/path``) from the first file that has any."""
    wanted = _candidates(normalize_key(key))
    for path, legacy in read_paths(authfile):
        data = _load(path, legacy)
        helpers = data.get("credHelpers")
        if isinstance(helpers, dict):
            host = wanted[-1]
            if isinstance(helpers.get(host), str):
                found = _helper(str(helpers[host]), host)
                if found is not None:
                    return found
        auths = data.get("auths")
        if isinstance(auths, dict):
            by_key = {normalize_key(str(k)): v for k, v in auths.items()}
            for candidate in wanted:
                if candidate in by_key:
                    creds = _decode(by_key[candidate], f"{path}: {candidate}")
                    if creds is not None:
                        return creds
        store = data.get("credsStore")
        if isinstance(store, str) and store:
            found = _helper(store, wanted[-1])
            if found is not None:
                return found
    return None


def _save(path: str, data: dict[str, object]) -> None:
    from podpy.util.atomic import atomic_write

    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    atomic_write(path, (json.dumps(data, indent="\t") + "\n").encode(), mode=0o600)


def store(key: str, creds: Credentials, authfile: str | None = None) -> str:
    """Record ``creds`` under ``key`` in the auth file login writes; that file's path."""
    path = write_path(authfile)
    data = _load(path)
    auths = data.get("auths")
    if not isinstance(auths, dict):
        auths = {}
    key = normalize_key(key)
    for old in [k for k in auths if normalize_key(str(k)) == key]:
        del auths[old]
    auths[key] = {"auth": base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()}
    data["auths"] = auths
    _save(path, data)
    return path


def remove(key: str, authfile: str | None = None) -> None:
    """Forget ``key``; NotFoundError when it was not there (``not logged into …``)."""
    path = write_path(authfile)
    data = _load(path)
    auths = data.get("auths")
    key = normalize_key(key)
    matches = [k for k in auths if normalize_key(str(k)) == key] if isinstance(auths, dict) else []
    if not matches:
        raise NotFoundError(f"not logged into {key}")
    assert isinstance(auths, dict)
    for old in matches:
        del auths[old]
    _save(path, data)


def remove_all(authfile: str | None = None) -> None:
    path = write_path(authfile)
    data = _load(path)
    if "auths" in data or os.path.exists(path):
        data["auths"] = {}
        _save(path, data)
