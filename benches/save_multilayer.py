"""Bench: `save -o` of a four-layer image (~330 MB) as a docker-archive, podpy against podman.

The same archive is loaded into both stores once; each round then saves it to a new file.
podpy rebuilds every layer from its tar-split record straight into the archive; podman
reassembles it from its own tar-split and copies it through a temp directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.harness import Side, compare, have_podman  # noqa: E402
from benches.load_archive import FOUR_LAYERS, docker_archive  # noqa: E402
from benches.stores import PODMAN_CONF, podpy_command  # noqa: E402


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    base = tempfile.mkdtemp(prefix="podpy-bench-save-", dir="/var/tmp")
    conf = os.path.join(base, "containers.conf")
    with open(conf, "w") as f:
        f.write(PODMAN_CONF)
    os.environ["CONTAINERS_CONF"] = conf
    archive = os.path.join(base, "archive.tar")
    out = os.path.join(base, "out.tar")
    try:
        size = docker_archive(FOUR_LAYERS, "localhost/bench:latest", archive, base)
        print(f"four layers, {size / 1e6:.0f} MB uncompressed")
        podpy_base = [*podpy_command(), "--root", f"{base}/podpy/root", "--runroot", f"{base}/podpy/run"]
        subprocess.run([*podpy_base, "load", "-i", archive], check=True, capture_output=True)
        podpy = Side("podpy", [*podpy_base, "save", "-o", out, "localhost/bench:latest"],
                     before_each=lambda: os.path.exists(out) and os.unlink(out))
        podman = None
        if have_podman():
            podman_base = ["podman", "--root", f"{base}/podman/root", "--runroot", f"{base}/podman/run"]
            subprocess.run([*podman_base, "load", "-i", archive], check=True, capture_output=True)
            podman = Side("podman", [*podman_base, "save", "-q", "-o", out, "localhost/bench:latest"],
                          before_each=lambda: os.path.exists(out) and os.unlink(out))
        os.unlink(archive)
        compare("save -o docker-archive (four layers)", podpy, podman, rounds=rounds, warmup=1, work_bytes=size)
    finally:
        for store in ("podpy", "podman"):
            subprocess.run(["umount", "-R", "-l", os.path.join(base, store)], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
