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
from benches.stores import PODMAN_CONF, podpy_command  # noqa: E402

FOUR_LAYERS = ("/usr/share/locale", "/usr/share/doc", "/usr/lib/python3", "/etc")


def docker_archive(sources: tuple[str, ...], tag: str, dest: str) -> int:
    """A docker-archive with one uncompressed layer per source directory; the layers' total size."""
    import hashlib
    import io
    import json
    import tarfile

    diff_ids, total = [], 0
    with tarfile.open(dest, "w") as archive:
        for source in sources:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as layer:
                layer.add(source, arcname=source.lstrip("/"), recursive=True)
            data = buf.getvalue()
            diff_ids.append(hashlib.sha256(data).hexdigest())
            total += len(data)
            info = tarfile.TarInfo(f"{diff_ids[-1]}.tar")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                             "config": {"Cmd": ["sh"]},
                             "rootfs": {"type": "layers", "diff_ids": [f"sha256:{d}" for d in diff_ids]}}).encode()
        config_name = hashlib.sha256(config).hexdigest() + ".json"
        manifest = json.dumps([{"Config": config_name, "RepoTags": [tag],
                                "Layers": [f"{d}.tar" for d in diff_ids]}]).encode()
        for name, data in ((config_name, config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return total


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
        size = docker_archive(FOUR_LAYERS, "localhost/bench:latest", archive)
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
