"""Bench: memory of the per-container monitor, podpy-monitor against conmon (target: ≤ 1×).

Starts N detached `sleep` containers with each engine, reads /proc/PID/smaps_rollup of every monitor
(inspect's ConmonPid) and prints the mean Rss, Pss and anonymous memory per monitor and the ratios.
Pss shares the pages common to the N monitors among them: it is what one more container costs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.stores import IMAGE, busybox_stores  # noqa: E402

FIELDS = ("Rss", "Pss", "Anonymous")


def smaps_rollup(pid: int) -> dict[str, int]:
    """The kB fields of /proc/PID/smaps_rollup."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def measure(name: str, run: Callable[..., str], count: int) -> dict[str, float]:
    ids = [run("run", "-d", "--network", "none", IMAGE, "sleep", "600").strip() for _ in range(count)]
    time.sleep(0.5)  # monitors settled (logs opened, runtime gone)
    pids = [int(run("inspect", "--format", "{{.State.ConmonPid}}", cid).strip()) for cid in ids]
    samples = [smaps_rollup(pid) for pid in pids]
    run("rm", "-f", "-t", "0", *ids)
    means = {k: statistics.mean(s.get(k, 0) for s in samples) for k in FIELDS}
    print(f"  {name:7s} " + "   ".join(f"{k} {means[k] / 1024:5.2f} MiB" for k in FIELDS) + f"   ({count} monitors)")
    return means


def main() -> None:
    count = int(os.environ.get("BENCH_MONITORS", "10"))
    with busybox_stores("podpy-bench-monitor-") as stores:
        print(f"\nmonitor memory per container, {count} running `sleep` containers each (mean per monitor)")
        podpy = measure("podpy", stores.run_podpy, count)
        if stores.podman is None:
            print("  podman not installed: no ratio")
            return
        conmon = measure("conmon", stores.run_podman, count)
        ratios = "   ".join(f"{k} {podpy[k] / conmon[k]:.2f}x" for k in FIELDS if conmon[k])
        print(f"  podpy/conmon: {ratios}   (target: <= 1x)")


if __name__ == "__main__":
    main()
