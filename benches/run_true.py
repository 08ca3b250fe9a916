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
    """The installed console script (as users run it), else `python -m podpy` in a development tree.

    Not the pyenv shim on PATH: that is a bash script that costs more than podpy itself.
    """
    script = os.path.join(os.path.dirname(sys.executable), "podpy")
    if os.path.isfile(script) and not os.environ.get("PYTHONPATH"):
        return [script]
    return [sys.executable, "-m", "podpy"]


def podpy_package_dir() -> str:
    import podpy

    return os.path.dirname(os.path.abspath(podpy.__file__))


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
            os.environ["CONTAINERS_CONF"] = conf
            podman = ["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                      "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
            tar = os.path.join(base, "layer.tar")
            with open(tar, "wb") as f:
                f.write(busybox_layer())
            subprocess.run([*podman, "import", "--change", "CMD sh", tar, "localhost/busybox:latest"],
                           check=True, stdout=subprocess.DEVNULL)
            podman_side = Side("podman", [*podman, "run", "--rm", "--network", "none", "localhost/busybox",
                                          "true"])
        compare("run --rm --network none busybox true", podpy_side, podman_side, rounds=rounds, target=0.5)
        # The same with site processing skipped: shows what the interpreter's own start-up costs on this
        # host (site-packages .pth files run code at every Python start). Informative only.
        import site

        path = os.pathsep.join([os.path.dirname(podpy_package_dir()), *site.getsitepackages()])
        bare = Side("podpy -S", ["env", f"PYTHONPATH={path}", sys.executable, "-S", "-m", "podpy",
                                 "--root", f"{base}/podpy/root", "--runroot", f"{base}/podpy/run",
                                 "run", "--rm", "--network", "none", "localhost/busybox", "true"])
        compare("run --rm --network none busybox true (python -S)", bare, podman_side, rounds=rounds)
    finally:
        if have_podman():
            subprocess.run(["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                            "rm", "-af"], capture_output=True)
            subprocess.run(["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
                            "system", "reset", "-f"], capture_output=True)
        subprocess.run(["umount", "-R", "-l", f"{base}/podman/root/overlay"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
