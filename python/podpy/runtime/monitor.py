"""Spawning the per-container monitor (``podpy-monitor``) and speaking its protocol.

The monitor outlives the CLI: it runs the OCI runtime, writes the k8s-file log
and the exit file, and runs the exit command. The CLI only needs the handshake
(container pid or the runtime's error) and, when attached, the exit code.

Protocol (its Rust twin is ``rust/podpy-monitor/src/protocol.rs``). The sync fd
is a Unix stream socket at fd 3 in the monitor, one JSON object per line:

  monitor → CLI  {"type":"started","pid":N}
                 {"type":"error","message":"…","runtime_exit_code":N}   (the monitor then exits 1)
                 {"type":"exited","exit_code":N,"exited_at":"RFC3339"}
  CLI → monitor  {"type":"cleaned"}   (attached CLI did the cleanup: the monitor skips the exit command)

Exit file, written atomically before "exited" is sent:
  {"exit_code":N,"exited_at":"RFC3339","oom_killed":false}

``runtime_exit_code`` is -1 when the runtime never ran (or the monitor itself failed).

Attach socket (``--attach-socket PATH``, SOCK_SEQPACKET; ``--attach-fd 4`` is one more client
connected before the runtime runs, so an attached CLI misses no output). Any number of clients;
each packet is one kind byte and its payload:

  monitor → client  1 DATA       stdout bytes (all tty output is stdout)
                    2 DATA       stderr bytes
                    3 CODE       the container exited with CODE (i32 big-endian); then EOF
  client → monitor  1 DATA       bytes for the container's stdin (dropped unless ``--stdin``)
                    2            end of the client's stdin: close the container's stdin (pipes only)
                    3 ROWS COLS  resize the tty (u16 big-endian each)

A client detaches by closing its end; the container keeps running. ``--terminal``: the runtime
gets ``--console-socket`` and the monitor owns the pty master; ``--exec-process FILE``: exec mode
(``runtime exec --detach --process FILE``, no runtime ``delete`` afterwards); ``--create``:
``runtime create`` (`podpy init`), the process waits for ``runtime start``.

Log drivers: ``k8s-file`` (``TIMESTAMP STREAM F|P TEXT``), ``json-file`` (Docker's
``{"log":…,"stream":…,"time":…}`` lines), ``none``, ``passthrough`` (the monitor's fds 0-2, the
CLI's own, go to the runtime and the container). ``--log-size-max N``: before a record would take
the file past N bytes it is replaced by an empty one (a new inode), as conmon does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.errors import CommandNotExecutable, CommandNotFound, PodpyError, RuntimeStartError
from podpy.util.jsonfast import loads
from podpy.util.record import field, record

SYNC_FD = 3
ATTACH_FD = 4
ATTACH_SOCKET = "attach"  # in the container's run directory
PKT_STDOUT = 1
PKT_STDERR = 2
PKT_EXIT = 3
PKT_STDIN = 1
PKT_STDIN_EOF = 2
PKT_RESIZE = 3
PKT_MAX_DATA = 8192
MSG_STARTED = "started"
MSG_ERROR = "error"
MSG_EXITED = "exited"
MSG_CLEANED = "cleaned"
NO_RUNTIME_EXIT = -1

LOG_DRIVER_K8S_FILE = "k8s-file"
LOG_DRIVER_JSON_FILE = "json-file"
LOG_DRIVER_NONE = "none"
LOG_DRIVER_PASSTHROUGH = "passthrough"
LOG_DRIVERS = (LOG_DRIVER_K8S_FILE, LOG_DRIVER_JSON_FILE, LOG_DRIVER_NONE, LOG_DRIVER_PASSTHROUGH)

MONITOR_NAME = "podpy-monitor"
MONITOR_ENV = "PODPY_MONITOR"

# Podman's suffixes (libpod/define/errors.go) and its runtime-message classification.
_NOT_FOUND_SUFFIX = "OCI runtime attempted to invoke a command that was not found"
_PERMISSION_SUFFIX = "OCI permission denied"
_RUNTIME_SUFFIX = "OCI runtime error"
_PERMISSION_MARKERS = ("permission denied", "operation not permitted")
_NOT_FOUND_MARKERS = ("executable file not found in", "no such file or directory", "open executable")

_MAX_LINE = 64 * 1024


@record
class MonitorConfig:
    """Everything the monitor needs for one container start."""

    cid: str
    runtime: str
    bundle: str
    pidfile: str
    exit_file: str
    runtime_root: str = ""
    runtime_log: str = ""
    log_driver: str = LOG_DRIVER_K8S_FILE
    log_path: str = ""
    log_size_max: int = 0  # bytes; 0 or negative: no limit
    attach: bool = False  # forward output straight to our own stdout/stderr (inherited fds)
    terminal: bool = False
    stdin: bool = False
    create: bool = False  # `runtime create`: the process waits for `runtime start`
    attach_socket: str = ""
    attach_client: bool = False  # connect an attach client (socketpair) before the runtime runs
    exec_process: str = ""
    exit_command: list[str] = field(default_factory=list)
    debug: bool = False

    def argv(self, binary: str) -> list[str]:
        """The monitor's command line (the sync socket is always at fd 3)."""
        args = [binary, "--cid", self.cid, "--runtime", self.runtime]
        if self.runtime_root:
            args += ["--runtime-root", self.runtime_root]
        args += ["--bundle", self.bundle, "--pidfile", self.pidfile]
        if self.runtime_log:
            args += ["--runtime-log", self.runtime_log]
        # Podman 4.3.1 hands conmon k8s-file for json-file: the same file format, only inspect tells them apart.
        args += ["--log-driver", LOG_DRIVER_K8S_FILE if self.log_driver == LOG_DRIVER_JSON_FILE else self.log_driver]
        if self.log_path:
            args += ["--log-path", self.log_path]
        if self.log_size_max > 0:
            args += ["--log-size-max", str(self.log_size_max)]
        args += ["--exit-file", self.exit_file, "--sync-fd", str(SYNC_FD)]
        if self.attach:
            args.append("--attach")
        if self.terminal:
            args.append("--terminal")
        if self.stdin:
            args.append("--stdin")
        if self.create:
            args.append("--create")
        if self.attach_socket:
            args += ["--attach-socket", self.attach_socket]
        if self.attach_client:
            args += ["--attach-fd", str(ATTACH_FD)]
        if self.exec_process:
            args += ["--exec-process", self.exec_process]
        for arg in self.exit_command:
            args += ["--exit-command", arg]
        if self.debug:
            args += ["--log-level", "debug"]
        return args


