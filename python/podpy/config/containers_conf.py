"""containers.conf: the fields podpy uses, Podman 4.3's built-in defaults, and the merge of several files.

Files are applied in order and a key set in a later file replaces the
earlier value (lists are replaced, not appended); ``[engine.runtimes]``
is merged per runtime name.  Unknown keys are ignored, as Podman does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from podpy.config.locations import ConfigScope, containers_conf_files
from podpy.config.toml_files import TomlTable, read_toml
from podpy.util.record import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_ENV = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm")
DEFAULT_CAPABILITIES = ("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
                        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")


def _bin_paths(name: str, *extra: str) -> tuple[str, ...]:
    return (f"/usr/bin/{name}", f"/usr/sbin/{name}", f"/usr/local/bin/{name}", f"/usr/local/sbin/{name}",
            f"/sbin/{name}", f"/bin/{name}", *extra)


DEFAULT_RUNTIMES: Mapping[str, tuple[str, ...]] = {
    "crun": _bin_paths("crun", "/run/current-system/sw/bin/crun"),
    "runc": _bin_paths("runc", "/usr/lib/cri-o-runc/sbin/runc"),
    "runsc": _bin_paths("runsc", "/run/current-system/sw/bin/runsc"),
    "kata": (*_bin_paths("kata-runtime"), "/usr/bin/kata-qemu", "/usr/bin/kata-fc"),
    "krun": ("/usr/bin/krun", "/usr/local/bin/krun"),
}
CGROUP_MANAGERS = ("cgroupfs", "systemd")
EVENTS_LOGGERS = ("file", "journald", "none")
_ULIMIT = r"^[a-z_]+=(-?\d+|unlimited)(:(-?\d+|unlimited))?$"
_UMASK = r"^[0-7]{1,4}$"


@record
class ContainersSection:
    """``[containers]``: defaults for every container."""

    default_ulimits: tuple[str, ...] = ()  # empty: the engine applies Podman's nofile/nproc defaults
    env: tuple[str, ...] = DEFAULT_ENV
    default_capabilities: tuple[str, ...] = DEFAULT_CAPABILITIES
    pids_limit: int = 2048
    log_driver: str = "k8s-file"
    log_size_max: int = -1
    init_path: str = "/usr/libexec/podman/catatonit"
    tz: str = ""
    umask: str = "0022"
    netns: str = "private"  # --network when not given: private is the default network for root (Podman's)


@record
class EngineSection:
    """``[engine]``.  ``runtime``/``cgroup_manager`` stay None unless a file or flag sets them."""

    runtime: str | None = None
    runtimes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_RUNTIMES))
    cgroup_manager: str | None = None
    events_logger: str = "file"
    tmp_dir: str = ""  # "": EngineConfig.tmp_dir puts it under the runroot
    image_default_transport: str = "docker://"
    detach_keys: str = "ctrl-p,ctrl-q"

    def runtime_paths(self, name: str) -> tuple[str, ...]:
        return self.runtimes.get(name, ())


@record
class NetworkSection:
    """``[network]``."""

    default_network: str = "podman"
    default_subnet: str = ""
    network_backend: str = ""


@record
class ContainersConf:
    containers: ContainersSection = field(default_factory=ContainersSection)
    engine: EngineSection = field(default_factory=EngineSection)
    network: NetworkSection = field(default_factory=NetworkSection)
    files: tuple[str, ...] = ()  # the files read, in order
    ignored: tuple[str, ...] = ()  # keys read but deliberately not honoured, with the reason


Getter = Callable[[TomlTable, str], object]
_CONTAINERS_KEYS: dict[str, Getter] = {
    "default_ulimits": TomlTable.str_list, "env": TomlTable.str_list,
    "default_capabilities": TomlTable.str_list, "pids_limit": TomlTable.get_int,
    "log_driver": TomlTable.get_str, "log_size_max": TomlTable.get_int, "init_path": TomlTable.get_str,
    "tz": TomlTable.get_str, "umask": TomlTable.get_str, "netns": TomlTable.get_str,
}
_ENGINE_KEYS: dict[str, Getter] = {
    "runtime": TomlTable.get_str, "cgroup_manager": TomlTable.get_str, "events_logger": TomlTable.get_str,
    "tmp_dir": TomlTable.get_str, "image_default_transport": TomlTable.get_str, "detach_keys": TomlTable.get_str,
}
_NETWORK_KEYS: dict[str, Getter] = {
    "default_network": TomlTable.get_str, "default_subnet": TomlTable.get_str, "network_backend": TomlTable.get_str,
}


def _present(table: TomlTable | None, keys: dict[str, Getter]) -> dict[str, Any]:
    """The keys this file sets, type-checked (so the Any values are of the dataclass field types)."""
    if table is None:
        return {}
    return {key: getter(table, key) for key, getter in keys.items() if key in table}


def _check_containers(table: TomlTable, values: dict[str, Any]) -> None:
    umask = values.get("umask")
    if not values.get("default_ulimits") and not isinstance(umask, str):
        return
    import re

    for ulimit in values.get("default_ulimits") or ():
        if not re.match(_ULIMIT, ulimit, re.IGNORECASE):
            raise table.error("default_ulimits", f"invalid ulimit {ulimit!r}: want \"name=soft[:hard]\"")
    if isinstance(umask, str) and not re.match(_UMASK, umask):
        raise table.error("umask", f"invalid umask {umask!r}: want an octal number such as \"0022\"")


def _check_engine(table: TomlTable, values: dict[str, Any]) -> None:
    manager = values.get("cgroup_manager")
    if manager is not None and manager not in CGROUP_MANAGERS:
        raise table.error("cgroup_manager",
                          f"cgroup manager must be one of cgroupfs and systemd, got {manager!r}")
    logger = values.get("events_logger")
    if logger is not None and logger not in EVENTS_LOGGERS:
        raise table.error("events_logger", f"invalid events logger {logger!r}: want file, journald or none")
    if values.get("runtime") == "":
        del values["runtime"]


def apply_file(conf: ContainersConf, doc: TomlTable, *, explicit: bool) -> ContainersConf:
    """Overlay one parsed file on ``conf``; every value is type-checked against this file first."""
    ignored = list(conf.ignored)
    containers_t = doc.table("containers")
    engine_t = doc.table("engine")
    containers = _present(containers_t, _CONTAINERS_KEYS)
    if containers_t is not None:
        _check_containers(containers_t, containers)
    engine = _present(engine_t, _ENGINE_KEYS)
    runtimes = dict(conf.engine.runtimes)
    if engine_t is not None:
        _check_engine(engine_t, engine)
        if "tmp_dir" in engine and not explicit:
            ignored.append(f"{doc.path}: engine.tmp_dir ignored: it names Podman's own directory; "
                           f"podpy honours it only from a file named by CONTAINERS_CONF")
            del engine["tmp_dir"]
        runtimes_t = engine_t.table("runtimes")
        if runtimes_t is not None:
            for name in runtimes_t:
                paths = runtimes_t.str_list(name)
                assert paths is not None
                runtimes[name] = paths
    network = _present(doc.table("network"), _NETWORK_KEYS)
    return ContainersConf(
        containers=replace(conf.containers, **containers),
        engine=replace(conf.engine, runtimes=runtimes, **engine),
        network=replace(conf.network, **network),
        files=(*conf.files, doc.path),
        ignored=tuple(ignored),
    )


def load_containers_conf(scope: ConfigScope) -> ContainersConf:
    """Merge the containers.conf files of ``scope`` over the built-in defaults.

    ``engine.tmp_dir`` holds Podman's alive file and events log, so as with
    storage.conf's graphroot, podpy honours it only from a file the user
    named with CONTAINERS_CONF; otherwise EngineConfig.tmp_dir puts it under the runroot.
    """
    located = containers_conf_files(scope)
    conf = ContainersConf()
    for path in located.files:
        doc = read_toml(path, required=located.explicit)
        if doc is not None:
            conf = apply_file(conf, doc, explicit=located.explicit)
    return conf
