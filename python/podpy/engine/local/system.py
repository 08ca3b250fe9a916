"""`info`: the host probe, the store and the registries, in Podman's shape."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine


class SystemEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def info(self) -> dict[str, Any]:
        from podpy.engine.local.info import build_info

        return build_info(self.engine.runtime)

    def reset(self) -> list[str]:
        """`system reset`: every pod, container, image, volume, secret and network of this store, then the
        graph root and run root themselves. Bind-mounted host directories are never touched (containers
        are removed, and so unmounted, before any directory is deleted). The errors met, one line each."""
        import os

        from podpy.engine.entities import RmOptions
        from podpy.errors import PodpyError
        from podpy.util.fs import remove_tree

        engine = self.engine
        rt = engine.runtime
        errors = [r.error for r in engine.containers.remove([], RmOptions(force=True, all=True, timeout=0,
                                                                           volumes=True)) if r.error]
        for name in (c.id for c in rt.state.list_containers()):  # anything a first pass could not take
            errors += [r.error for r in engine.containers.remove([name], RmOptions(force=True, timeout=0))
                       if r.error]
        errors += [r.error for r in engine.images.remove([], force=True, all_images=True) if r.error]
        errors += [r.error for r in engine.volumes.remove([], force=True, all_volumes=True) if r.error]
        errors += [r.error for r in engine.secrets.remove([], all_secrets=True) if r.error]
        others = [str(n["name"]) for n in engine.networks.list_networks() if n.get("name") != "podman"]
        errors += [r.error for r in engine.networks.remove(others, force=True) if r.error]
        if errors:
            return errors  # keep the store: what is left is still described by its database
        graph_root, run_root = rt.store_paths.graph_root, rt.store_paths.run_root
        busy = _mounts_below((graph_root, run_root))
        if busy:  # never delete through a mount: it could be a host directory
            return [f"{path} is still mounted: not removing the store" for path in busy]
        engine.close()
        try:
            for root in (graph_root, run_root):
                if os.path.isdir(root):
                    remove_tree(root)
        except (OSError, PodpyError) as e:
            return [f"removing {e}"]
        return []


def _mounts_below(roots: tuple[str, ...]) -> list[str]:
    """Mount points at or under any of ``roots``."""
    import os

    from podpy.runtime.probe import parse_mountinfo

    prefixes = [os.path.realpath(r).rstrip("/") + "/" for r in roots]
    with open("/proc/self/mountinfo") as f:
        mounts = parse_mountinfo(f.read())
    return [m.mount_point for m in mounts if any((m.mount_point + "/").startswith(p) for p in prefixes)]
