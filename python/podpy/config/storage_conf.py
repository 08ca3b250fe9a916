"""storage.conf: driver and options from Podman's files, store locations of podpy's own.

Path rule: podpy keeps its own store (``/var/lib/podpy/storage`` and
``/run/podpy`` for root; ``$XDG_DATA_HOME/podpy/storage`` and
``$XDG_RUNTIME_DIR/podpy`` rootless).  The system and user storage.conf
files point graphroot/runroot/rootless_storage_path at Podman's own store,
which podpy must never write into, so those three keys are honoured ONLY
from a file named by ``CONTAINERS_STORAGE_CONF``; from any other file they
are ignored (and listed in ``ignored``).  The driver and the options are
honoured from whichever file is read.
"""

from __future__ import annotations

import os

from podpy.config.locations import ConfigScope, storage_conf_file
from podpy.config.toml_files import TomlTable, read_toml
from podpy.util import paths
from podpy.util.record import field, record

DEFAULT_DRIVER = "overlay"
_DRIVER_ALIASES = {"overlay2": "overlay"}


@record
class OverlayOptions:
    """``[storage.options.overlay]``."""

    mountopt: str = ""
    mount_program: str = ""
    force_mask: str = ""


@record
class StorageConf:
    driver: str = DEFAULT_DRIVER
    graphroot: str = ""
    runroot: str = ""
    additional_image_stores: tuple[str, ...] = ()
    overlay: OverlayOptions = field(default_factory=OverlayOptions)
    file: str | None = None  # the storage.conf read, if any
    ignored: tuple[str, ...] = ()  # keys read but not honoured, with the reason


def _driver(name: str | None) -> str:
    """An unset or empty driver means containers/storage's first choice, overlay."""
    name = name or DEFAULT_DRIVER
    return _DRIVER_ALIASES.get(name, name)


def _expand_rootless_path(path: str) -> str:
    """containers/storage expands $HOME, $UID and $USER in rootless_storage_path."""
    import pwd

    uid = os.getuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = str(uid)
    for name, value in (("$HOME", paths.home_dir()), ("$UID", str(uid)), ("$USER", user)):
        path = path.replace(name, value)
    return path


def _absolute(table: TomlTable, key: str) -> str | None:
    value = table.get_str(key)
    if value is not None and value and not os.path.isabs(value):
        raise table.error(key, f"{value!r} is not an absolute path")
    return value or None


def _options(storage: TomlTable) -> tuple[tuple[str, ...], OverlayOptions]:
    options = storage.table("options")
    if options is None:
        return (), OverlayOptions()
    stores = options.str_list("additionalimagestores") or ()
    overlay = options.table("overlay")
    values: dict[str, str] = {}
    for key in ("mountopt", "mount_program", "force_mask"):
        value = overlay.get_str(key) if overlay is not None else None
        if value is None:
            value = options.get_str(key)  # the pre-4.x place of these keys
        if value is not None:
            values[key] = value
    return stores, OverlayOptions(**values)


def load_storage_conf(scope: ConfigScope) -> StorageConf:
    """Read the one storage.conf that applies and resolve podpy's store locations (see the module doc)."""
    rootless = scope.is_rootless()
    graphroot = paths.default_graph_root(rootless)
    runroot = paths.default_run_root(rootless)
    env_driver = os.environ.get("STORAGE_DRIVER") or None
    located = storage_conf_file(scope)
    if not located.files:
        return StorageConf(driver=_driver(env_driver), graphroot=graphroot, runroot=runroot)
    path = located.files[0]
    doc = read_toml(path, required=located.explicit)
    storage = doc.table("storage") if doc is not None else None
    if storage is None:
        return StorageConf(driver=_driver(env_driver), graphroot=graphroot, runroot=runroot,
                           file=path if doc is not None else None)
    file_driver = storage.get_str("driver")
    driver = _driver(env_driver or file_driver)
    stores, overlay = _options(storage)
    ignored: list[str] = []
    roots = {key: _absolute(storage, key) for key in ("graphroot", "runroot")}
    rootless_path = storage.get_str("rootless_storage_path")
    if located.explicit:
        if rootless and rootless_path:
            graphroot = _expand_rootless_path(rootless_path)
        elif roots["graphroot"]:
            graphroot = roots["graphroot"]
        runroot = roots["runroot"] or runroot
    else:
        for key, value in (*roots.items(), ("rootless_storage_path", rootless_path)):
            if value:
                ignored.append(f"{path}: storage.{key} ignored: podpy never uses Podman's store; "
                               f"name a storage.conf with CONTAINERS_STORAGE_CONF to move podpy's")
    return StorageConf(driver=driver, graphroot=graphroot, runroot=runroot,
                       additional_image_stores=stores, overlay=overlay, file=path, ignored=tuple(ignored))
