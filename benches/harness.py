"""Time the same operation with podpy and podman in one run: alternating rounds, medians, the ratio."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass
class Side:
    name: str
    argv: Sequence[str]
    setup: Callable[[], None] | None = None
    before_each: Callable[[], None] | None = None  # untimed, e.g. a fresh store for every load
    env: Mapping[str, str] | None = None  # extra environment for this side only


def _time_once(argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
    full_env = {**os.environ, **env} if env else None
    start = time.perf_counter()
    proc = subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full_env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def compare(title: str, podpy: Side, podman: Side | None, *, rounds: int = 15, warmup: int = 2,
            target: float | None = None, work_bytes: int | None = None, packed_bytes: int | None = None,
            floors: Sequence[Side] = ()) -> float | None:
    """Run both sides alternately; print medians and podpy/podman. Returns the ratio (None without podman).

    ``floors`` are commands that do part of the work (transfer only, decompression only…), timed in the
    same rounds; podpy's median is shown as a multiple of each. ``packed_bytes`` adds a compressed MB/s.
    """
    sides = [podpy] + ([podman] if podman is not None else []) + list(floors)
    for side in sides:
        if side.setup:
            side.setup()
        for _ in range(warmup):
            if side.before_each:
                side.before_each()
            _time_once(side.argv, side.env)
    times: dict[str, list[float]] = {s.name: [] for s in sides}
    for _ in range(rounds):
        for side in sides:
            if side.before_each:
                side.before_each()
            times[side.name].append(_time_once(side.argv, side.env))
    print(f"\n{title}")
    for side in sides:
        t = times[side.name]
        rate = f"   {work_bytes / statistics.median(t) / 1e6:7.1f} MB/s" if work_bytes else ""
        if packed_bytes:
            rate += f" ({packed_bytes / statistics.median(t) / 1e6:.1f} MB/s compressed)"
        print(f"  {side.name:8s} median {statistics.median(t) * 1000:8.1f} ms   "
              f"min {min(t) * 1000:8.1f} ms   max {max(t) * 1000:8.1f} ms   ({len(t)} runs){rate}")
    for floor in floors:
        floor_ratio = statistics.median(times[podpy.name]) / statistics.median(times[floor.name])
        print(f"  podpy/{floor.name} = {floor_ratio:.2f}")
    if podman is None:
        print("  podman not installed: no ratio")
        return None
    ratio = statistics.median(times[podpy.name]) / statistics.median(times[podman.name])
    verdict = ""
    if target is not None:
        verdict = f"  (target ≤ {target:.2f}: {'met' if ratio <= target else 'MISSED'})"
    print(f"  ratio podpy/podman = {ratio:.2f}{verdict}")
    sys.stdout.flush()
    return ratio


def have_podman() -> bool:
    return shutil.which("podman") is not None
