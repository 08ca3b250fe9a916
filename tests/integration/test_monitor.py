"""podpy-monitor through its Python side: real runc, a busybox bundle, real files.

Each test builds an OCI bundle over a shared read-only busybox rootfs, starts a
monitor on it and checks what the CLI relies on: the handshake, the k8s-file
log, the exit file, the exit command and the runtime's own error messages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from podpy.errors import CommandNotExecutable, CommandNotFound, PodpyError, RuntimeStartError
from podpy.runtime.monitor import (
    ExitInfo,
    MonitorConfig,
    MonitorHandle,
    forward_signals,
    monitor_binary,
    read_exit_file,
    runtime_error,
    spawn_monitor,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNC = shutil.which("runc") or ""
BUSYBOX = "/bin/busybox"
CAN_RUN = os.geteuid() == 0 and bool(RUNC) and os.path.exists(BUSYBOX)
needs_root = pytest.mark.skipif(not CAN_RUN, reason="needs root, runc and busybox-static")

K8S_LINE = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}[+-]\d\d:\d\d (stdout|stderr) ([FP]) (.*)$")
APPLETS = ("sh", "echo", "true", "sleep", "cat", "printf", "kill", "touch")
CGROUP_PARENT = "podpy-test"


@pytest.fixture(scope="module")
def binary() -> str:
    """$PODPY_MONITOR, else a fresh release build of the source tree (not a possibly stale libexec copy)."""
    if not os.environ.get("PODPY_MONITOR") and shutil.which("cargo"):
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "podpy-monitor"], cwd=REPO, check=True,
                       timeout=600)
        return os.path.join(REPO, "target", "release", "podpy-monitor")
    return monitor_binary()


class Rig:
    """Bundles, monitors and runc state for one test; ``close`` removes all of them."""

    def __init__(self, base: str, binary: str, template: dict[str, object], rootfs: str) -> None:
        self.base = base
        self.binary = binary
        self.template = template
        self.rootfs = rootfs
        self.runtime_root = os.path.join(base, "runc")
        self.cids: list[str] = []
        self.handles: list[MonitorHandle] = []

    def config(self, args: list[str], *, attach: bool = False, exit_command: list[str] | None = None,
               log_driver: str = "k8s-file", debug: bool = False, pid_ns: bool = True,
               runtime_log: bool = True) -> MonitorConfig:
        cid = f"podpy-mon-{os.getpid()}-{len(self.cids)}"
        self.cids.append(cid)
        bundle = os.path.join(self.base, cid)
        os.makedirs(bundle)
        spec = json.loads(json.dumps(self.template))
        spec["process"]["terminal"] = False
        spec["process"]["args"] = args
        spec["root"] = {"path": self.rootfs, "readonly": True}
        spec["hostname"] = "monitor-test"
        spec["linux"]["cgroupsPath"] = f"/{CGROUP_PARENT}/{cid}"
        if not pid_ns:
            spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "pid"]
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(spec, f)
        return MonitorConfig(
            cid=cid, runtime=RUNC, runtime_root=self.runtime_root, bundle=bundle,
            pidfile=os.path.join(bundle, "pidfile"),
            runtime_log=os.path.join(bundle, "runtime.log") if runtime_log else "",
            log_driver=log_driver, log_path=os.path.join(bundle, "ctr.log"),
            exit_file=os.path.join(bundle, "exit"), attach=attach, exit_command=list(exit_command or []),
            debug=debug)

    def spawn(self, cfg: MonitorConfig) -> MonitorHandle:
        handle = spawn_monitor(cfg, binary=self.binary)
        self.handles.append(handle)
        return handle

    def run(self, args: list[str], **kw: object) -> tuple[MonitorConfig, MonitorHandle, ExitInfo]:
        """Start a container in the foreground and wait for its exit message."""
        cfg = self.config(args, **kw)  # type: ignore[arg-type]
        handle = self.spawn(cfg)
        handle.wait_started(timeout=30)
        info = handle.wait_exit()
        assert info is not None
        return cfg, handle, info

    def close(self) -> None:
        for handle in self.handles:
            if handle.reap() is None:
                try:
                    os.kill(handle.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                handle.reap(block_for=5)
            handle.close()
        for cid in self.cids:
            subprocess.run([RUNC, "--root", self.runtime_root, "delete", "--force", cid],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)


def _remove_cgroup_parents() -> None:
    """runc removes each container's cgroup; the shared parent is ours to remove (when empty)."""
    root = "/sys/fs/cgroup"
    candidates = [os.path.join(root, CGROUP_PARENT)]
    if os.path.isdir(root):
        candidates += [os.path.join(root, d, CGROUP_PARENT) for d in os.listdir(root)]
    for path in candidates:
        try:
            os.rmdir(path)
        except OSError:
            pass


