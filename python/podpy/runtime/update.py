"""`update`: change a container's cgroup limits, live through the runtime when it runs, and keep them."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

from podpy.errors import RuntimeStartError
from podpy.runtime.container import locked
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import sync
from podpy.specgen.resources import ResourceSpec, cgroup_resources
from podpy.state.records import Container
from podpy.util.record import asdict, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def update_resources(rt: Runtime, name_or_id: str, changes: dict[str, Any]) -> Container:
    """Merge ``changes`` (ResourceSpec fields) into the container's limits; apply them if it runs."""
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id) or ctr
        current = sync(rt, current)
        merged = ResourceSpec(**{**current.config.resources, **changes})
        merged.validate()
        if current.state.status.is_active():
            _apply(rt, current.id, cgroup_resources(merged, default_pids_limit=rt.opts.pids_limit))
        config = replace(current.config, resources=asdict(merged))
        rt.state.update_config(current.id, config)
        return Container(config, current.state)


def _apply(rt: Runtime, container_id: str, resources: dict[str, Any]) -> None:
    """`runtime update --resources FILE`: the runtime writes the cgroup files (v1, v2 or hybrid)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=rt.run_paths.container_dir(container_id),
                                     delete=False) as f:
        json.dump(resources, f)
        path = f.name
    try:
        proc = subprocess.run([rt.host.runtime_path, "--root", rt.run_paths.runtime_root, "update", "--resources",
                               path, container_id], capture_output=True, text=True)
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        name = os.path.basename(rt.host.runtime_path)
        message = (proc.stderr or proc.stdout).strip().splitlines()
        raise RuntimeStartError(f"{name} update: {message[-1] if message else f'exit status {proc.returncode}'}")
