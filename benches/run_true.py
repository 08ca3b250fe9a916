"""Bench: `run --rm --network none <busybox> true`, podpy against podman (target: ≤ 0.5×)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benches.harness import Side, compare  # noqa: E402
from benches.stores import IMAGE, busybox_stores  # noqa: E402

RUN_TRUE = ("run", "--rm", "--network", "none", IMAGE, "true")


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    with busybox_stores("podpy-bench-run-") as stores:
        podman = Side("podman", [*stores.podman, *RUN_TRUE], env=stores.podman_env) if stores.podman else None
        compare("run --rm --network none busybox true", Side("podpy", [*stores.podpy, *RUN_TRUE]), podman,
                rounds=rounds, target=0.5)


if __name__ == "__main__":
    main()
