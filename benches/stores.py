"""Two private stores with the same busybox image, one for podpy and one for podman, for the benches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.support.images import build_busybox_layout, busybox_layer  # noqa: E402

from benches.harness import have_podman  # noqa: E402

PODMAN_CONF = """[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
"""
IMAGE = "localhost/busybox"


def podpy_command() -> list[str]:
    """podpy as users run it: $PODPY_BIN, else the README's install (its own virtual environment,
    linked from /usr/local/bin), else the console script next to this interpreter, else `python -m podpy`
    in a development tree. Never the pyenv shim on PATH: a bash script that costs more than podpy itself.
    """
    explicit = os.environ.get("PODPY_BIN")
    if explicit:
        return [explicit]
    if not os.environ.get("PYTHONPATH"):
        for script in ("/usr/local/bin/podpy", os.path.join(os.path.dirname(sys.executable), "podpy")):
            if os.path.isfile(script):
                return [os.path.realpath(script)]
    return [sys.executable, "-m", "podpy"]


@dataclass
class Stores:
    base: str
    podpy: list[str]
    podman: list[str] | None
    podman_env: dict[str, str] = field(default_factory=dict)

    def run_podpy(self, *args: str) -> str:
        return subprocess.run([*self.podpy, *args], check=True, capture_output=True, text=True).stdout

    def run_podman(self, *args: str) -> str:
        assert self.podman is not None
        return subprocess.run([*self.podman, *args], check=True, capture_output=True, text=True,
                              env={**os.environ, **self.podman_env}).stdout


@contextmanager
def busybox_stores(prefix: str) -> Iterator[Stores]:
    """Both stores with localhost/busybox loaded; everything is removed afterwards."""
    base = tempfile.mkdtemp(prefix=prefix, dir="/var/tmp")
    stores = Stores(base, [*podpy_command(), "--root", f"{base}/podpy/root", "--runroot", f"{base}/podpy/run"],
                    None)
    try:
        layout = os.path.join(base, "busybox")
        build_busybox_layout(layout)
        stores.run_podpy("load", "-i", layout)
        if have_podman():
            conf = os.path.join(base, "containers.conf")
            with open(conf, "w") as f:
                f.write(PODMAN_CONF)
            stores.podman_env = {"CONTAINERS_CONF": conf}
            stores.podman = ["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                             "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
            tar = os.path.join(base, "layer.tar")
            with open(tar, "wb") as f:
                f.write(busybox_layer())
            stores.run_podman("import", "--change", "CMD sh", tar, f"{IMAGE}:latest")
        print(f"podpy: {' '.join(podpy_command())}")
        yield stores
    finally:
        subprocess.run([*stores.podpy, "rm", "-af", "-t", "0"], capture_output=True)
        if stores.podman is not None:
            subprocess.run([*stores.podman, "rm", "-af", "-t", "0"], capture_output=True,
                           env={**os.environ, **stores.podman_env})
            subprocess.run([*stores.podman, "system", "reset", "-f"], capture_output=True,
                           env={**os.environ, **stores.podman_env})
        subprocess.run(["umount", "-R", "-l", f"{base}/podman/root/overlay"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
