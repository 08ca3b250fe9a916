"""Which config files are read, in which order: Podman 4.x precedence in one place."""

from __future__ import annotations

import os

from podpy.config.toml_files import conf_dir_files
from podpy.util import paths
from podpy.util.record import record

CONTAINERS_CONF_ENV = "CONTAINERS_CONF"
STORAGE_CONF_ENV = "CONTAINERS_STORAGE_CONF"
REGISTRIES_CONF_ENV = "CONTAINERS_REGISTRIES_CONF"


@record
class ConfigScope:
    """Where the system files live and whose user files count; tests point it at temp directories."""

    usr: str = "/usr/share/containers"
    etc: str = "/etc/containers"
    rootless: bool | None = None  # None: detect from the effective uid

    def is_rootless(self) -> bool:
        return paths.is_rootless() if self.rootless is None else self.rootless

    def user_dir(self) -> str:
        return os.path.join(paths.xdg_config_home(), "containers")


SYSTEM_SCOPE = ConfigScope()


def _env_path(name: str) -> str | None:
    return os.environ.get(name) or None


@record
class FileList:
    """Files to read in order (later ones override); ``explicit`` when an environment variable named them."""

    files: tuple[str, ...]
    explicit: bool = False


def containers_conf_files(scope: ConfigScope) -> FileList:
    explicit = _env_path(CONTAINERS_CONF_ENV)
    if explicit:
        return FileList((explicit,), explicit=True)
    files = [os.path.join(scope.usr, "containers.conf"), os.path.join(scope.etc, "containers.conf")]
    files += conf_dir_files(os.path.join(scope.etc, "containers.conf.d"))
    if scope.is_rootless():
        user = scope.user_dir()
        files.append(os.path.join(user, "containers.conf"))
        files += conf_dir_files(os.path.join(user, "containers.conf.d"))
    return FileList(tuple(files))


def storage_conf_file(scope: ConfigScope) -> FileList:
    """The first storage.conf found: storage.conf files are never merged."""
    explicit = _env_path(STORAGE_CONF_ENV)
    if explicit:
        return FileList((explicit,), explicit=True)
    candidates = [os.path.join(scope.etc, "storage.conf"), os.path.join(scope.usr, "storage.conf")]
    if scope.is_rootless():
        candidates.insert(0, os.path.join(scope.user_dir(), "storage.conf"))
    for path in candidates:
        if os.path.exists(path):
            return FileList((path,))
    return FileList(())


def registries_conf_files(scope: ConfigScope) -> FileList:
    """The main registries.conf, then drop-ins: the system directory, the one beside the file, the user's."""
    explicit = _env_path(REGISTRIES_CONF_ENV)
    rootless = scope.is_rootless()
    user_file = os.path.join(scope.user_dir(), "registries.conf")
    if explicit:
        main = explicit
    elif rootless and os.path.exists(user_file):
        main = user_file
    else:
        main = os.path.join(scope.etc, "registries.conf")
    dirs = [os.path.join(scope.etc, "registries.conf.d"),
            os.path.join(os.path.dirname(main), "registries.conf.d")]
    if rootless:
        dirs.append(os.path.join(scope.user_dir(), "registries.conf.d"))
    files = [main]
    seen: set[str] = set()
    for directory in dirs:
        key = os.path.normpath(directory)
        if key not in seen:
            seen.add(key)
            files += conf_dir_files(directory)
    return FileList(tuple(files), explicit=explicit is not None)
