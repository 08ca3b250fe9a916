"""Bench: containers on a bridge network, podpy against podman with netavark (targets: ≤ 0.3×).

1. `run --rm --network NET busybox true`: the namespace, veth, lease, firewall and teardown of one container.
2. 50 containers started (`run -d … sleep`) on one network, then all removed with one `rm -f -t 0`.

NET is a bridge network without DNS, as the default network is, made in each store with an explicit free
subnet: podman's own default network is the host-wide podman0, which other users of this machine share.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.harness import Side, compare  # noqa: E402
from benches.stores import IMAGE, Stores, busybox_stores  # noqa: E402

NET = "benchnet"
MANY = int(os.environ.get("BENCH_NET_MANY", "50"))


def _free_subnets(count: int) -> list[str]:
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True, check=True).stdout
    found: list[str] = []
    while len(found) < count:
        prefix = f"10.{random.randint(150, 250)}.{random.randint(0, 255)}."
        if prefix not in routes and not any(s.startswith(prefix) for s in found):
            found.append(prefix + "0/24")
    return found


def _engines(stores: Stores) -> list[tuple[str, list[str], dict[str, str]]]:
    out = [("podpy", stores.podpy, {})]
    if stores.podman is not None:
        out.append(("podman", stores.podman, stores.podman_env))
    return out


def _run(argv: list[str], env: dict[str, str], *args: str) -> None:
    proc = subprocess.run([*argv, *args], capture_output=True, text=True, env={**os.environ, **env})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:1] + list(args))} failed ({proc.returncode}): {proc.stderr[-800:]}")


def _many(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds to start MANY containers on NET one after the other, and to remove them all with one command."""
    names = [f"many{i}" for i in range(MANY)]
    start = time.perf_counter()
    for name in names:
        _run(argv, env, "run", "-d", "--name", name, "--network", NET, IMAGE, "sleep", "600")
    started = time.perf_counter()
    _run(argv, env, "rm", "-f", "-t", "0", *names)
    return started - start, time.perf_counter() - started


def _report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    for name, t in times.items():
        print(f"  {name:8s} median {statistics.median(t) * 1000:8.1f} ms   min {min(t) * 1000:8.1f} ms   "
              f"per container {statistics.median(t) / MANY * 1000:6.1f} ms   ({len(t)} runs)")
    if "podman" in times:
        ratio = statistics.median(times["podpy"]) / statistics.median(times["podman"])
        print(f"  ratio podpy/podman = {ratio:.2f}  (target ≤ 0.30: {'met' if ratio <= 0.3 else 'MISSED'})")


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    many_rounds = int(os.environ.get("BENCH_NET_MANY_ROUNDS", "3"))
    with busybox_stores("podpy-bench-net-") as stores:
        if stores.podman is not None:
            # Podman keeps networks in /etc/containers/networks by default: shared by everyone on the host.
            with open(stores.podman_env["CONTAINERS_CONF"], "a") as f:
                f.write(f'[network]\nnetwork_config_dir = "{stores.base}/podman/networks"\n')
        engines = _engines(stores)
        for (_, argv, env), subnet in zip(engines, _free_subnets(len(engines)), strict=True):
            _run(argv, env, "network", "create", "--disable-dns", "--subnet", subnet, NET)
        run_true = ["run", "--rm", "--network", NET, IMAGE, "true"]
        podman = Side("podman", [*stores.podman, *run_true], env=stores.podman_env) if stores.podman else None
        compare(f"run --rm --network {NET} (bridge) busybox true", Side("podpy", [*stores.podpy, *run_true]),
                podman, rounds=rounds, target=0.3)

        starts: dict[str, list[float]] = {name: [] for name, _, _ in engines}
        removes: dict[str, list[float]] = {name: [] for name, _, _ in engines}
        totals: dict[str, list[float]] = {name: [] for name, _, _ in engines}
        for _ in range(many_rounds):
            for name, argv, env in engines:
                up, down = _many(argv, env)
                starts[name].append(up)
                removes[name].append(down)
                totals[name].append(up + down)
        _report(f"{MANY} × run -d on one network", starts)
        _report(f"rm -f -t 0 of those {MANY}", removes)
        _report(f"{MANY} started and removed (total)", totals)
        for _, argv, env in engines:
            subprocess.run([*argv, "network", "rm", "-f", NET], capture_output=True, env={**os.environ, **env})


if __name__ == "__main__":
    main()
