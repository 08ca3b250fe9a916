"""Bench: `push` to a registry on loopback (Debian's docker-registry), podpy against podman.

The same image (layers built from this machine's own directories) is loaded from an OCI layout
into a podpy store and a podman store; each round pushes it to an empty registry (its storage is
wiped, untimed, before every push), so every layer is compressed and uploaded. A re-push to a
registry that already holds every blob is timed too. Nothing leaves 127.0.0.1.

    PYTHONPATH=python python3 benches/push.py     # BENCH_ROUNDS=3; BENCH_SETS=multi,small,repush,zstd
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.support.images import _arch  # noqa: E402
from tests.support.registry import HAVE_REGISTRY, Registry, write_layout  # noqa: E402

from benches.harness import Side, compare, have_podman  # noqa: E402
from benches.pull import MULTI, SMALL_FILES, _layer  # noqa: E402
from benches.stores import PODMAN_CONF, podpy_command  # noqa: E402

NAME = "localhost/bench/push:latest"


def _wipe(reg: Registry) -> None:
    shutil.rmtree(reg.data, ignore_errors=True)


def _stores(base: str, layout: str) -> tuple[list[str], list[str] | None]:
    podpy = [*podpy_command(), "--root", f"{base}/podpy/root", "--runroot", f"{base}/podpy/run"]
    loaded = subprocess.run([*podpy, "load", "-i", layout], check=True, capture_output=True, text=True).stdout
    subprocess.run([*podpy, "tag", loaded.split()[-1], NAME], check=True, capture_output=True)
    if not have_podman():
        return podpy, None
    podman = ["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run",
              "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
    got = subprocess.run([*podman, "pull", "-q", f"oci:{layout}:latest"], capture_output=True, text=True)
    if got.returncode:
        raise RuntimeError(f"podman pull: {got.stderr}")
    image_id = subprocess.run([*podman, "images", "-q", "--no-trunc"], check=True, capture_output=True,
                              text=True).stdout.split()[0]
    subprocess.run([*podman, "tag", image_id, NAME], check=True, capture_output=True)
    return podpy, podman


def bench(title: str, sources: tuple[str, ...], reg: Registry, base: str, rounds: int, repush: bool,
          flags: tuple[str, ...] = ()) -> None:
    layers = [_layer(s) for s in sources]
    raw = sum(len(layer) for layer in layers)
    layout = f"/var/tmp/podpy-bench-push-layout-{os.getpid()}"  # podman names the image after this path
    shutil.rmtree(layout, ignore_errors=True)
    write_layout(layout, [({"architecture": _arch(), "os": "linux"}, layers, {})], tag="latest")
    stores = os.path.join(base, "".join(word[0] for word in title.split()))  # podman wants a short runroot
    podpy_argv, podman_argv = _stores(stores, layout)
    shutil.rmtree(layout, ignore_errors=True)
    print(f"\n{title}: {len(sources)} layer(s), {raw / 1e6:.0f} MB uncompressed")
    push = ["push", "-q", "--tls-verify=false", *flags, NAME, f"{reg.host}/bench/push:latest"]
    podpy = Side("podpy", [*podpy_argv, *push], before_each=lambda: _wipe(reg))
    podman = Side("podman", [*podman_argv, *push], before_each=lambda: _wipe(reg)) if podman_argv else None
    compare(f"cold push ({title}), uncompressed MB/s", podpy, podman, rounds=rounds, warmup=0, work_bytes=raw)
    if repush:
        podpy = Side("podpy", [*podpy_argv, *push])
        podman = Side("podman", [*podman_argv, *push]) if podman_argv else None
        compare(f"re-push, every blob present ({title})", podpy, podman, rounds=max(rounds, 5), warmup=1)


def main() -> None:
    if not HAVE_REGISTRY:
        print("docker-registry or skopeo missing: nothing to bench")
        return
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    sets = set(os.environ.get("BENCH_SETS", "multi,small,repush,zstd").split(","))
    base = tempfile.mkdtemp(prefix="podpy-bench-push-", dir="/var/tmp")
    conf = os.path.join(base, "containers.conf")
    with open(conf, "w") as f:
        f.write(PODMAN_CONF)
    os.environ["CONTAINERS_CONF"] = conf
    reg = Registry()
    try:
        if "multi" in sets:
            bench("five layers", MULTI, reg, base, rounds, "repush" in sets)
        if "small" in sets:
            bench("many small files", SMALL_FILES, reg, base, rounds, False)
        if "zstd" in sets:
            bench("five layers zstd", MULTI, reg, base, rounds, False, ("--compression-format", "zstd"))
    finally:
        reg.stop()
        for side in ("podpy", "podman"):
            for sub in os.listdir(base):
                store = os.path.join(base, sub, side)
                if os.path.isdir(store):
                    subprocess.run(["podman" if side == "podman" else "true", "--root", f"{store}/root",
                                    "--runroot", f"{store}/run", "system", "reset", "-f"], capture_output=True)
                    subprocess.run(["umount", "-R", "-l", store], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
