"""Benches of issue 5: `run -d`, `exec true`, `stop -t 0`, `rm` (targets ≤ 0.5× podman) and `ps -a`,
`images`, `inspect` with 50 containers (≤ 0.8×); `ps -a` with 1,000 containers (≤ 0.3×) with BENCH_PS_1000=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.harness import Side, compare  # noqa: E402
from benches.stores import IMAGE, Stores, busybox_stores  # noqa: E402


def _sides(stores: Stores, args: list[str], before: Callable[[str], None] | None = None
           ) -> tuple[Side, Side | None]:
    """The same command for both engines; ``before(engine)`` runs untimed before each timed run."""
    podpy = Side("podpy", [*stores.podpy, *args], before_each=(lambda: before("podpy")) if before else None)
    podman = None
    if stores.podman is not None:
        podman = Side("podman", [*stores.podman, *args], env=stores.podman_env,
                      before_each=(lambda: before("podman")) if before else None)
    return podpy, podman


def _run(stores: Stores, engine: str, *args: str) -> None:
    if engine == "podpy":
        subprocess.run([*stores.podpy, *args], check=True, capture_output=True)
    else:
        assert stores.podman is not None
        subprocess.run([*stores.podman, *args], check=True, capture_output=True,
                       env={**os.environ, **stores.podman_env})


def _create_many(stores: Stores, count: int) -> None:
    for engine in ("podpy", "podman") if stores.podman else ("podpy",):
        for i in range(count):
            _run(stores, engine, "create", "--name", f"many{i}", IMAGE, "true")


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "10"))
    with busybox_stores("podpy-bench-life-") as stores:
        compare("run -d busybox sleep 600", *_sides(stores, ["run", "-d", IMAGE, "sleep", "600"]), rounds=rounds,
                target=0.5)
        for engine in ("podpy", "podman") if stores.podman else ("podpy",):
            _run(stores, engine, "run", "-d", "--name", "target", IMAGE, "sleep", "600")
        compare("exec target true", *_sides(stores, ["exec", "target", "true"]), rounds=rounds, target=0.5)

        def fresh_running(engine: str) -> None:
            _run(stores, engine, "rm", "-f", "-i", "-t", "0", "victim")
            _run(stores, engine, "run", "-d", "--name", "victim", IMAGE, "sleep", "600")

        compare("stop -t 0 (running container)", *_sides(stores, ["stop", "-t", "0", "victim"], fresh_running),
                rounds=rounds, target=0.5)

        def fresh_created(engine: str) -> None:
            _run(stores, engine, "create", "--name", "gone", IMAGE, "true")

        compare("rm (created container)", *_sides(stores, ["rm", "gone"], fresh_created), rounds=rounds,
                target=0.5)
        _run(stores, "podpy", "rm", "-af", "-t", "0")
        if stores.podman:
            _run(stores, "podman", "rm", "-af", "-t", "0")
        _create_many(stores, 50)
        compare("ps -a (50 containers)", *_sides(stores, ["ps", "-a"]), rounds=rounds, target=0.8)
        compare("images (50 containers)", *_sides(stores, ["images"]), rounds=rounds, target=0.8)
        compare("inspect many7 (50 containers)", *_sides(stores, ["inspect", "many7"]), rounds=rounds, target=0.8)
        if os.environ.get("BENCH_PS_1000"):
            _create_many(stores, 1000)
            compare("ps -a (1,000 containers)", *_sides(stores, ["ps", "-a"]), rounds=rounds, target=0.3)


if __name__ == "__main__":
    main()