@pytest.fixture(scope="module")
def image_dir() -> Iterator[tuple[str, dict[str, object]]]:
    """A read-only busybox rootfs and runc's default spec, shared by the module's tests."""
    base = tempfile.mkdtemp(prefix="podpy-montest-img-")
    try:
        rootfs = os.path.join(base, "rootfs")
        os.makedirs(os.path.join(rootfs, "bin"))
        for d in ("proc", "sys", "dev", "tmp", "etc"):
            os.makedirs(os.path.join(rootfs, d))
        shutil.copy2(BUSYBOX, os.path.join(rootfs, "bin", "busybox"))
        for applet in APPLETS:
            os.symlink("busybox", os.path.join(rootfs, "bin", applet))
        with open(os.path.join(rootfs, "bin", "noexec"), "w") as f:
            f.write("#!/bin/sh\necho never\n")
        os.chmod(os.path.join(rootfs, "bin", "noexec"), 0o644)
        spec_dir = os.path.join(base, "spec")
        os.makedirs(spec_dir)
        subprocess.run([RUNC, "spec"], cwd=spec_dir, check=True, timeout=60)
        with open(os.path.join(spec_dir, "config.json")) as f:
            template = json.load(f)
        yield rootfs, template
    finally:
        shutil.rmtree(base, ignore_errors=True)
        _remove_cgroup_parents()


@pytest.fixture
def rig(binary: str, image_dir: tuple[str, dict[str, object]]) -> Iterator[Rig]:
    rootfs, template = image_dir
    r = Rig(tempfile.mkdtemp(prefix="podpy-montest-"), binary, template, rootfs)
    try:
        yield r
    finally:
        r.close()


def log_records(path: str) -> list[tuple[str, str, bytes]]:
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    records = []
    for line in lines:
        m = K8S_LINE.match(line)
        assert m, f"not a k8s-file line: {line!r}"
        records.append((m.group(1).decode(), m.group(2).decode(), m.group(3)))
    return records


