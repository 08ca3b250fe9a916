"""podpy stats on this host's cgroups (v1 controllers, v2 or hybrid): Podman's columns and JSON."""

from __future__ import annotations

import json
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

BB = "localhost/busybox"


def test_stats_of_a_busy_container(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "busy", "-m", "64m", BB, "sh", "-c",
             "x=$(head -c 2000000 /dev/zero | tr '\\0' a); while true; do :; done")
    podpy_bb("create", "--name", "idle", BB, "true")
    time.sleep(1.5)
    table = podpy_bb("stats", "--no-stream").stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "NAME", "CPU"] and "AVG CPU %" in table[0]
    assert len(table) == 2 and "busy" in table[1]
    row = json.loads(podpy_bb("stats", "--no-stream", "--format", "json").stdout)[0]
    assert set(row) == {"id", "name", "cpu_time", "cpu_percent", "avg_cpu", "mem_usage", "mem_percent", "net_io",
                        "block_io", "pids"}
    assert row["name"] == "busy" and row["pids"] == "1"
    assert float(row["cpu_percent"].rstrip("%")) > 10
    usage, limit = row["mem_usage"].split(" / ")
    assert limit == "67.11MB" and usage.endswith(("MB", "kB"))
    names = podpy_bb("stats", "--no-stream", "-a", "--format", "{{.Name}} {{.PIDs}}").stdout.split("\n")
    assert "idle 0" in names
    bad = podpy_bb("stats", "--no-stream", "idle", check=False)
    assert bad.returncode == 125 and "not running" in bad.stderr
    podpy_bb("rm", "-f", "-t", "0", "busy", "idle")