@record
class ExitInfo:
    exit_code: int
    exited_at: str
    oom_killed: bool = False


def monitor_binary() -> str:
    """$PODPY_MONITOR, else the packaged libexec copy, else a development build."""
    override = os.environ.get(MONITOR_ENV)
    if override:
        return override
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates = [os.path.join(package_dir, "libexec", MONITOR_NAME)]
    repo = os.path.dirname(os.path.dirname(package_dir))
    if os.path.isfile(os.path.join(repo, "Cargo.toml")):
        candidates += [os.path.join(repo, "target", kind, MONITOR_NAME) for kind in ("release", "debug")]
    for path in candidates:
        if os.access(path, os.X_OK) and os.path.isfile(path):
            return path
    raise PodpyError(f"{MONITOR_NAME} not found (looked in {', '.join(candidates)})",
                     hint=f"build it with `cargo build --release -p {MONITOR_NAME}` or set ${MONITOR_ENV}")


def runtime_error(runtime: str, message: str, runtime_exit_code: int) -> PodpyError:
    """Classify the runtime's own message the way Podman does (exit codes 126, 127, else 125)."""
    name = os.path.basename(runtime) or runtime
    text = message.strip("\n")
    if runtime_exit_code == NO_RUNTIME_EXIT:
        return RuntimeStartError(text or f"{name}: the OCI runtime could not be run")
    for line in text.splitlines():
        lowered = line.lower()
        if any(marker in lowered for marker in _PERMISSION_MARKERS):
            return CommandNotExecutable(f"{name}: {line}: {_PERMISSION_SUFFIX}")
    for line in text.splitlines():
        lowered = line.lower()
        if any(marker in lowered for marker in _NOT_FOUND_MARKERS):
            return CommandNotFound(f"{name}: {line}: {_NOT_FOUND_SUFFIX}")
    return RuntimeStartError(f"{name}: {text}: {_RUNTIME_SUFFIX}")


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)}"
    return f"ended with wait status {status}"


