"""Bench: `run --rm --network none <busybox> true`, podpy against podman (target: ≤ 0.5×)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.support.images import build_busybox_layout, busybox_layer  # noqa: E402

from benches.harness import Side, compare, have_podman  # noqa: E402

PODMAN_CONF = """[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
"""


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


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    base = tempfile.mkdtemp(prefix="podpy-bench-", dir="/var/tmp")
    try:
        layout = os.path.join(base, "busybox")
        build_busybox_layout(layout)
        podpy = [*podpy_command(), "--root", f"{base}/podpy/root", "--runroot", f"{base}/podpy/run"]
        subprocess.run([*podpy, "load", "-i", layout], check=True, stdout=subprocess.DEVNULL)
        podpy_side = Side("podpy", [*podpy, "run", "--rm", "--network", "none", "localhost/busybox", "true"])
        podman_side = None
        if have_podman():
            conf = os.path.join(base, "containers.conf")
            with open(conf, "w") as f:
                f.write(PODMAN_CONF)
            podman_env = {"CONTAINERS_CONF": conf}
            podman = ["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                      "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
            tar = os.path.join(base, "layer.tar")
            with open(tar, "wb") as f:
                f.write(busybox_layer())
            subprocess.run([*podman, "import", "--change", "CMD sh", tar, "localhost/busybox:latest"],
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, **podman_env})
            podman_side = Side("podman", [*podman, "run", "--rm", "--network", "none", "localhost/busybox",
                                          "true"], env=podman_env)
        print(f"podpy: {' '.join(podpy_command())}")
        compare("run --rm --network none busybox true", podpy_side, podman_side, rounds=rounds, target=0.5)
    finally:
        if have_podman():
            subprocess.run(["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                            "rm", "-af"], capture_output=True, env={**os.environ, "CONTAINERS_CONF": conf})
            subprocess.run(["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                            "system", "reset", "-f"], capture_output=True)
        subprocess.run(["umount", "-R", "-l", f"{base}/podman/root/overlay"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
