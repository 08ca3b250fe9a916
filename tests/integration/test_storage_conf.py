"""storage.conf's overlay mountopt reaches every container mount (flags and overlay options)."""

from __future__ import annotations

import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def test_overlay_mountopt_is_honoured(podpy_bb: Podpy, tmp_path: object) -> None:
    conf = os.path.join(str(tmp_path), "storage.conf")
    with open(conf, "w") as f:
        f.write('[storage]\ndriver = "overlay"\n[storage.options.overlay]\nmountopt = "nodev,redirect_dir=on"\n')
    os.environ["CONTAINERS_STORAGE_CONF"] = conf
    try:
        cid = podpy_bb("run", "-d", "localhost/busybox", "sleep", "60").stdout.strip()
        with open("/proc/self/mountinfo") as f:
            line = next(ln for ln in f if f"/{cid}/merged " in ln)
        fields = line.split(" - ")
        assert "nodev" in fields[0].split()[5].split(",")  # per-mount flags
        assert "redirect_dir=on" in fields[1]
        podpy_bb("rm", "-f", "-t", "0", cid)
    finally:
        del os.environ["CONTAINERS_STORAGE_CONF"]
