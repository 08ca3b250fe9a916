"""LocalEngine: resolves configuration once and opens the Runtime lazily."""

from __future__ import annotations

from podpy.runtime.options import RuntimeOptions
from podpy.util.cached import cached_property

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import EngineOptions
    from podpy.engine.local.containers import ContainersEngine
    from podpy.engine.local.images import ImagesEngine
    from podpy.engine.local.manifests import ManifestsEngine
    from podpy.engine.local.networks import NetworksEngine
    from podpy.engine.local.pods import PodsEngine
    from podpy.engine.local.secrets import SecretsEngine
    from podpy.engine.local.system import SystemEngine
    from podpy.engine.local.volumes import VolumesEngine
    from podpy.runtime.runtime import Runtime


def runtime_options(opts: EngineOptions) -> RuntimeOptions:
    from podpy.config.loader import load_config

    cfg = load_config(root=opts.root, runroot=opts.runroot, storage_driver=opts.storage_driver,
                      runtime=opts.runtime, cgroup_manager=opts.cgroup_manager)
    global_args: list[str] = ["--root", cfg.storage.graphroot, "--runroot", cfg.storage.runroot,
                              "--storage-driver", cfg.storage.driver]
    if opts.runtime:
        global_args += ["--runtime", opts.runtime]
    if opts.cgroup_manager:
        global_args += ["--cgroup-manager", opts.cgroup_manager]
    if opts.log_level != "warn":
        global_args += ["--log-level", opts.log_level]
    return RuntimeOptions(
        graph_root=cfg.storage.graphroot, run_root=cfg.storage.runroot, storage_driver=cfg.storage.driver,
        storage_mount_options=cfg.storage.overlay.mountopt,
        runtime_name=opts.runtime, cgroup_manager=opts.cgroup_manager,
        default_ulimits=tuple(cfg.containers.containers.default_ulimits),
        log_driver=cfg.containers.containers.log_driver or "k8s-file",
        default_env=tuple(cfg.containers.containers.env), debug=opts.log_level in ("debug", "trace"),
        default_capabilities=tuple(cfg.containers.containers.default_capabilities),
        pids_limit=cfg.containers.containers.pids_limit, init_path=cfg.containers.containers.init_path,
        global_args=tuple(global_args), config=cfg,
    )


class LocalEngine:
    def __init__(self, opts: EngineOptions) -> None:
        self.opts = opts

    @cached_property
    def runtime(self) -> Runtime:
        from podpy.runtime.runtime import Runtime

        return Runtime(runtime_options(self.opts))

    @cached_property
    def containers(self) -> ContainersEngine:
        from podpy.engine.local.containers import ContainersEngine

        return ContainersEngine(self)

    @cached_property
    def images(self) -> ImagesEngine:
        from podpy.engine.local.images import ImagesEngine

        return ImagesEngine(self)

    @cached_property
    def system(self) -> SystemEngine:
        from podpy.engine.local.system import SystemEngine

        return SystemEngine(self)

    @cached_property
    def networks(self) -> NetworksEngine:
        from podpy.engine.local.networks import NetworksEngine

        return NetworksEngine(self)

    @cached_property
    def volumes(self) -> VolumesEngine:
        from podpy.engine.local.volumes import VolumesEngine

        return VolumesEngine(self)

    @cached_property
    def secrets(self) -> SecretsEngine:
        from podpy.engine.local.secrets import SecretsEngine

        return SecretsEngine(self)

    @cached_property
    def manifests(self) -> ManifestsEngine:
        from podpy.engine.local.manifests import ManifestsEngine

        return ManifestsEngine(self)

    @cached_property
    def pods(self) -> PodsEngine:
        from podpy.engine.local.pods import PodsEngine

        return PodsEngine(self)

    def close(self) -> None:
        if "runtime" in self.__dict__:
            self.runtime.close()

