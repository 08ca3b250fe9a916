"""Rootless detection, XDG base directories with Podman's fallbacks, and podpy's default store paths.

These are read on every command, so they only look at the environment and
stat a directory at most; nothing here creates files.
"""

from __future__ import annotations

import os

PODPY = "podpy"
ROOT_GRAPH_ROOT = "/var/lib/podpy/storage"
ROOT_RUN_ROOT = "/run/podpy"


def is_rootless() -> bool:
    """Podman is rootless whenever the effective uid is not 0 (a user namespace made by podpy comes later)."""
    return os.geteuid() != 0


def home_dir() -> str:
    """$HOME, or the passwd entry when it is unset (as Go's os.UserHomeDir falls back)."""
    home = os.environ.get("HOME")
    if home:
        return home
    import pwd

    return pwd.getpwuid(os.getuid()).pw_dir


def xdg_config_home() -> str:
    return os.environ.get("XDG_CONFIG_HOME") or os.path.join(home_dir(), ".config")


def xdg_data_home() -> str:
    return os.environ.get("XDG_DATA_HOME") or os.path.join(home_dir(), ".local", "share")


def xdg_runtime_dir() -> str:
    """$XDG_RUNTIME_DIR, else /run/user/UID when it is ours, else $TMPDIR/podman-run-UID (Podman's order).

    The last fallback keeps Podman's name so that files both tools share
    (auth.json under containers/) are found by either.
    """
    env = os.environ.get("XDG_RUNTIME_DIR")
    if env:
        return env
    uid = os.getuid()
    candidate = f"/run/user/{uid}"
    try:
        st = os.stat(candidate)
    except OSError:
        pass
    else:
        if st.st_uid == uid and st.st_mode & 0o700 == 0o700:
            return candidate
    tmp = os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(tmp, f"podman-run-{uid}")


def default_graph_root(rootless: bool | None = None) -> str:
    """podpy's own image/container store: never Podman's /var/lib/containers/storage."""
    if is_rootless() if rootless is None else rootless:
        return os.path.join(xdg_data_home(), PODPY, "storage")
    return ROOT_GRAPH_ROOT


def default_run_root(rootless: bool | None = None) -> str:
    if is_rootless() if rootless is None else rootless:
        return os.path.join(xdg_runtime_dir(), PODPY)
    return ROOT_RUN_ROOT
