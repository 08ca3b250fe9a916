"""--mount (bind, tmpfs) and --env-host."""

from __future__ import annotations

import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

BB = "localhost/busybox"


def test_mount_bind_and_tmpfs(podpy_bb: Podpy, tmp_path: object) -> None:
    host = str(tmp_path)
    with open(os.path.join(host, "f"), "w") as f:
        f.write("from the host\n")
    out = podpy_bb("run", "--rm", "--mount", f"type=bind,source={host},destination=/data,ro", BB, "sh", "-c",
                   "cat /data/f; touch /data/x 2>/dev/null && echo writable || echo read-only").stdout
    assert out == "from the host\nread-only\n"
    podpy_bb("run", "--rm", "--mount", f"type=bind,src={host},dst=/data", BB, "sh", "-c", "echo hi > /data/new")
    assert os.path.exists(os.path.join(host, "new"))
    out = podpy_bb("run", "--rm", "--mount", "type=tmpfs,destination=/scratch,tmpfs-size=1m", BB, "sh", "-c",
                   "grep ' /scratch ' /proc/self/mountinfo").stdout
    assert "tmpfs" in out and "size=1024k" in out
    for spec, message in (("type=bind,dst=/x", "must set a source"), ("destination=/x", "type must be specified"),
                          ("type=tmpfs,dst=relative", "absolute path"), ("type=bogus,dst=/x", "invalid filesystem"),
                          ("type=tmpfs,dst=/x,colour=red", "invalid mount option")):
        bad = podpy_bb("run", "--rm", "--mount", spec, BB, "true", check=False)
        assert bad.returncode == 125 and message in bad.stderr, (spec, bad.stderr)


def test_env_host(podpy_bb: Podpy) -> None:
    os.environ["PODPY_TEST_ENV_HOST"] = "carried"
    try:
        out = podpy_bb("run", "--rm", "--env-host", "-e", "EXTRA=1", BB, "sh", "-c",
                       "echo $PODPY_TEST_ENV_HOST $EXTRA").stdout
        assert out == "carried 1\n"
        assert podpy_bb("run", "--rm", BB, "sh", "-c", "echo x$PODPY_TEST_ENV_HOST").stdout == "x\n"
    finally:
        del os.environ["PODPY_TEST_ENV_HOST"]
