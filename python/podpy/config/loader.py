"""The resolved engine configuration: containers.conf and storage.conf with the CLI's global flags on top.

Every command pays for this, so it only stats and reads the few files
involved: no subprocess, no probing (that is runtime.probe's job).
"""

from __future__ import annotations

import os

from podpy.config.containers_conf import CGROUP_MANAGERS, ContainersConf, load_containers_conf
from podpy.config.locations import SYSTEM_SCOPE, ConfigScope
from podpy.config.storage_conf import StorageConf, load_storage_conf
from podpy.errors import ConfigError
from podpy.util.record import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.config.registries_conf import RegistriesConf


@record
class GlobalOverrides:
    """The global flags that were given; None means the flag was absent (files decide)."""

    root: str | None = None
    runroot: str | None = None
    storage_driver: str | None = None
    runtime: str | None = None
    cgroup_manager: str | None = None


@record
class EngineConfig:
    containers: ContainersConf
    storage: StorageConf
    overrides: GlobalOverrides = field(default_factory=GlobalOverrides)
    rootless: bool = False

    @property
    def tmp_dir(self) -> str:
        """Podman's engine.tmp_dir (alive file, events): ``<runroot>/libpod`` unless CONTAINERS_CONF sets it.

        Under the runroot, stores made with different --runroot never share events.
        """
        return self.containers.engine.tmp_dir or os.path.join(self.storage.runroot, "libpod")

    @property
    def ignored(self) -> tuple[str, ...]:
        """Keys read from files but not honoured, each with its reason (for debug logs and `info`)."""
        return (*self.containers.ignored, *self.storage.ignored)


def _checked(flags: GlobalOverrides) -> GlobalOverrides:
    if flags.cgroup_manager is not None and flags.cgroup_manager not in CGROUP_MANAGERS:
        raise ConfigError("cgroup manager must be one of cgroupfs and systemd: invalid argument")
    for name, value in (("--root", flags.root), ("--runroot", flags.runroot),
                        ("--storage-driver", flags.storage_driver), ("--runtime", flags.runtime)):
        if value is not None and not value:
            raise ConfigError(f"{name} must not be empty")
    return replace(flags, root=os.path.abspath(flags.root) if flags.root else None,
                   runroot=os.path.abspath(flags.runroot) if flags.runroot else None)


def apply_overrides(cfg: EngineConfig, flags: GlobalOverrides) -> EngineConfig:
    """Flags beat files; flags already applied stay unless ``flags`` sets them again."""
    flags = _checked(flags)
    storage = cfg.storage
    storage = replace(storage, graphroot=flags.root or storage.graphroot,
                      runroot=flags.runroot or storage.runroot, driver=flags.storage_driver or storage.driver)
    engine = cfg.containers.engine
    engine = replace(engine, runtime=flags.runtime or engine.runtime,
                     cgroup_manager=flags.cgroup_manager or engine.cgroup_manager)
    old = cfg.overrides
    merged = GlobalOverrides(root=flags.root or old.root, runroot=flags.runroot or old.runroot,
                             storage_driver=flags.storage_driver or old.storage_driver,
                             runtime=flags.runtime or old.runtime,
                             cgroup_manager=flags.cgroup_manager or old.cgroup_manager)
    return replace(cfg, containers=replace(cfg.containers, engine=engine), storage=storage, overrides=merged)


def load_config(*, root: str | None, runroot: str | None, storage_driver: str | None, runtime: str | None,
                cgroup_manager: str | None, scope: ConfigScope = SYSTEM_SCOPE) -> EngineConfig:
    """containers.conf and storage.conf per Podman 4.x precedence, then the global flags on top."""
    cfg = EngineConfig(containers=load_containers_conf(scope), storage=load_storage_conf(scope),
                       rootless=scope.is_rootless())
    return apply_overrides(cfg, GlobalOverrides(root=root, runroot=runroot, storage_driver=storage_driver,
                                                runtime=runtime, cgroup_manager=cgroup_manager))


def load_registries(scope: ConfigScope = SYSTEM_SCOPE) -> RegistriesConf:
    """registries.conf and its drop-ins; call it only when a pull or search needs them."""
    from podpy.config.registries_conf import load_registries_conf

    return load_registries_conf(scope)
