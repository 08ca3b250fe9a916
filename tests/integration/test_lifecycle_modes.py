"""Lifecycle corners checked against Podman 4.3.1: stop before start, run's exit codes for bad input."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root


def _state(podpy: Podpy, name: str) -> str:
    return podpy("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name).stdout.strip()


def test_stop_of_created_and_initialized(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "st", "busybox", "sleep", "100")
    assert podpy_bb("stop", "st").stdout == "st\n"  # nothing to stop: it stays created
    assert _state(podpy_bb, "st") == "created 0"
    podpy_bb("init", "st")
    assert podpy_bb("stop", "st").stdout == "st\n"
    # The stop signal reaches the runtime's waiting init (runc's exits 2 on SIGTERM), as with Podman.
    assert _state(podpy_bb, "st") == "exited 2"
    podpy_bb("start", "st")
    assert _state(podpy_bb, "st") == "running 0"
    podpy_bb("rm", "-f", "-t", "0", "st")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["-u", "nosuchuser", "busybox", "true"], 126,
     "unable to find user nosuchuser: no matching entries in passwd file"),
    (["-u", "0:nosuchgroup", "busybox", "true"], 126,
     "unable to find group nosuchgroup: no matching entries in group file"),
    (["-v", "/nonexistent-podpy:/x", "busybox", "true"], 125, "statfs /nonexistent-podpy: no such file or directory"),
    (["-v", "/tmp:/x:zz", "busybox", "true"], 125, 'invalid option type "zz"'),
    (["--mount", "type=bogus,src=/a,dst=/b", "busybox", "true"], 125, 'invalid filesystem type "bogus"'),
    (["-v", "/tmp:x", "busybox", "true"], 125, 'invalid container path "x", must be an absolute path'),
    (["--tmpfs", "relative", "busybox", "true"], 125, 'invalid container path "relative", must be an absolute path'),
    (["--ulimit", "bogus", "busybox", "true"], 125,
     'ulimit option "bogus" requires name=SOFT:HARD, failed to be parsed: invalid ulimit argument: bogus'),
    (["--init", "--init-path", "/nonexistent-init", "busybox", "true"], 125,
     "container-init binary not found on the host: stat /nonexistent-init: no such file or directory"),
    (["--device", "/nonexistent-device", "busybox", "true"], 125,
     "stat /nonexistent-device: no such file or directory"),
    (["busybox", "nosuchcmd"], 127, "executable file not found in $PATH"),
    (["busybox", "/etc/passwd"], 126, "permission denied: OCI permission denied"),
])
def test_run_bad_input_exit_codes(podpy_bb: Podpy, args: list[str], code: int, message: str) -> None:
    result = podpy_bb("run", "--rm", *args, check=False)
    assert result.returncode == code and message in result.stderr


@pytest.mark.skipif(os.path.isdir("/run/systemd/system"), reason="systemd runs here")
def test_systemd_cgroup_manager_without_systemd(podpy_bb: Podpy, tmp_path: Path) -> None:
    """Podman 4.3.1 as root keeps the asked manager and the start fails with runc's reason (no fallback)."""
    refused = "runc: systemd not running on this host, cannot use systemd cgroups manager"
    result = podpy_bb("--cgroup-manager", "systemd", "run", "--rm", "busybox", "true", check=False)
    assert result.returncode == 126 and refused in result.stderr
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\ncgroup_manager = "systemd"\n')
    env = dict(podpy_env(), CONTAINERS_CONF=str(conf))
    info = subprocess.run([*podpy_bb.argv, "info", "--format", "{{.Host.CgroupManager}}"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert info.stdout == "systemd\n"
    run = subprocess.run([*podpy_bb.argv, "run", "--name", "sd", "busybox", "true"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 126 and refused in run.stderr
    assert podpy_bb("run", "--rm", "busybox", "true").returncode == 0  # cgroupfs, the default here
