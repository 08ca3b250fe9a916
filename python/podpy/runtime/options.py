"""Everything the Runtime needs from configuration, already resolved (the engine factory fills it)."""

from __future__ import annotations

from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.config.loader import EngineConfig


@record
class RuntimeOptions:
    graph_root: str
    run_root: str
    storage_driver: str = "overlay"
    storage_mount_options: str = ""  # storage.conf's overlay mountopt
    runtime_name: str | None = None  # None: let the host probe choose
    cgroup_manager: str | None = None
    default_ulimits: tuple[str, ...] = ()
    log_driver: str = "k8s-file"
    default_env: tuple[str, ...] = ()
    default_capabilities: tuple[str, ...] = ()  # empty: Podman's built-in set
    pids_limit: int = 2048
    init_path: str = "/usr/libexec/podman/catatonit"
    debug: bool = False
    global_args: tuple[str, ...] = field(default_factory=tuple)  # re-passed to exit commands
    config: EngineConfig | None = None