def wait_for(predicate: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


# ---- pure logic: no root needed -------------------------------------------------------------------------


def test_runtime_error_mapping_follows_podman() -> None:
    msg = ('runc run failed: unable to start container process: exec: "nope": '
           "executable file not found in $PATH")
    err = runtime_error("/usr/sbin/runc", msg, 1)
    assert isinstance(err, CommandNotFound) and err.exit_code == 127
    assert str(err) == f"runc: {msg}: OCI runtime attempted to invoke a command that was not found"

    msg = 'runc run failed: unable to start container process: exec: "/bin/noexec": permission denied'
    err = runtime_error("runc", msg, 1)
    assert isinstance(err, CommandNotExecutable) and err.exit_code == 126
    assert str(err) == f"runc: {msg}: OCI permission denied"

    err = runtime_error("/usr/bin/crun", "some\nstat /x: No such file or directory\nmore", 1)
    assert isinstance(err, CommandNotFound)
    assert str(err) == ("crun: stat /x: No such file or directory: "
                        "OCI runtime attempted to invoke a command that was not found")

    err = runtime_error("runc", "cgroup went away\n", 1)
    assert type(err) is RuntimeStartError and err.exit_code == 125
    assert str(err) == "runc: cgroup went away: OCI runtime error"

    err = runtime_error("runc", "cannot run the OCI runtime /x: No such file or directory (os error 2)", -1)
    assert type(err) is RuntimeStartError


def test_read_exit_file(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "exit")
    assert read_exit_file(path) is None
    with open(path, "w") as f:
        f.write('{"exit_code":3,"exited_at":"2026-11-28T19:30:00.123456789Z","oom_killed":false}\n')
    assert read_exit_file(path) == ExitInfo(3, "2026-11-28T19:30:00.123456789Z", False)
    for bad in ("", "{", "[]", '{"exit_code":"3"}'):
        with open(path, "w") as f:
            f.write(bad)
        assert read_exit_file(path) is None


def test_config_argv() -> None:
    cfg = MonitorConfig(cid="c", runtime="/r", bundle="/b", pidfile="/b/p", exit_file="/x/e",
                        runtime_root="/rr", runtime_log="/b/l", log_path="/b/c.log", attach=True,
                        exit_command=["/py", "--rm"], debug=True)
    assert cfg.argv("/m") == [
        "/m", "--cid", "c", "--runtime", "/r", "--runtime-root", "/rr", "--bundle", "/b", "--pidfile", "/b/p",
        "--runtime-log", "/b/l", "--log-driver", "k8s-file", "--log-path", "/b/c.log", "--exit-file", "/x/e",
        "--sync-fd", "3", "--attach", "--exit-command", "/py", "--exit-command", "--rm",
        "--log-level", "debug"]
    bare = MonitorConfig(cid="c", runtime="/r", bundle="/b", pidfile="/p", exit_file="/e", log_driver="none")
    assert "--attach" not in bare.argv("/m") and "--runtime-root" not in bare.argv("/m")


def test_monitor_binary_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODPY_MONITOR", "/opt/x/podpy-monitor")
    assert monitor_binary() == "/opt/x/podpy-monitor"


def test_monitor_dying_silently_is_reported(tmp_path: object) -> None:
    cfg = MonitorConfig(cid="c", runtime="/nonexistent/runc", bundle=str(tmp_path), pidfile="/p",
                        exit_file="/e", log_driver="none")
    with spawn_monitor(cfg, binary="/bin/false") as handle, pytest.raises(RuntimeStartError) as exc:
        handle.wait_started(timeout=30)
    assert "exited with status 1" in str(exc.value)


def test_missing_runtime_is_not_a_missing_command(binary: str, tmp_path: object) -> None:
    d = str(tmp_path)
    cfg = MonitorConfig(cid="c", runtime="/nonexistent/runc", bundle=d, pidfile=os.path.join(d, "p"),
                        exit_file=os.path.join(d, "exit"), log_driver="none",
                        exit_command=["/usr/bin/touch", os.path.join(d, "MARK")])
    with spawn_monitor(cfg, binary=binary) as handle:
        with pytest.raises(RuntimeStartError) as exc:
            handle.wait_started(timeout=30)
        assert type(exc.value) is RuntimeStartError
        assert "/nonexistent/runc" in str(exc.value)
        assert handle.reap(block_for=5) is not None
    assert not os.path.exists(os.path.join(d, "exit")) and not os.path.exists(os.path.join(d, "MARK"))


def test_bad_arguments_are_reported_on_the_sync_fd(binary: str, tmp_path: object) -> None:
    cfg = MonitorConfig(cid="c", runtime="/r", bundle=str(tmp_path), pidfile="/p", exit_file="/e",
                        log_driver="journald")
    with spawn_monitor(cfg, binary=binary) as handle, pytest.raises(PodpyError) as exc:
        handle.wait_started(timeout=30)
    assert "journald" in str(exc.value)


# ---- real containers ------------------------------------------------------------------------------------


@needs_root
def test_exit_codes_and_log(rig: Rig) -> None:
    cfg, _, info = rig.run(["sh", "-c", "echo hello; echo oops >&2; echo; printf abc; sleep 0.3; echo def"])
    assert info.exit_code == 0 and not info.oom_killed
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", info.exited_at)
    records = log_records(cfg.log_path)
    stdout = [(flag, text) for stream, flag, text in records if stream == "stdout"]
    assert stdout == [("F", b"hello"), ("F", b""), ("P", b"abc"), ("F", b"def")]
    assert [(flag, text) for stream, flag, text in records if stream == "stderr"] == [("F", b"oops")]

    _, _, info = rig.run(["sh", "-c", "exit 3"])
    assert info.exit_code == 3


@needs_root
def test_large_output_is_logged_completely(rig: Rig) -> None:
    script = "i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done; printf end"
    cfg, _, info = rig.run(["sh", "-c", script])
    assert info.exit_code == 0
    text = b"".join(t if flag == "P" else t + b"\n" for stream, flag, t in log_records(cfg.log_path)
                    if stream == "stdout")
    assert text == b"".join(b"line%d\n" % i for i in range(20000)) + b"end"


@needs_root
def test_drain_is_bounded_when_a_leftover_process_holds_the_pipes(rig: Rig) -> None:
    start = time.monotonic()
    cfg, _, info = rig.run(["sh", "-c", "sleep 20 & echo bye"], pid_ns=False)
    assert info.exit_code == 0 and time.monotonic() - start < 10
    assert ("stdout", "F", b"bye") in log_records(cfg.log_path)


@needs_root
def test_exit_file_is_written_before_the_exited_message(rig: Rig) -> None:
    cfg = rig.config(["true"])
    handle = rig.spawn(cfg)
    pid = handle.wait_started(timeout=30)
    assert pid > 0
    info = handle.wait_exit()
    on_disk = read_exit_file(cfg.exit_file)
    assert info is not None and on_disk == info and info.exit_code == 0
    assert not [n for n in os.listdir(cfg.bundle) if n.endswith(".tmp")]


@needs_root
def test_killed_by_signal_gives_128_plus_signo(rig: Rig) -> None:
    _, _, info = rig.run(["sh", "-c", "kill -9 $$"], pid_ns=False)
    assert info.exit_code == 137

    cfg = rig.config(["sleep", "30"])
    handle = rig.spawn(cfg)
    pid = handle.wait_started(timeout=30)
    os.kill(pid, signal.SIGKILL)
    killed = handle.wait_exit()
    assert killed is not None and killed.exit_code == 137


@needs_root
def test_attach_forwards_raw_output(rig: Rig, capfd: pytest.CaptureFixture[str]) -> None:
    cfg, _, info = rig.run(["sh", "-c", "echo to-out; printf part; echo to-err >&2"], attach=True)
    assert info.exit_code == 0
    out, err = capfd.readouterr()
    assert out == "to-out\npart" and err == "to-err\n"
    assert ("stdout", "P", b"part") in log_records(cfg.log_path)


@needs_root
def test_log_driver_none_writes_no_log(rig: Rig) -> None:
    cfg, _, info = rig.run(["echo", "hi"], log_driver="none")
    assert info.exit_code == 0 and not os.path.exists(cfg.log_path)


@needs_root
@pytest.mark.parametrize("runtime_log", [True, False], ids=["json-log", "stderr"])
def test_missing_command_is_127(rig: Rig, runtime_log: bool) -> None:
    marker = os.path.join(rig.base, "MARK")
    cfg = rig.config(["nope"], exit_command=["/usr/bin/touch", marker], runtime_log=runtime_log)
    for _ in range(2):  # a second failure must report its own message, not a stale one
        handle = rig.spawn(cfg)
        with pytest.raises(CommandNotFound) as exc:
            handle.wait_started(timeout=30)
        assert exc.value.exit_code == 127
        assert str(exc.value).startswith("runc: ")
        assert 'exec: "nope": executable file not found in $PATH' in str(exc.value)
        assert str(exc.value).endswith("OCI runtime attempted to invoke a command that was not found")
        status = handle.reap(block_for=5)
        assert status is not None and os.waitstatus_to_exitcode(status) == 1
        handle.close()
    assert not os.path.exists(cfg.exit_file) and not os.path.exists(marker)


@needs_root
def test_non_executable_command_is_126(rig: Rig) -> None:
    cfg = rig.config(["/bin/noexec"])
    handle = rig.spawn(cfg)
    with pytest.raises(CommandNotExecutable) as exc:
        handle.wait_started(timeout=30)
    assert exc.value.exit_code == 126
    assert 'exec: "/bin/noexec": permission denied' in str(exc.value)
    assert str(exc.value).endswith(": OCI permission denied")


@needs_root
def test_detached_runs_the_exit_command(rig: Rig) -> None:
    marker = os.path.join(rig.base, "MARK")
    cfg = rig.config(["sh", "-c", "sleep 0.2; exit 5"], exit_command=["/usr/bin/touch", marker])
    handle = rig.spawn(cfg)
    handle.wait_started(timeout=30)
    handle.close()  # the CLI of `run -d` is gone
    status = handle.reap(block_for=15)
    # touch's status: the exit command replaced the monitor process
    assert status is not None and os.waitstatus_to_exitcode(status) == 0
    assert os.path.exists(marker)
    info = read_exit_file(cfg.exit_file)
    assert info is not None and info.exit_code == 5
    state = subprocess.run([RUNC, "--root", rig.runtime_root, "state", cfg.cid], capture_output=True)
    assert state.returncode != 0  # the monitor deleted the runtime's state


@needs_root
def test_acked_cleanup_skips_the_exit_command(rig: Rig) -> None:
    marker = os.path.join(rig.base, "MARK")
    cfg = rig.config(["true"], exit_command=["/usr/bin/touch", marker], debug=True)
    handle = rig.spawn(cfg)
    handle.wait_started(timeout=30)
    info = handle.wait_exit()
    assert info is not None and info.exit_code == 0
    handle.ack_cleanup()
    status = handle.reap(block_for=15)
    assert status is not None and os.waitstatus_to_exitcode(status) == 0
    assert not os.path.exists(marker)
    with open(os.path.join(cfg.bundle, "monitor.log")) as f:
        debug_log = f.read()
    assert "container pid" in debug_log and "cleaned up" in debug_log


@needs_root
def test_vanished_monitor_gives_none(rig: Rig) -> None:
    cfg = rig.config(["sleep", "30"])
    handle = rig.spawn(cfg)
    handle.wait_started(timeout=30)
    os.kill(handle.pid, signal.SIGKILL)
    assert handle.wait_exit() is None
    assert read_exit_file(cfg.exit_file) is None


@needs_root
def test_forward_signals_reaches_the_container(rig: Rig) -> None:
    cfg = rig.config(["sh", "-c", "trap 'exit 42' TERM; sleep 30 & wait"])
    handle = rig.spawn(cfg)
    pid = handle.wait_started(timeout=30)
    time.sleep(0.3)  # let the shell install its trap
    with forward_signals(pid):
        os.kill(os.getpid(), signal.SIGTERM)
        info = handle.wait_exit()
    assert info is not None and info.exit_code == 42
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def _smaps(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/smaps_rollup") as f:
        fields = {}
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


@needs_root
def test_monitor_memory_is_small(rig: Rig) -> None:
    cfg = rig.config(["sleep", "30"])
    handle = rig.spawn(cfg)
    handle.wait_started(timeout=30)
    time.sleep(0.2)
    mem = _smaps(handle.pid)
    print(f"\npodpy-monitor: Rss {mem['Rss']} kB, Pss {mem['Pss']} kB, Anonymous {mem['Anonymous']} kB")
    # conmon 2.1.6 on this host: Rss ~2070 kB, Anonymous 332 kB (Pss 1121 kB alone, ~640 kB with 4 running).
    # Anonymous memory is what each further container costs; Rss is mostly shared libc pages.
    assert mem["Anonymous"] < 332 and mem["Rss"] < 2600
    os.kill(handle.pid, signal.SIGKILL)
