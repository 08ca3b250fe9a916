"""`exec`: run a further process in a running container through the OCI runtime.

The process description starts from the container's own spec (capabilities, rlimits,
environment) and overrides what the user asked for. The runtime writes its own errors
on stderr, mixed with the process's: stderr is held back until the runtime's pid file
shows that the process started, so a failure to start is reported once, as an
`Error:` line with Podman's exit code (126, 127), and never echoed raw.

With -t the session runs through a monitor in exec mode instead: it owns the pty master,
and the CLI attaches to it like `run -it` (raw terminal, resizes, detach keys leave the
process running under its monitor).
"""

from __future__ import annotations

import json
import os
import select
import sys

from podpy.define.states import ContainerStatus
from podpy.errors import InvalidStateError
from podpy.runtime.monitor import read_exit_file, runtime_error
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import sync
from podpy.specgen.user import resolve_user
from podpy.util.ids import new_id
from podpy.util.record import record


@record
class ExecRequest:
    command: list[str]
    env: dict[str, str]
    user: str = ""
    workdir: str = ""
    detach: bool = False
    interactive: bool = False
    privileged: bool = False
    tty: bool = False
    detach_keys: bytes = b""
    console_size: tuple[int, int] | None = None


def _all_capabilities() -> list[str]:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except OSError:
        last = 40
    names = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
             "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
             "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
             "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
             "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
             "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
             "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
             "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]
    return names[: last + 1]


def _process_spec(rt: Runtime, ctr_id: str, rootfs: str, req: ExecRequest) -> dict[str, object]:
    with open(os.path.join(rt.store_paths.container_userdata(ctr_id), "config.json")) as f:
        process = dict(json.load(f)["process"])
    env = {k: v for k, v in (item.partition("=")[::2] for item in process.get("env", []))}
    env.update(req.env)
    process["env"] = [f"{k}={v}" for k, v in env.items()]
    process["args"] = list(req.command)
    process["terminal"] = req.tty
    if req.tty:
        if not any(item.startswith("TERM=") for item in process["env"]):
            process["env"].append("TERM=xterm")
        if req.console_size:
            process["consoleSize"] = {"height": req.console_size[0], "width": req.console_size[1]}
    else:
        process.pop("consoleSize", None)
    if req.workdir:
        process["cwd"] = req.workdir
    if req.user:
        user = resolve_user(req.user, rootfs)
        process["user"] = {"uid": user.uid, "gid": user.gid,
                           **({"additionalGids": list(user.additional_gids)} if user.additional_gids else {})}
    if req.privileged:
        caps = _all_capabilities()
        process["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps}
    return process


def exec_in(rt: Runtime, name_or_id: str, req: ExecRequest) -> int:
    """Run ``req`` in the container; the process's exit code (0 when detached)."""
    ctr = sync(rt, rt.state.lookup_container(name_or_id))
    if ctr.state.status is not ContainerStatus.RUNNING:
        raise InvalidStateError("can only create exec sessions on running containers: container state improper")
    session = new_id()[:16]
    run_dir = rt.run_paths.container_dir(ctr.id)
    os.makedirs(run_dir, exist_ok=True)
    process_file = os.path.join(run_dir, f"exec-{session}.json")
    pid_file = os.path.join(run_dir, f"exec-{session}.pid")
    log_file = os.path.join(run_dir, f"exec-{session}.log")
    with open(process_file, "w") as f:
        json.dump(_process_spec(rt, ctr.id, ctr.state.rootfs, req), f)
    runtime = rt.host.runtime_path
    if req.tty:
        return _exec_with_monitor(rt, ctr.id, req, session, process_file, pid_file, log_file)
    argv = [runtime, "--root", rt.run_paths.runtime_root, "--log", log_file, "--log-format", "json", "exec",
            "--process", process_file, "--pid-file", pid_file, *(["-d"] if req.detach else []), ctr.id]
    try:
        return _run_runtime(argv, runtime, pid_file, log_file, interactive=req.interactive and not req.detach,
                            quiet=req.detach)
    finally:
        for path in (process_file, pid_file, log_file):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _exec_with_monitor(rt: Runtime, ctr_id: str, req: ExecRequest, session: str, process_file: str,
                       pid_file: str, log_file: str) -> int:
    from podpy.runtime.attach import AttachStreams, stream
    from podpy.runtime.monitor import MonitorConfig, spawn_monitor

    run_dir = rt.run_paths.container_dir(ctr_id)
    exit_file = os.path.join(run_dir, f"exec-{session}.exit")
    handle = spawn_monitor(MonitorConfig(
        cid=ctr_id, runtime=rt.host.runtime_path, runtime_root=rt.run_paths.runtime_root, bundle=run_dir,
        pidfile=pid_file, exit_file=exit_file, runtime_log=log_file, log_driver="none", terminal=True,
        stdin=req.interactive, attach_client=not req.detach, exec_process=process_file, debug=rt.opts.debug))
    detached = req.detach
    try:
        handle.wait_started()
        if detached:
            return 0
        result = stream(handle.attach_fd, AttachStreams(stdin=req.interactive, tty=True,
                                                        detach_keys=req.detach_keys))
        if result.detached:
            detached = True
            return 0
        info = handle.wait_exit()
        if info is None:
            info = read_exit_file(exit_file)
        return info.exit_code if info else 255
    finally:
        handle.close()
        if not detached:
            try:
                os.unlink(exit_file)
            except FileNotFoundError:
                pass


def _runtime_message(log_file: str) -> str:
    message = ""
    try:
        with open(log_file) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("level") in ("error", "fatal"):
                    message = str(entry.get("msg", ""))
    except OSError:
        pass
    return message


def _run_runtime(argv: list[str], runtime: str, pid_file: str, log_file: str, *, interactive: bool,
                 quiet: bool) -> int:
    devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    read_end, write_end = os.pipe2(os.O_CLOEXEC)
    actions = [(os.POSIX_SPAWN_DUP2, 0 if interactive else devnull, 0),
               (os.POSIX_SPAWN_DUP2, devnull if quiet else 1, 1),
               (os.POSIX_SPAWN_DUP2, write_end, 2)]
    try:
        pid = os.posix_spawn(runtime, argv, dict(os.environ), file_actions=actions)
    finally:
        os.close(devnull)
        os.close(write_end)
    held: list[bytes] = []
    started = False
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], 0.05)
            if not started and os.path.exists(pid_file):
                started = True
                for chunk in held:
                    _write_stderr(chunk, quiet)
                held.clear()
            if ready:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                if started:
                    _write_stderr(chunk, quiet)
                else:
                    held.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if not started and not os.path.exists(pid_file) and code != 0:
        message = _runtime_message(log_file) or b"".join(held).decode(errors="replace").strip()
        raise runtime_error(runtime, message, code)
    for chunk in held:
        _write_stderr(chunk, quiet)
    return code if code >= 0 else 128 - code


def _write_stderr(chunk: bytes, quiet: bool) -> None:
    if not quiet:
        sys.stderr.buffer.write(chunk)
        sys.stderr.buffer.flush()
