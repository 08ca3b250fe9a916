"""ps --size/--sort, logs --since/--until, wait --condition/--interval."""

from __future__ import annotations

import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

BB = "localhost/busybox"


def test_ps_size_and_sort(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "bbb", BB, "sh", "-c", "head -c 5000 /dev/zero > /f")
    podpy_bb("run", "--name", "aaa", BB, "true")
    rows = podpy_bb.json("ps", "-a", "--size", "--format", "json")
    sizes = {r["Names"][0]: r["Size"] for r in rows}
    assert sizes["bbb"]["RwSize"] == 5000 and sizes["aaa"]["RwSize"] == 0
    assert sizes["bbb"]["RootFsSize"] > 5000
    assert podpy_bb.json("ps", "-a", "--format", "json")[0]["Size"] is None  # only computed when asked
    table = podpy_bb("ps", "-a", "-s").stdout.splitlines()
    assert table[0].split()[-1] == "SIZE" and "(virtual" in table[1]
    assert podpy_bb("ps", "-a", "--sort", "names", "--format", "{{.Names}}").stdout.split() == ["aaa", "bbb"]
    assert podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout.split() == ["aaa", "bbb"]  # newest first
    bad = podpy_bb("ps", "--sort", "bogus", check=False)
    assert bad.returncode == 125 and "invalid option for --sort" in bad.stderr
    podpy_bb("rm", "aaa", "bbb")


def test_logs_since_until(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "talk", BB, "sh", "-c", "echo one; sleep 1.5; echo two")
    stamps = podpy_bb("logs", "-t", "talk").stdout.splitlines()
    assert [s.split()[1] for s in stamps] == ["one", "two"]
    middle = stamps[0].split()[0][:19] + "Z"  # second resolution, between the two lines
    from podpy.util.timefmt import parse_rfc3339

    cut = parse_rfc3339(stamps[0].split()[0]) + 0.5
    assert podpy_bb("logs", "--since", str(cut), "talk").stdout == "two\n"
    assert podpy_bb("logs", "--until", str(cut), "talk").stdout == "one\n"
    assert podpy_bb("logs", "--since", "10m", "talk").stdout == "one\ntwo\n"
    assert podpy_bb("logs", "--since", "1s", "talk").stdout in ("", "two\n")
    assert podpy_bb("logs", "--until", middle, "talk").stdout in ("", "one\n")
    bad = podpy_bb("logs", "--since", "yesterday", "talk", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: invalid value")
    podpy_bb("rm", "talk")


def test_wait_conditions(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "w", BB, "sh", "-c", "sleep 1; exit 3")
    assert podpy_bb("wait", "--condition", "created", "w").stdout == "-1\n"
    podpy_bb("start", "w")
    assert podpy_bb("wait", "--condition", "running", "w").stdout == "-1\n"
    started = time.monotonic()
    assert podpy_bb("wait", "--condition", "exited", "--interval", "100ms", "w").stdout == "3\n"
    assert time.monotonic() - started < 5
    assert podpy_bb("wait", "--condition", "stopped", "w").stdout == "3\n"
    assert podpy_bb("wait", "--ignore", "nosuch").stdout == "-1\n"
    bad = podpy_bb("wait", "--condition", "sideways", "w", check=False)
    assert bad.returncode == 125 and "unknown condition" in bad.stderr
    bad = podpy_bb("wait", "--interval", "soon", "w", check=False)
    assert bad.returncode == 125 and "invalid duration" in bad.stderr
    podpy_bb("rm", "w")
