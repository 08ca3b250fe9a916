"""Bench: `load -i` of docker-archives, podpy against podman, each into a fresh store every round.

- four layers, ~330 MB (issue 3 target ≤ 0.5×);
- one layer of many small files, ~130 MB of headers (stands in for a Debian root filesystem; target ≤ 0.3×).
Layers are made from this machine's own directories; nothing is fetched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.harness import Side, compare, have_podman  # noqa: E402
from benches.stores import PODMAN_CONF, podpy_command  # noqa: E402

FOUR_LAYERS = ("/usr/share/locale", "/usr/share/doc", "/usr/lib/python3", "/etc")
SMALL_FILES = ("/usr/include",)


def _layer(source: str, dest: str) -> tuple[str, int]:
    """An uncompressed layer tar of ``source`` (paths relative to /); its diffID and size."""
    with tarfile.open(dest, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(source, arcname=source.lstrip("/"), recursive=True)
    digest = hashlib.sha256()
    with open(dest, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest(), os.path.getsize(dest)


def docker_archive(sources: tuple[str, ...], tag: str, dest: str, work: str) -> int:
    layers, diff_ids, total = [], [], 0
    for index, source in enumerate(sources):
        path = os.path.join(work, f"layer{index}.tar")
        diff_id, size = _layer(source, path)
        layers.append(path)
        diff_ids.append(diff_id)
        total += size
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                         "config": {"Cmd": ["sh"]}, "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [tag],
                 "Layers": [f"{d.split(':')[1]}/layer.tar" for d in diff_ids]}]
    with tarfile.open(dest, "w") as tar:
        for name, data in ((config_name, config), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, fileobj=_bytes(data))
        for diff_id, path in zip(diff_ids, layers, strict=True):
            tar.add(path, arcname=f"{diff_id.split(':')[1]}/layer.tar")
            os.unlink(path)
    return total


def _bytes(data: bytes) -> object:
    import io

    return io.BytesIO(data)


def _fresh(path: str) -> None:
    subprocess.run(["umount", "-R", "-l", path], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def bench(title: str, sources: tuple[str, ...], base: str, rounds: int, target: float) -> None:
    archive = os.path.join(base, "archive.tar")
    size = docker_archive(sources, "localhost/bench:latest", archive, base)
    print(f"\n{title}: {len(sources)} layer(s), {size / 1e6:.0f} MB uncompressed")
    podpy_store = os.path.join(base, "podpy")
    podpy = Side("podpy", [*podpy_command(), "--root", f"{podpy_store}/root", "--runroot", f"{podpy_store}/run",
                           "load", "-i", archive], before_each=lambda: _fresh(podpy_store))
    podman = None
    if have_podman():
        podman_store = os.path.join(base, "podman")
        podman = Side("podman", ["podman", "--root", f"{podman_store}/root", "--runroot", f"{podman_store}/run",
                                 "load", "-i", archive], before_each=lambda: _fresh(podman_store))
    compare(f"load -i docker-archive ({title})", podpy, podman, rounds=rounds, warmup=0, target=target,
            work_bytes=size)
    os.unlink(archive)


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    base = tempfile.mkdtemp(prefix="podpy-bench-load-", dir="/var/tmp")
    conf = os.path.join(base, "containers.conf")
    with open(conf, "w") as f:
        f.write(PODMAN_CONF)
    os.environ["CONTAINERS_CONF"] = conf
    try:
        bench("four layers", FOUR_LAYERS, base, rounds, 0.5)
        bench("many small files", SMALL_FILES, base, rounds, 0.3)
    finally:
        for store in ("podpy", "podman"):
            subprocess.run(["umount", "-R", "-l", os.path.join(base, store)], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