class MonitorHandle:
    """The CLI's end of one monitor: the handshake, the exit message and the cleanup ack."""

    def __init__(self, pid: int, fd: int, runtime: str, attach_fd: int = -1) -> None:
        self.pid = pid
        self.container_pid = 0
        self.attach_fd = attach_fd  # our end of the attach client connected at spawn, or -1
        self._fd = fd
        self._runtime = runtime
        self._buf = b""
        self._status: int | None = None

    def _read_message(self, timeout: float | None = None) -> dict[str, object] | None:
        """The next JSON line, or None at EOF (the monitor exited or exec'd its exit command)."""
        while b"\n" not in self._buf:
            if self._fd < 0:
                return None
            if timeout is not None:
                import select

                poller = select.poll()
                poller.register(self._fd, select.POLLIN)
                if not poller.poll(max(0, int(timeout * 1000))):
                    raise PodpyError(f"{MONITOR_NAME} did not answer within {timeout:g} seconds")
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                return None
            self._buf += chunk
            if len(self._buf) > _MAX_LINE:
                raise PodpyError(f"{MONITOR_NAME} sent an over-long message")
        line, _, self._buf = self._buf.partition(b"\n")
        try:
            msg = loads(line)
        except ValueError as e:
            raise PodpyError(f"{MONITOR_NAME} sent an unreadable message: {line[:200]!r}") from e
        if not isinstance(msg, dict):
            raise PodpyError(f"{MONITOR_NAME} sent an unexpected message: {line[:200]!r}")
        return msg

    def reap(self, *, block_for: float = 0.0) -> int | None:
        """The monitor's wait status if it has exited (waiting up to ``block_for`` seconds)."""
        if self._status is not None:
            return self._status
        import time

        deadline = time.monotonic() + block_for
        while True:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == self.pid:
                self._status = status
                return status
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def wait_started(self, timeout: float | None = None) -> int:
        """The container pid once the runtime started it; raises the runtime's error otherwise."""
        msg = self._read_message(timeout)
        if msg is None:
            status = self.reap(block_for=2.0)
            how = "ended" if status is None else _describe_status(status)
            raise RuntimeStartError(f"{MONITOR_NAME} {how} before the container started")
        kind = msg.get("type")
        if kind == MSG_STARTED:
            pid = msg.get("pid")
            if not isinstance(pid, int) or pid <= 0:
                raise PodpyError(f"{MONITOR_NAME} reported an invalid pid: {pid!r}")
            self.container_pid = pid
            return pid
        if kind == MSG_ERROR:
            self.reap(block_for=1.0)
            code = msg.get("runtime_exit_code")
            raise runtime_error(self._runtime, str(msg.get("message") or ""),
                                code if isinstance(code, int) else NO_RUNTIME_EXIT)
        raise PodpyError(f"{MONITOR_NAME} sent an unexpected message: {msg!r}")

    def wait_exit(self) -> ExitInfo | None:
        """Block until the container exited; None if the monitor vanished (read the exit file then)."""
        while True:
            msg = self._read_message()
            if msg is None:
                self.reap()
                return None
            if msg.get("type") == MSG_EXITED:
                code = msg.get("exit_code")
                return ExitInfo(exit_code=code if isinstance(code, int) else -1,
                                exited_at=str(msg.get("exited_at") or ""), oom_killed=False)

    def ack_cleanup(self) -> None:
        """Tell the monitor the CLI cleaned up, so it skips the exit command."""
        if self._fd < 0:
            return
        try:
            os.write(self._fd, b'{"type":"%s"}\n' % MSG_CLEANED.encode())
        except OSError:
            pass

    def close(self) -> None:
        """Drop our end: a detached monitor then runs the exit command when the container ends."""
        if self.attach_fd >= 0:
            os.close(self.attach_fd)
            self.attach_fd = -1
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self.reap()

    def __enter__(self) -> MonitorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _socketpair(kind: int | None = None) -> tuple[int, int]:
    """A connected pair of close-on-exec Unix sockets as raw fds (``_socket`` imports fast)."""
    import _socket

    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM if kind is None else kind)
    return a.detach(), b.detach()


