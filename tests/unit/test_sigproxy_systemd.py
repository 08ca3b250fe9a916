"""SignalProxy (held until the pid is known, then forwarded) and the --systemd mode decision."""

from __future__ import annotations

import os
import signal
import subprocess

from podpy.runtime.sigproxy import PROXY_SIGNALS, SignalProxy
from podpy.specgen import systemd


def test_signals_are_held_until_the_target_is_known() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        with SignalProxy() as proxy:
            os.kill(os.getpid(), signal.SIGUSR2)  # would end this process without the proxy
            assert proxy.pending == [signal.SIGUSR2]
            proxy.target(child.pid)
            assert child.wait(timeout=10) == -signal.SIGUSR2
        assert signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_disabled_proxy_installs_nothing() -> None:
    before = signal.getsignal(signal.SIGUSR1)
    with SignalProxy(False):
        assert signal.getsignal(signal.SIGUSR1) is before


def test_proxied_signals() -> None:
    assert {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGRTMIN + 3} <= set(PROXY_SIGNALS)
    assert not {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD, signal.SIGPIPE, signal.SIGURG} & set(PROXY_SIGNALS)


def test_systemd_mode_decision() -> None:
    assert systemd.wanted("true", ["/sbin/init"]) and systemd.wanted("true", ["/usr/sbin/init", "--x"])
    assert systemd.wanted("true", ["/lib/systemd/systemd"]) and systemd.wanted("true", ["systemd"])
    assert not systemd.wanted("true", ["sh"]) and not systemd.wanted("false", ["/sbin/init"])
    assert systemd.wanted("always", ["sleep", "1"]) and not systemd.wanted("true", [])
    assert systemd.STOP_SIGNAL == 37 and systemd.container_uuid("a" * 64) == "a" * 32


def test_systemd_spec_adjustment_keeps_user_mounts() -> None:
    spec: dict[str, object] = {
        "mounts": [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro"]},
                   {"destination": "/run/.containerenv", "type": "bind", "source": "/x", "options": []},
                   {"destination": "/tmp", "type": "bind", "source": "/host", "options": []}],
        "linux": {"maskedPaths": []},
    }
    systemd.adjust_spec(spec, taken={"/tmp", "/run/.containerenv", "/sys/fs/cgroup"}, cgroup_v2=True)
    mounts = spec["mounts"]
    assert isinstance(mounts, list)
    order = [m["destination"] for m in mounts]
    assert order == ["/sys/fs/cgroup", "/run", "/run/.containerenv", "/tmp", "/run/lock", "/var/log/journal"]
    assert mounts[0]["options"] == ["rw"] and mounts[3]["source"] == "/host"
