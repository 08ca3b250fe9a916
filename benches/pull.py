"""Bench: `pull` from a registry on loopback (Debian's docker-registry), podpy against podman.

Images are built from this machine's own directories (gzip layers), pushed with skopeo,
and pulled into a fresh store every round by each side (podman with --tls-verify=false,
its own --root/--runroot and CONTAINERS_CONF); a re-pull of an image already present is
timed too. The "zstd" set is the five layers again, zstd-compressed. Cold pulls are also set
against floors timed in the same rounds: `transfer` (skopeo copy to dir:, no unpacking),
`decomp` (zcat or zstd -dc of the layers to /dev/null, one core, one layer after the other)
and `untar` (zcat | tar -x of each layer into a fresh directory). Nothing leaves 127.0.0.1.

    python3 benches/pull.py            # BENCH_ROUNDS=3 by default; BENCH_SETS=multi,small,repull,zstd
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.support.images import _arch  # noqa: E402
from tests.support.registry import HAVE_REGISTRY, SKOPEO, Registry, write_layout  # noqa: E402

from benches.harness import Side, compare, have_podman  # noqa: E402
from benches.stores import PODMAN_CONF, podpy_command  # noqa: E402

MULTI = ("/usr/share/locale", "/usr/share/doc", "/usr/share/man", "/usr/lib/python3", "/usr/share/perl")
SMALL_FILES = ("/usr/include",)


def _layer(source: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(source, arcname=source.lstrip("/"), recursive=True)
    return buf.getvalue()


def _fresh(path: str) -> None:
    """An empty directory at ``path``; the old one is moved aside, not deleted, until the bench ends.

    The root filesystem here is ext4 without a journal, which skips inodes deleted in the last
    minute or more when it allocates: creating 35k files right after deleting the last round's
    35k cost several times as much, and varied from round to round, for every side.
    """
    subprocess.run(["umount", "-R", "-l", path], capture_output=True)
    if os.path.exists(path):
        trash = os.path.join(os.path.dirname(path), "trash")
        os.makedirs(trash, exist_ok=True)
        os.rename(path, os.path.join(trash, f"{os.path.basename(path)}-{len(os.listdir(trash))}"))
    os.makedirs(path)


def _sides(base: str, ref: str, *, fresh: bool) -> tuple[Side, Side | None]:
    podpy_store = os.path.join(base, "podpy")
    podpy = Side("podpy", [*podpy_command(), "--root", f"{podpy_store}/root", "--runroot", f"{podpy_store}/run",
                           "pull", "-q", "--tls-verify=false", ref],
                 before_each=(lambda: _fresh(podpy_store)) if fresh else None)
    podman = None
    if have_podman():
        podman_store = os.path.join(base, "podman")
        podman = Side("podman", ["podman", "--root", f"{podman_store}/root", "--runroot", f"{podman_store}/run",
                                 "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                                 "pull", "-q", "--tls-verify=false", ref],
                      before_each=(lambda: _fresh(podman_store)) if fresh else None)
    return podpy, podman


def _floors(base: str, reg: Registry, ref: str, blobs: list[str], compression: str) -> list[Side]:
    """Parts of a pull done by standard tools: transfer only, decompression only, plain unpacking."""
    copied = os.path.join(base, "skopeo-dir")
    unpacked = os.path.join(base, "untar")
    cat = "zstd -dcq" if compression == "zstd" else "zcat"
    files = " ".join(blobs)
    return [
        Side("transfer", [SKOPEO, "copy", "-q", "--src-tls-verify=false", f"docker://{ref}", f"dir:{copied}"],
             before_each=lambda: _fresh(copied), env={"REGISTRY_AUTH_FILE": os.path.join(reg.dir, "no-auth.json")}),
        Side("decomp", ["sh", "-c", f"{cat} {files} >/dev/null"]),
        Side("untar", ["sh", "-ec", f"for f in {files}; do {cat} $f | tar -x -C {unpacked}; done"],
             before_each=lambda: _fresh(unpacked)),
    ]


def bench(title: str, sources: tuple[str, ...], reg: Registry, base: str, rounds: int, target: float,
          repull: bool, compression: str = "gzip") -> None:
    layers = [_layer(s) for s in sources]
    raw = sum(len(layer) for layer in layers)
    layout = os.path.join(base, "layout")
    shutil.rmtree(layout, ignore_errors=True)
    digests = write_layout(layout, [({"architecture": _arch(), "os": "linux"}, layers, {})],
                           compression=compression)
    del layers
    blob_dir = os.path.join(layout, "blobs", "sha256")
    with open(os.path.join(blob_dir, digests["manifest0"].removeprefix("sha256:"))) as f:
        blobs = [os.path.join(blob_dir, d["digest"].removeprefix("sha256:")) for d in json.load(f)["layers"]]
    compressed = sum(os.path.getsize(b) for b in blobs)
    name = title.replace(" ", "-")
    reg.push_layout(layout, f"bench/{name}:latest")
    ref = f"{reg.host}/bench/{name}:latest"
    print(f"\n{title}: {len(sources)} layer(s), {raw / 1e6:.0f} MB uncompressed, "
          f"{compressed / 1e6:.0f} MB {compression}")
    podpy, podman = _sides(base, ref, fresh=True)
    compare(f"cold pull ({title}), uncompressed MB/s", podpy, podman, rounds=rounds, warmup=0, target=target,
            work_bytes=raw, packed_bytes=compressed, floors=_floors(base, reg, ref, blobs, compression))
    for scratch in (layout, os.path.join(base, "skopeo-dir"), os.path.join(base, "untar")):
        shutil.rmtree(scratch, ignore_errors=True)
    if repull:
        podpy, podman = _sides(base, ref, fresh=False)
        compare(f"re-pull of a present image ({title})", podpy, podman, rounds=max(rounds, 5), warmup=1,
                target=0.3)


def main() -> None:
    if not HAVE_REGISTRY:
        print("docker-registry or skopeo missing: nothing to bench")
        return
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    sets = set(os.environ.get("BENCH_SETS", "multi,small,repull,zstd").split(","))
    base = tempfile.mkdtemp(prefix="podpy-bench-pull-", dir="/var/tmp")
    conf = os.path.join(base, "containers.conf")
    with open(conf, "w") as f:
        f.write(PODMAN_CONF)
    os.environ["CONTAINERS_CONF"] = conf
    reg = Registry()
    try:
        if "multi" in sets:
            bench("five layers", MULTI, reg, base, rounds, 0.5, "repull" in sets)
        if "small" in sets:
            bench("many small files", SMALL_FILES, reg, base, rounds, 0.3, False)
        if "zstd" in sets:
            bench("five layers zstd", MULTI, reg, base, rounds, 0.5, False, compression="zstd")
    finally:
        reg.stop()
        for store in ("podpy", "podman"):
            subprocess.run(["umount", "-R", "-l", os.path.join(base, store)], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
