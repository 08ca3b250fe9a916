"""Container operations, each in Podman's order: lock → sync → guard → act → save.

The per-container flock serialises podpy processes working on the same
container; the state database makes each step's result visible atomically.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from podpy.define.names import random_name
from podpy.define.states import ContainerStatus
from podpy.errors import InvalidStateError, NameInUse, PodpyError, RuntimeStartError
from podpy.runtime.monitor import (
    ATTACH_SOCKET,
    LOG_DRIVER_JSON_FILE,
    LOG_DRIVER_K8S_FILE,
    ExitInfo,
    MonitorConfig,
    MonitorHandle,
    read_exit_file,
    spawn_monitor,
)
from podpy.runtime.oci import OciRuntime
from podpy.runtime.policies import LogSettings, RestartPolicy, should_restart
from podpy.runtime.runtime import Runtime
from podpy.runtime.sync import alive, sync
from podpy.specgen.generator import BasicSpec, NetworkSpec, SpecGenerator, StorageSpec
from podpy.specgen.mounts import UserMount
from podpy.specgen.oci import DEFAULT_CAPABILITIES, HostDefaults, ImageDefaults, Rlimit, build_oci_spec
from podpy.specgen.resources import ResourceSpec
from podpy.specgen.security import SecuritySpec
from podpy.specgen.user import resolve_user
from podpy.state.records import Container, ContainerConfig, ContainerState
from podpy.storage.records import Image
from podpy.util import log
from podpy.util.atomic import atomic_write
from podpy.util.fs import remove_tree
from podpy.util.ids import new_id, short_id
from podpy.util.jsonfast import dumps, loads
from podpy.util.locks import flocked
from podpy.util.record import asdict, replace
from podpy.util.timefmt import now_rfc3339

_NAME_ATTEMPTS = 20


def image_defaults(image: Image | None) -> ImageDefaults:
    if image is None:
        return ImageDefaults()
    config = loads(image.config).get("config") or {}
    return ImageDefaults(env=list(config.get("Env") or []), entrypoint=list(config.get("Entrypoint") or []),
                         cmd=list(config.get("Cmd") or []), workdir=str(config.get("WorkingDir") or ""),
                         user=str(config.get("User") or ""), stop_signal=str(config.get("StopSignal") or ""))


@contextmanager
def locked(rt: Runtime, container_id: str) -> Iterator[None]:
    with flocked(rt.run_paths.lock_file(container_id)):
        yield


def create(rt: Runtime, gen: SpecGenerator, image: Image | None, image_name: str, *,
           log: LogSettings | None = None, restart: RestartPolicy | None = None) -> Container:
    """Record the container, then make its writable layer; a crash in between leaves it `configured`.

    ``log``: the log driver and options (default: containers.conf's driver); ``restart``: the policy.
    ``image`` None: `--rootfs`, the container runs in the directory ``image_name`` itself (no overlay).
    """
    gen.validate()
    member = None
    if gen.namespaces.pod or gen.namespaces.modes or ":" in gen.network.mode:
        from podpy.runtime import namespaces

        gen, member = namespaces.resolve_for_create(rt, gen)
    log = log or LogSettings(driver=rt.opts.log_driver)
    restart = restart or RestartPolicy()
    defaults = image_defaults(image)
    container_id = new_id()
    entrypoint = list(defaults.entrypoint if gen.basic.entrypoint is None else gen.basic.entrypoint)
    command = list(gen.basic.command or ([] if gen.basic.entrypoint is not None else defaults.cmd))
    args_preview = [*entrypoint, *command]
    if not args_preview:
        raise PodpyError("no command or entrypoint provided, and no CMD or ENTRYPOINT from image")
    systemd_mode, stop_signal, env = _systemd_settings(gen, defaults, args_preview, container_id)
    if gen.basic.init:
        init_path = gen.basic.init_path or _host_defaults(rt, gen).init_path
        if not os.path.exists(init_path):
            from podpy.errors import UsageError

            raise UsageError(f"container-init binary not found on the host: stat {init_path}: no such file or "
                             "directory")
    user_mounts = list(gen.storage.mounts)
    if image is not None and '"Volumes"' in image.config:
        from podpy.runtime import volumes

        user_mounts = volumes.with_image_volumes(image.config, user_mounts)
    if any(m.type == "volume" for m in user_mounts):
        from podpy.runtime import volumes

        user_mounts = volumes.ensure_for_create(rt, user_mounts)
    secret_refs: list[dict[str, object]] = []
    if gen.storage.secrets:
        from podpy.runtime import secrets

        secret_refs = secrets.resolve_for_create(rt, gen.storage.secrets)
    userdata = rt.store_paths.container_userdata(container_id)
    log_path = ""
    if log.driver in (LOG_DRIVER_K8S_FILE, LOG_DRIVER_JSON_FILE):
        log_path = os.path.abspath(log.path) if log.path else os.path.join(userdata, "ctr.log")
    config = ContainerConfig(
        id=container_id, name=gen.basic.name, image_id=image.id if image else "", image_name=image_name,
        rootfs_from_image=image is not None, rootfs_path="" if image else image_name,
        created_at=now_rfc3339(), command=command, entrypoint=entrypoint, args=args_preview,
        oci_runtime=os.path.basename(rt.host.runtime_path),
        env=env,
        workdir=gen.basic.workdir or defaults.workdir or "/", user=gen.basic.user or defaults.user,
        hostname=gen.basic.hostname or container_id[:12], network_mode=gen.network.mode,
        labels=dict(gen.basic.labels), annotations=dict(gen.basic.annotations),
        auto_remove=gen.basic.auto_remove, log_driver=log.driver, log_path=log_path, log_size_max=log.size_max,
        log_tag=log.tag, restart_policy=restart.name, restart_retries=restart.retries,
        stop_signal=stop_signal, stop_timeout=gen.basic.stop_timeout, create_command=list(sys.argv),
        read_only=gen.storage.read_only,
        mounts=[m.to_oci() for m in user_mounts], tty=gen.basic.terminal, stdin=gen.basic.stdin,
        security=asdict(gen.security), resources=asdict(gen.resources), init=gen.basic.init,
        init_path=gen.basic.init_path, pidfile=gen.basic.pidfile, read_only_tmpfs=gen.storage.read_only_tmpfs,
        systemd_mode=systemd_mode,
        networks=_joined_networks(rt, gen), static_ip=gen.network.static_ip, static_mac=gen.network.static_mac,
        ports=_host_ports(gen, image), network_aliases=list(gen.network.aliases),
        dns_servers=list(gen.network.dns_servers), dns_search=list(gen.network.dns_search),
        dns_options=list(gen.network.dns_options),
        add_hosts=list(gen.network.add_hosts), secrets=secret_refs,
        pod=member.pod_id if member else "", namespaces=dict(gen.namespaces.modes),
        cgroup_parent=member.cgroup_parent if member else "",
    )
    state = ContainerState(status=ContainerStatus.CONFIGURED, boot_id=rt.boot_id)
    try:
        if gen.basic.name:
            rt.state.add_container(config, state)
        else:
            for attempt in range(_NAME_ATTEMPTS):
                config = replace(config, name=random_name())
                try:
                    rt.state.add_container(config, state)
                    break
                except NameInUse:
                    if attempt == _NAME_ATTEMPTS - 1:
                        raise
    except BaseException:
        _drop_new_anonymous_volumes(rt, config, state)
        raise
    try:
        if image is not None:
            rt.store.rootfs.create(container_id, image.id)
        else:
            os.makedirs(userdata, mode=0o700, exist_ok=True)
    except BaseException:
        rt.store.rootfs.delete(container_id)
        rt.state.remove_container(container_id)
        _drop_new_anonymous_volumes(rt, config, state)
        raise
    state.status = ContainerStatus.CREATED
    rt.state.save_state(container_id, state)
    return Container(config, state)


def _systemd_settings(gen: SpecGenerator, image: ImageDefaults, args: list[str],
                      container_id: str) -> tuple[bool, int, list[str]]:
    """--systemd decided with the command: (mode, stop signal, env). The stop signal: the user's, the image's,
    SIGRTMIN+3 in systemd mode, else SIGTERM (Podman's order)."""
    from podpy.specgen import systemd

    mode = systemd.wanted(gen.basic.systemd, args)
    env = dict(gen.basic.env)
    if mode:
        env.setdefault("container_uuid", systemd.container_uuid(container_id))
    stop_signal = gen.basic.stop_signal
    if not stop_signal and image.stop_signal:
        from podpy.define.signals import parse_signal

        stop_signal = parse_signal(image.stop_signal)
    if not stop_signal:
        stop_signal = systemd.STOP_SIGNAL if mode else signal.SIGTERM
    return mode, int(stop_signal), [f"{k}={v}" for k, v in env.items()]


def _drop_new_anonymous_volumes(rt: Runtime, config: ContainerConfig, state: ContainerState) -> None:
    if any(m["type"] == "volume" for m in config.mounts):
        from podpy.runtime import volumes

        volumes.remove_anonymous(rt, Container(config, state))


def _joined_networks(rt: Runtime, gen: SpecGenerator) -> list[str]:
    if gen.network.mode != "bridge":
        return []
    from podpy.runtime.network_setup import resolve

    return resolve(rt, gen.network.networks)


def _host_ports(gen: SpecGenerator, image: Image | None) -> list[dict[str, object]]:
    ports = list(gen.network.ports)
    if gen.network.publish_all and image is not None:
        exposed = loads(image.config).get("config", {}).get("ExposedPorts") or {}
        given = {(p["container_port"], p["protocol"]) for p in ports}
        for key in exposed:
            number, _, proto = str(key).partition("/")
            if number.isdigit() and (int(number), proto or "tcp") not in given:
                ports.append({"host_ip": "", "host_port": 0, "container_port": int(number),
                              "protocol": proto or "tcp"})
    if not ports:
        return []
    from podpy.runtime.network_setup import assign_host_ports

    return assign_host_ports(ports)


def _exit_command(rt: Runtime, ctr: Container) -> list[str]:
    cmd = [sys.executable, "-m", "podpy", *rt.opts.global_args, "container", "cleanup"]
    if ctr.config.auto_remove:
        cmd.append("--rm")
    return [*cmd, ctr.id]


def _rlimits(rt: Runtime, ulimits: list[str]) -> list[Rlimit]:
    from podpy.runtime.probe import container_rlimits

    limits, warnings = container_rlimits(rt.opts.default_ulimits, ulimits)
    for warning in warnings:
        log.debug("%s", warning)
    return [Rlimit(r.type, r.soft, r.hard) for r in limits]


def generator_from_config(cfg: ContainerConfig) -> SpecGenerator:
    """The spec request a container was created with, as recorded (image defaults already resolved)."""
    env = dict(item.partition("=")[::2] for item in cfg.env)
    return SpecGenerator(
        basic=BasicSpec(name=cfg.name, image=cfg.image_name, command=list(cfg.command),
                        entrypoint=list(cfg.entrypoint), env=env, workdir=cfg.workdir, user=cfg.user,
                        hostname=cfg.hostname, labels=dict(cfg.labels), annotations=dict(cfg.annotations),
                        auto_remove=cfg.auto_remove, stop_signal=cfg.stop_signal, stop_timeout=cfg.stop_timeout,
                        terminal=cfg.tty, stdin=cfg.stdin, init=cfg.init, init_path=cfg.init_path,
                        pidfile=cfg.pidfile, systemd_mode=cfg.systemd_mode),
        storage=StorageSpec(read_only=cfg.read_only, read_only_tmpfs=cfg.read_only_tmpfs,
                            mounts=[UserMount(str(m["destination"]), str(m["type"]), str(m["source"]),
                                              [str(o) for o in m["options"]]) for m in cfg.mounts]),
        network=NetworkSpec(mode=cfg.network_mode, networks=list(cfg.networks), static_ip=cfg.static_ip,
                            static_mac=cfg.static_mac, ports=[dict(p) for p in cfg.ports],
                            aliases=list(cfg.network_aliases), dns_servers=list(cfg.dns_servers),
                            dns_search=list(cfg.dns_search), dns_options=list(cfg.dns_options),
                            add_hosts=list(cfg.add_hosts)),
        security=SecuritySpec(**cfg.security), resources=ResourceSpec(**cfg.resources),
    )


def _host_defaults(rt: Runtime, gen: SpecGenerator) -> HostDefaults:
    init_path = rt.opts.init_path
    if gen.basic.init and not gen.basic.init_path and not os.path.exists(init_path):
        # Debian's catatonit package installs here; Podman's own path exists only beside Podman.
        init_path = next((p for p in ("/usr/bin/catatonit", "/usr/libexec/catatonit/catatonit")
                          if os.path.exists(p)), init_path)
    return HostDefaults(capabilities=rt.opts.default_capabilities or DEFAULT_CAPABILITIES,
                        pids_limit=rt.opts.pids_limit, init_path=init_path,
                        cgroup_v2=gen.basic.systemd_mode and rt.host.cgroup_version == "v2")


def _prepare_bundle(rt: Runtime, ctr: Container, image: Image | None, console_size: tuple[int, int] | None) -> str:
    """Mount the rootfs and write config.json; returns the bundle directory."""
    from podpy.runtime.etcfiles import write_etc_files

    if ctr.config.rootfs_from_image and (image is None or image.id != ctr.config.image_id):
        image = rt.store.images.get(ctr.config.image_id)
    gen = generator_from_config(ctr.config)
    if not ctr.config.rootfs_from_image:
        rootfs = ctr.config.rootfs_path  # --rootfs: the directory itself, nothing to mount
    elif ctr.state.rootfs and os.path.ismount(ctr.state.rootfs):
        rootfs = ctr.state.rootfs  # mounted already (`podpy mount`)
    else:
        rootfs = rt.store.rootfs.mount(ctr.id, image.top_layer if image else "", volatile=ctr.config.auto_remove)
    if ctr.config.rootfs_from_image:
        ctr.state.rootfs = rootfs
    if any(m.type == "volume" for m in gen.storage.mounts):
        from podpy.runtime import volumes

        resolved = volumes.resolve(rt, gen.storage.mounts, rootfs, holder=ctr.id)
        gen = replace(gen, storage=replace(gen.storage, mounts=resolved))
    userdata = rt.store_paths.container_userdata(ctr.id)
    if ctr.config.secrets:
        from podpy.runtime import secrets

        secret_mounts, secret_env = secrets.for_start(rt, ctr, userdata)
        gen = replace(gen, basic=replace(gen.basic, env={**gen.basic.env, **secret_env}),
                      storage=replace(gen.storage, mounts=[*gen.storage.mounts, *secret_mounts]))
    ip = gateway = netns = dns_server = ""
    if ctr.config.networks:
        from podpy.runtime import network_setup

        attachments = network_setup.setup(rt, ctr)
        ip, gateway, netns = attachments[0].ip, attachments[0].gateway, network_setup.netns_path(rt, ctr.id)
        dns_server = gateway if attachments[0].dns else ""
    files = write_etc_files(userdata, container_id=ctr.id, name=ctr.name, image=ctr.config.image_name,
                            hostname=ctr.config.hostname, network_mode=ctr.config.network_mode, ip=ip,
                            gateway=gateway, dns_server=dns_server, config=ctr.config)
    defaults = image_defaults(image)
    user = resolve_user(gen.basic.user or defaults.user, rootfs, tuple(gen.security.group_add))
    from podpy.runtime.workdir import ensure_workdir

    ensure_workdir(rootfs, gen.basic.workdir or defaults.workdir, user.uid, user.gid)
    if any(m["type"] == "volume" and "U" in m["options"] for m in ctr.config.mounts):
        from podpy.runtime import volumes

        volumes.chown_for_user(rt, ctr.config.mounts, user.uid, user.gid)
    spec = build_oci_spec(gen, defaults, rootfs=rootfs, user=user, hostname=ctr.config.hostname, files=files,
                          rlimits=_rlimits(rt, gen.resources.ulimits),
                          cgroups_path=f"{ctr.config.cgroup_parent or '/podpy'}/podpy-{ctr.id}",
                          console_size=console_size, host=_host_defaults(rt, gen),
                          annotations={"io.podman.annotations.autoremove":
                                       "TRUE" if ctr.config.auto_remove else "FALSE", **ctr.config.annotations})
    if netns:
        for ns in spec["linux"]["namespaces"]:
            if ns["type"] == "network":
                ns["path"] = netns
    if ctr.config.pod or ctr.config.namespaces or ":" in ctr.config.network_mode:
        from podpy.runtime import namespaces

        namespaces.apply_to_spec(rt, ctr, spec)
    atomic_write(os.path.join(userdata, "config.json"), dumps(spec).encode(), fsync=False)
    return userdata


def start(rt: Runtime, ctr: Container, *, attach: bool, image: Image | None = None, attach_client: bool = False,
          console_size: tuple[int, int] | None = None) -> MonitorHandle:
    """Start a created or exited container through a new monitor; returns the monitor handle (pid known).

    ``image``: the container's image record when the caller has it already (saves a lookup).
    ``attach``: the CLI waits in the foreground for the container; its output goes straight to our
    stdout/stderr, or with ``attach_client`` through an attach connection made before the runtime
    runs (``handle.attach_fd``: stdin, tty). ``console_size``: the tty's first size (-t).
    A start by the user forgets earlier restarts and an earlier stop (Podman's RestartCount, StoppedByUser).
    """
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            raise InvalidStateError(f"container {ctr.id[:12]} was removed")
        if not current.state.status.can_start():
            raise InvalidStateError(f"container {ctr.id[:12]} is {current.state.status.value}, cannot start it")
        ctr.state = current.state
        ctr.state.restart_count = 0
        ctr.state.stopped_by_user = False
        return _start_locked(rt, ctr, attach=attach, image=image, attach_client=attach_client,
                             console_size=console_size)


def init(rt: Runtime, name_or_id: str) -> Container:
    """Podman's init: mounts, spec and the runtime's container made, its process waiting for `start`.

    The monitor runs `runtime create` and watches the process from then on, as conmon does.
    """
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            raise InvalidStateError(f"container {ctr.id[:12]} was removed")
        ctr = sync(rt, current)
        if not ctr.state.status.can_init():
            raise InvalidStateError(f"container {ctr.id} has already been created in runtime: "
                                    "container state improper")
        ctr.state.restart_count = 0
        ctr.state.stopped_by_user = False
        handle = _launch(rt, ctr, attach=False, create=True)
        handle.close()
        ctr.state.status = ContainerStatus.INITIALIZED
        ctr.state.pid = handle.container_pid
        ctr.state.monitor_pid = handle.pid
        ctr.state.boot_id = rt.boot_id
        rt.state.save_state(ctr.id, ctr.state)
        return ctr


def start_initialized(rt: Runtime, name_or_id: str) -> Container:
    """`runtime start` of an initialized container: its monitor is there already (attach to it first)."""
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            raise InvalidStateError(f"container {ctr.id[:12]} was removed")
        ctr = sync(rt, current)
        if ctr.state.status is not ContainerStatus.INITIALIZED:
            raise InvalidStateError(f"container {ctr.id[:12]} is {ctr.state.status.value}, not initialized: "
                                    "container state improper")
        if OciRuntime(rt.host.runtime_path, rt.run_paths.runtime_root).start(ctr.id) != 0:
            ctr = sync(rt, ctr)
            raise RuntimeStartError(f"{os.path.basename(rt.host.runtime_path)}: cannot start container "
                                    f"{ctr.id[:12]}: OCI runtime error")
        ctr.state.restart_count = 0
        ctr.state.stopped_by_user = False
        _record_running(rt, ctr, ctr.state.pid, ctr.state.monitor_pid)
        return ctr


def _launch(rt: Runtime, ctr: Container, *, attach: bool, image: Image | None = None, attach_client: bool = False,
            console_size: tuple[int, int] | None = None, create: bool = False) -> MonitorHandle:
    """Mount, write the bundle, spawn the monitor and wait for the pid (``create``: `runtime create` only)."""
    if ctr.config.log_tag and ctr.config.log_driver in (LOG_DRIVER_K8S_FILE, LOG_DRIVER_JSON_FILE):
        raise RuntimeStartError("k8s-file doesn't support --log-tag")  # conmon's refusal in Podman 4.3.1
    from podpy.runtime.probe import systemd_refusal

    refusal = systemd_refusal(rt.host.cgroup_manager, rt.host.runtime_name)
    if refusal:
        raise RuntimeStartError(refusal)
    bundle = _prepare_bundle(rt, ctr, image, console_size)
    run_dir = rt.run_paths.container_dir(ctr.id)
    os.makedirs(run_dir, exist_ok=True)
    exit_file = rt.run_paths.exit_file(ctr.id)
    try:
        os.unlink(exit_file)
    except FileNotFoundError:
        pass
    host = rt.host
    handle = spawn_monitor(MonitorConfig(
        cid=ctr.id, runtime=host.runtime_path, runtime_root=rt.run_paths.runtime_root, bundle=bundle,
        pidfile=os.path.join(run_dir, "pidfile"), runtime_log=os.path.join(run_dir, "runtime.log"),
        log_driver=ctr.config.log_driver, log_path=ctr.config.log_path, log_size_max=ctr.config.log_size_max,
        exit_file=exit_file, create=create,
        attach=attach and not attach_client, terminal=ctr.config.tty, stdin=ctr.config.stdin,
        attach_socket=os.path.join(run_dir, ATTACH_SOCKET), attach_client=attach and attach_client,
        exit_command=_exit_command(rt, ctr), debug=rt.opts.debug))
    try:
        handle.wait_started()
    except BaseException:
        handle.close()
        rt.store.rootfs.unmount(ctr.id)
        _release_network(rt, ctr)
        ctr.state.rootfs = ""
        rt.state.save_state(ctr.id, ctr.state)
        raise
    return handle


def _start_locked(rt: Runtime, ctr: Container, *, attach: bool, image: Image | None = None,
                  attach_client: bool = False, console_size: tuple[int, int] | None = None) -> MonitorHandle:
    handle = _launch(rt, ctr, attach=attach, image=image, attach_client=attach_client, console_size=console_size)
    _record_running(rt, ctr, handle.container_pid, handle.pid)
    return handle


def _record_running(rt: Runtime, ctr: Container, pid: int, monitor_pid: int) -> None:
    ctr.state.status = ContainerStatus.RUNNING
    ctr.state.pid = pid
    ctr.state.monitor_pid = monitor_pid
    ctr.state.started_at = now_rfc3339()
    ctr.state.boot_id = rt.boot_id
    ctr.state.exit_code = 0
    ctr.state.finished_at = ""
    rt.state.save_state(ctr.id, ctr.state)
    if ctr.config.pidfile:
        from podpy.util.atomic import atomic_write_text

        atomic_write_text(ctr.config.pidfile, str(pid), fsync=False)


def restart_due(ctr: Container) -> bool:
    """The container has exited and its restart policy asks for another run."""
    return ctr.state.status.is_finished() and not ctr.config.auto_remove and should_restart(
        RestartPolicy(ctr.config.restart_policy, ctr.config.restart_retries), exit_code=ctr.state.exit_code,
        restart_count=ctr.state.restart_count, stopped_by_user=ctr.state.stopped_by_user)


def cleanup(rt: Runtime, container_id: str, *, remove: bool, monitor_deletes_runtime_state: bool = False,
            restart: bool = True) -> int | None:
    """After the process ended: record the exit, unmount, forget the runtime's state; remove with --rm;
    run it again when its restart policy says so (``restart``; the monitor's exit command does that).

    ``monitor_deletes_runtime_state``: the monitor that reported the exit runs the runtime's `delete`
    itself, so the attached CLI need not wait for a second one (nor restart it: the monitor's delete
    could come after the new start). Returns the exit code, or None if the container is gone already.
    """
    with locked(rt, container_id):
        ctr = rt.state.get_container(container_id)
        if ctr is None:
            return None
        ctr = sync(rt, ctr)
        if ctr.state.status.has_process():
            return None
        # A container about to be removed needs no record of its unmount: one transaction less per `run --rm`.
        release_resources(rt, ctr, save=not remove)
        code = ctr.state.exit_code
        if remove:
            _remove_locked(rt, ctr, delete_runtime_state=not monitor_deletes_runtime_state)
        elif restart and restart_due(ctr):
            _restart_by_policy(rt, ctr)
        if ctr.config.pod:
            from podpy.runtime import pod as pods

            pods.after_member_exit(rt, ctr)
        return code


def _restart_by_policy(rt: Runtime, ctr: Container) -> None:
    """Podman's restart policy: count the restart, keep the log, start detached."""
    ctr.state.restart_count += 1
    try:
        _start_locked(rt, ctr, attach=False).close()
    except PodpyError as e:
        log.warning("restarting container %s: %s", ctr.id, e)


def _release_network(rt: Runtime, ctr: Container) -> None:
    if ctr.config.networks:
        from podpy.runtime.network_setup import teardown

        teardown(rt, ctr)


def release_resources(rt: Runtime, ctr: Container, *, save: bool = True) -> None:
    _release_network(rt, ctr)
    if any(m["type"] == "volume" and m["source"] for m in ctr.config.mounts):
        from podpy.runtime import volumes

        volumes.release_for(rt, ctr)
    if ctr.state.rootfs:
        rt.store.rootfs.unmount(ctr.id)
        ctr.state.rootfs = ""
        if save:
            rt.state.save_state(ctr.id, ctr.state)


def _remove_locked(rt: Runtime, ctr: Container, *, delete_runtime_state: bool = True,
                   volumes: bool = False) -> None:
    # The monitor usually deleted the runtime's state already: then there is no runtime to spawn. Whatever
    # the recorded status: a start killed between the runtime's create and the save leaves a created one.
    if delete_runtime_state and ctr.state.boot_id == rt.boot_id \
            and os.path.isdir(os.path.join(rt.run_paths.runtime_root, ctr.id)):
        OciRuntime(rt.host.runtime_path, rt.run_paths.runtime_root).delete(ctr.id)
    if ctr.state.status.is_finished():
        rt.state.record_exit_code(ctr.id, ctr.name, ctr.state.exit_code)
    rt.store.rootfs.delete(ctr.id)
    remove_tree(rt.run_paths.container_dir(ctr.id))
    for path in (rt.run_paths.exit_file(ctr.id), rt.run_paths.lock_file(ctr.id)):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    rt.state.remove_container(ctr.id)
    if (volumes or ctr.config.auto_remove) and any(m["type"] == "volume" for m in ctr.config.mounts):
        from podpy.runtime import volumes as volume_store

        volume_store.remove_anonymous(rt, ctr)


def remove(rt: Runtime, name_or_id: str, *, force: bool, volumes: bool = False, with_pod: bool = False) -> str:
    """Remove a container (killing it first with ``force``); returns its full ID.

    Unlike Podman, `rm -f` does not send the stop signal and wait for the stop timeout first:
    the container is being deleted, so SIGKILL at once (CI runners feel those seconds).
    ``with_pod``: the pod is being removed, so its infra container may go.
    """
    ctr = rt.state.lookup_container(name_or_id)
    with locked(rt, ctr.id):
        current = rt.state.get_container(ctr.id)
        if current is None:
            return ctr.id
        ctr = sync(rt, current)
        if ctr.config.pod and not with_pod:
            from podpy.runtime import pod as pods

            pods.refuse_infra_removal(rt, ctr)
        from podpy.runtime import namespaces

        namespaces.refuse_if_depended_on(rt, ctr)
        if ctr.state.status.is_active():
            if not force:
                raise InvalidStateError(
                    f"cannot remove container {ctr.id} as it is {ctr.state.status.value} - running or paused "
                    "containers cannot be removed without force: container state improper")
            if ctr.state.status is ContainerStatus.PAUSED:
                # A frozen process does not die of SIGKILL until it is thawed.
                OciRuntime(rt.host.runtime_path, rt.run_paths.runtime_root).resume(ctr.id)
            _kill_and_wait(rt, ctr)
            ctr = sync(rt, ctr)
        elif ctr.state.status is ContainerStatus.INITIALIZED:
            _kill_and_wait(rt, ctr)  # Podman removes an initialized container without --force
            ctr = sync(rt, ctr)
        release_resources(rt, ctr)
        _remove_locked(rt, ctr, volumes=volumes)
    return ctr.id


def _kill_and_wait(rt: Runtime, ctr: Container) -> None:
    """SIGKILL the container and wait (bounded) for its monitor to record the exit."""
    try:
        os.kill(ctr.state.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except OSError as e:
        if e.errno != errno.ESRCH:
            raise
    deadline = time.monotonic() + 10
    exit_file = rt.run_paths.exit_file(ctr.id)
    while time.monotonic() < deadline:
        if os.path.exists(exit_file) or not alive(ctr.state.monitor_pid):
            return
        time.sleep(0.01)


def wait_for_exit(rt: Runtime, handle: MonitorHandle, ctr: Container) -> ExitInfo:
    """Foreground run: the monitor tells the exit; if it vanished, the exit file does."""
    info = handle.wait_exit()
    if info is None:
        info = read_exit_file(rt.run_paths.exit_file(ctr.id))
    if info is None:
        raise PodpyError(f"container {short_id(ctr.id)}: the monitor died before recording the exit code")
    return info
