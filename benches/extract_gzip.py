"""Bench: unpacking one large gzip layer with podpy's Rust extractor against the single-core floor
(`zcat layer > /dev/null`); target ≥ 80 % of the floor. Prints compressed and uncompressed MB/s.
(The layers of one image are unpacked in parallel by LayerStore.create_chain; benches/load_archive.py
times that through `load`.)
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))

SOURCES = ("/usr/share/locale", "/usr/share/doc", "/usr/lib/python3")


def _gzip_layer(dest: str, sources: tuple[str, ...]) -> tuple[int, int]:
    """A gzip layer of ``sources``; (compressed, uncompressed) sizes."""
    raw = dest + ".tar"
    with tarfile.open(raw, "w", format=tarfile.PAX_FORMAT) as tar:
        for source in sources:
            tar.add(source, arcname=source.lstrip("/"), recursive=True)
    with open(raw, "rb") as src, gzip.open(dest, "wb", compresslevel=6) as out:
        shutil.copyfileobj(src, out, 1 << 20)
    size = os.path.getsize(raw)
    os.unlink(raw)
    return os.path.getsize(dest), size


def _best(times: list[float]) -> float:
    return sorted(times)[len(times) // 2]


def main() -> None:
    from podpy import _native

    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    base = tempfile.mkdtemp(prefix="podpy-bench-gz-", dir="/dev/shm")
    try:
        layer = os.path.join(base, "layer.tar.gz")
        compressed, uncompressed = _gzip_layer(layer, SOURCES)
        print(f"layer: {compressed / 1e6:.0f} MB gzip, {uncompressed / 1e6:.0f} MB uncompressed (on tmpfs)")
        floor, ours = [], []
        for i in range(rounds):
            start = time.perf_counter()
            subprocess.run(f"zcat {layer} > /dev/null", shell=True, check=True)
            floor.append(time.perf_counter() - start)
            dest = os.path.join(base, f"out{i}")
            os.mkdir(dest)
            start = time.perf_counter()
            _native.extract_layer(layer, dest)
            ours.append(time.perf_counter() - start)
            shutil.rmtree(dest)
        f, o = _best(floor), _best(ours)
        for name, t in (("zcat floor", f), ("extract", o)):
            print(f"{name:12s} {t * 1000:7.0f} ms  {compressed / t / 1e6:6.1f} MB/s gzip  "
                  f"{uncompressed / t / 1e6:6.1f} MB/s uncompressed")
        print(f"extract / floor throughput = {f / o:.0%}  (target ≥ 80%: {'met' if f / o >= 0.8 else 'MISSED'})")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