def spawn_monitor(cfg: MonitorConfig, *, binary: str | None = None) -> MonitorHandle:
    """Start a monitor in its own session; the caller then calls ``wait_started``."""
    import _socket
    import fcntl

    path = binary or monitor_binary()
    parent_end, child_end = _socketpair()
    fds = [child_end]
    attach_end = -1
    try:
        if cfg.attach_client:
            attach_end, attach_child = _socketpair(_socket.SOCK_SEQPACKET)
            fds.append(attach_child)
            attach_copy = fcntl.fcntl(attach_child, fcntl.F_DUPFD_CLOEXEC, 10)
            fds.append(attach_copy)
        devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        fds.append(devnull)
        # Copies at 10 and above, so no dup2 below overwrites a source a later one still needs
        # (the CLI's own 0-2 may have been closed and reused).
        null = fcntl.fcntl(devnull, fcntl.F_DUPFD_CLOEXEC, 10)
        fds.append(null)
        sync = fcntl.fcntl(child_end, fcntl.F_DUPFD_CLOEXEC, 10)
        fds.append(sync)
        passthrough = cfg.log_driver == LOG_DRIVER_PASSTHROUGH
        actions = [] if passthrough else [(os.POSIX_SPAWN_DUP2, null, 0)]
        if not cfg.attach and not passthrough:
            actions += [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
        actions.append((os.POSIX_SPAWN_DUP2, sync, SYNC_FD))
        if cfg.attach_client:
            actions.append((os.POSIX_SPAWN_DUP2, attach_copy, ATTACH_FD))
        pid = os.posix_spawn(path, cfg.argv(path), os.environ, file_actions=actions, setsid=True)
    except OSError as e:
        _close_all(parent_end, attach_end)
        raise PodpyError(f"cannot run {path}: {e.strerror or e}") from e
    except BaseException:
        _close_all(parent_end, attach_end)
        raise
    finally:
        for fd in fds:
            os.close(fd)
    return MonitorHandle(pid, parent_end, cfg.runtime, attach_end)


def _close_all(*fds: int) -> None:
    for fd in fds:
        if fd >= 0:
            os.close(fd)


def read_exit_file(path: str) -> ExitInfo | None:
    """The monitor's record of the exit, or None if it is not (yet) there."""
    try:
        with open(path, "rb") as f:
            data = loads(f.read())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exit_code"), int):
        return None
    return ExitInfo(exit_code=data["exit_code"], exited_at=str(data.get("exited_at") or ""),
                    oom_killed=bool(data.get("oom_killed", False)))


@contextmanager
def forward_signals(pid: int) -> Iterator[None]:
    """--sig-proxy to a known pid (see :class:`podpy.runtime.sigproxy.SignalProxy`)."""
    from podpy.runtime.sigproxy import SignalProxy

    with SignalProxy(pid > 0) as proxy:
        proxy.target(pid)
        yield
