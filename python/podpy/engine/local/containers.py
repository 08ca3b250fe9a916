"""Container verbs of the local engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from podpy.define.exitcodes import CANNOT_INVOKE, ENGINE_ERROR
from podpy.engine.entities import (
    AttachOptions,
    ChangesReport,
    CommitOptions,
    ContainerStats,
    ExecOptions,
    InspectReport,
    ItemReport,
    KillOptions,
    ListContainer,
    LogLine,
    LogsOptions,
    PsOptions,
    RmOptions,
    RunOptions,
    RunReport,
    StopOptions,
    UpdateOptions,
    WaitReport,
)
from podpy.errors import NoSuchContainer, NoSuchImage, PodpyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from podpy.engine.local.engine import LocalEngine
    from podpy.runtime.attach import AttachStreams
    from podpy.runtime.monitor import MonitorHandle
    from podpy.runtime.runtime import Runtime
    from podpy.runtime.sigproxy import SignalProxy
    from podpy.state.records import Container
    from podpy.storage.records import Image



def resolve_image(rt: Runtime, name: str, pull: str = "missing") -> Image:
    """A local image, loading an embedded one (``hello``) into the store on first use; ``pull`` is
    Podman's --pull policy (always, missing, never, newer)."""
    from podpy.image.lookup import find_image
    from podpy.image.registry.manifests import INDEX_TYPES

    if pull in ("always", "newer"):
        import sys

        from podpy.engine.local.images import pull_image

        pulled = pull_image(rt, name, pull, sys.stderr)
        if pulled is not None:
            return pulled
    found = find_image(rt.store.images, name)
    if found is None:
        from podpy.image.embedded import load_embedded

        found = load_embedded(rt.store, name)
    if found is None and pull != "never":
        import sys

        from podpy.engine.local.images import pull_missing

        found = pull_missing(rt, name, sys.stderr)  # Podman's --pull=missing
    if found is None:
        raise NoSuchImage(f"{name}: image not known")
    if found.manifest_media_type in INDEX_TYPES:  # a manifest list: the local image it names for this host
        from podpy.image.manifest_list import resolve_instance

        return resolve_instance(rt.store, found)
    return found


def _detach_keys(rt: Runtime, keys: str | None) -> bytes:
    from podpy.runtime.attach import DEFAULT_DETACH_KEYS, parse_detach_keys

    if keys is None:
        keys = rt.opts.config.containers.engine.detach_keys if rt.opts.config else DEFAULT_DETACH_KEYS
    return parse_detach_keys(keys)


def _streams(rt: Runtime, ctr: Container, *, stdin: bool, detach_keys: str | None) -> AttachStreams:
    from podpy.runtime.attach import AttachStreams

    return AttachStreams(stdin=stdin and ctr.config.stdin, tty=ctr.config.tty,
                         detach_keys=_detach_keys(rt, detach_keys))


def _attached_until_exit(rt: Runtime, handle: MonitorHandle, ctr: Container, *, remove: bool,
                         streams: AttachStreams | None = None, proxy: SignalProxy | None = None) -> int:
    """Wait for an attached container (``proxy``: signals forwarded), clean up after it, tell the monitor so.

    With ``streams`` (-i, -t) the session runs over the handle's attach connection; typing the
    detach keys leaves the container running (its monitor then cleans up) and returns 0, as Podman.
    """
    from podpy.runtime import container as ops

    if proxy is not None:
        proxy.target(ctr.state.pid)
    if streams is not None and handle.attach_fd >= 0:
        from podpy.runtime.attach import stream

        if stream(handle.attach_fd, streams).detached:
            handle.close()
            return 0
    info = ops.wait_for_exit(rt, handle, ctr)
    ops.cleanup(rt, ctr.id, remove=remove, monitor_deletes_runtime_state=True, restart=False)
    current = rt.state.get_container(ctr.id)
    if current is None or not ops.restart_due(current):
        handle.ack_cleanup()  # else the monitor's exit command restarts it, after its runtime `delete`
    handle.close()
    return info.exit_code


def _console_size(tty: bool) -> tuple[int, int] | None:
    if not tty:
        return None
    from podpy.runtime.attach import terminal_size

    return terminal_size()


def _in_window(lines: Iterator[LogLine], opts: LogsOptions) -> Iterator[LogLine]:
    """--since / --until: records stamped inside the window (following stops once --until has passed)."""
    import time

    from podpy.util.timefmt import parse_rfc3339

    for line in lines:
        stamp = parse_rfc3339(line.timestamp)
        if opts.until is not None and stamp > opts.until:
            return
        if opts.since is None or stamp >= opts.since:
            yield line
        if opts.until is not None and opts.follow and time.time() > opts.until:
            return


def _rootfs_dir(text: str) -> str:
    """--rootfs: an existing directory (Podman's `:O` overlay on top of it is not supported yet)."""
    from podpy.errors import NotFoundError, UsageError

    if text.endswith(":O"):
        raise UsageError("--rootfs with an overlay (:O) is not supported yet")
    path = os.path.abspath(text)
    if not os.path.isdir(path):
        raise NotFoundError(f"{text}: the rootfs is not a directory (or does not exist)")
    return path


def _split_copy_arg(arg: str) -> tuple[str, str]:
    """(container, path) of `CONTAINER:PATH`; ("", path) for a host path (Podman: `/`, `.` or no colon)."""
    if arg == "-" or arg.startswith(("/", ".")) or ":" not in arg:
        return "", arg
    container, _, path = arg.partition(":")
    return container, path or "/"


def _attached_stream(rt: Runtime, ctr: Container, opts: AttachOptions,
                     start: Callable[[], Container] | None = None) -> int:
    """Connect to the monitor's attach socket, then (``start``) start the container, and stream until it
    exits (its exit code) or we detach (0)."""
    from podpy.runtime.attach import connect, stream
    from podpy.runtime.monitor import read_exit_file
    from podpy.runtime.sigproxy import SignalProxy

    streams = _streams(rt, ctr, stdin=not opts.no_stdin, detach_keys=opts.detach_keys)
    sock = connect(rt.run_paths.container_dir(ctr.id))
    try:
        with SignalProxy(opts.sig_proxy and not ctr.config.tty) as proxy:
            if start is not None:
                ctr = start()
            proxy.target(ctr.state.pid)
            result = stream(sock, streams)
    finally:
        os.close(sock)
    if result.detached:
        return 0
    if result.exit_code is not None:
        return result.exit_code
    info = read_exit_file(rt.run_paths.exit_file(ctr.id))
    return info.exit_code if info else 0


class ContainersEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def run(self, opts: RunOptions) -> RunReport:
        from podpy.runtime import container as ops
        from podpy.runtime.sigproxy import SignalProxy

        rt = self.engine.runtime
        session = not opts.detach and (opts.tty or opts.interactive)
        streams = None
        if session:
            # Bad detach keys fail before anything is made.
            _detach_keys(rt, opts.detach_keys)
        ctr, image = self._create(opts)
        with SignalProxy(opts.sig_proxy and not opts.detach and not opts.tty) as proxy:
            try:
                if session:
                    streams = _streams(rt, ctr, stdin=True, detach_keys=opts.detach_keys)
                handle = ops.start(rt, ctr, attach=not opts.detach, image=image, attach_client=session,
                                   console_size=_console_size(opts.tty))
            except BaseException as e:
                ops.remove(rt, ctr.id, force=True)
                if isinstance(e, PodpyError) and e.exit_code == ENGINE_ERROR:
                    e.exit_code = CANNOT_INVOKE  # Podman's run: a container that cannot start exits 126
                raise
            if opts.detach:
                handle.close()
                return RunReport(ctr.id, None)
            code = _attached_until_exit(rt, handle, ctr, remove=opts.remove, streams=streams, proxy=proxy)
            if opts.remove and opts.pod.startswith("new:"):
                from podpy.engine.entities import PodRmOptions

                self.engine.pods.remove([opts.pod[4:]], PodRmOptions(force=True, ignore=True))
            return RunReport(ctr.id, code)

    def create(self, opts: RunOptions) -> str:
        return self._create(opts)[0].id

    def _create(self, opts: RunOptions) -> tuple[Container, Image | None]:
        """create and run share this: --cidfile, --replace, then the container record."""
        from podpy.engine.local.runspec import log_settings, restart_policy, spec_from_run_options
        from podpy.errors import NoSuchContainer, UsageError
        from podpy.runtime import container as ops

        rt = self.engine.runtime
        if opts.pod.startswith("new:") or opts.pod_id_file:
            from podpy.util.record import replace

            opts = replace(opts, pod=self.engine.pods.resolve_for_run(opts), pod_id_file="")
        if opts.network == "private" and not opts.pod:
            from podpy.runtime.network_defs import default_mode
            from podpy.util.record import replace

            opts = replace(opts, network=default_mode(rt))
        gen = spec_from_run_options(opts)
        gen.validate()
        conf = rt.opts.config.containers.containers if rt.opts.config else None
        log = log_settings(opts, rt.opts.log_driver, conf.log_size_max if conf else -1)
        restart = restart_policy(opts)
        if opts.cidfile and os.path.exists(opts.cidfile):
            raise UsageError(f"container id file exists. Ensure another container is not using it or delete "
                             f"{opts.cidfile}")
        image: Image | None = None
        if opts.rootfs:
            image_name = _rootfs_dir(opts.image)
        else:
            image = resolve_image(rt, opts.image, opts.pull)
            image_name = image.names[0] if image.names else image.id
        if opts.replace and opts.name:
            try:
                ops.remove(rt, opts.name, force=True)
            except NoSuchContainer:
                pass
        ctr = ops.create(rt, gen, image, image_name, log=log, restart=restart)
        if opts.cidfile:
            from podpy.util.atomic import atomic_write_text

            atomic_write_text(opts.cidfile, ctr.id, fsync=False)
        return ctr, image

    def start(self, names: Sequence[str], *, attach: bool, attach_opts: AttachOptions | None = None
              ) -> list[ItemReport]:
        from podpy.define.states import ContainerStatus
        from podpy.runtime import container as ops
        from podpy.runtime.sigproxy import SignalProxy

        rt = self.engine.runtime
        aopts = attach_opts or AttachOptions(no_stdin=True)
        reports = []
        for name in names:
            try:
                ctr = rt.state.lookup_container(name)
                if ctr.state.status is ContainerStatus.INITIALIZED:
                    code = self._start_initialized(ctr, attach=attach, aopts=aopts)
                    reports.append(ItemReport(ctr.id, exit_code=code))
                    continue
                streams = None
                if attach and (ctr.config.tty or (ctr.config.stdin and not aopts.no_stdin)):
                    streams = _streams(rt, ctr, stdin=not aopts.no_stdin, detach_keys=aopts.detach_keys)
                with SignalProxy(attach and aopts.sig_proxy and not ctr.config.tty) as proxy:
                    handle = ops.start(rt, ctr, attach=attach, attach_client=streams is not None,
                                       console_size=_console_size(ctr.config.tty and attach))
                    if not attach:
                        handle.close()
                        reports.append(ItemReport(ctr.id))
                        continue
                    code = _attached_until_exit(rt, handle, ctr, remove=ctr.config.auto_remove, streams=streams,
                                                proxy=proxy)
                reports.append(ItemReport(ctr.id, exit_code=code))
            except PodpyError as e:
                reports.append(ItemReport(name, str(e), e.exit_code, e.code))
        return reports

    def _start_initialized(self, ctr: Container, *, attach: bool, aopts: AttachOptions) -> int:
        """`runtime start` of a container made by `init`; attached, through its monitor's socket (connected
        first, so no output is missed). The monitor's exit command cleans up and applies the restart policy."""
        from podpy.runtime import container as ops

        rt = self.engine.runtime
        if not attach:
            ops.start_initialized(rt, ctr.id)
            return 0
        return _attached_stream(rt, ctr, aopts, start=lambda: ops.start_initialized(rt, ctr.id))

    def init(self, names: Sequence[str], *, all_containers: bool = False) -> list[ItemReport]:
        """Podman's init; with ``all_containers`` the ones in a state that forbids it are passed over."""
        from podpy.runtime.container import init

        rt = self.engine.runtime
        if not all_containers:
            return self._each(names, False, lambda n: init(rt, n))
        reports = []
        for ctr in rt.state.list_containers():
            try:
                init(rt, ctr.id)
            except PodpyError as e:
                if e.code != "invalid_state":
                    reports.append(ItemReport(ctr.id, str(e), e.exit_code, e.code))
                    continue
            reports.append(ItemReport(ctr.id))
        return reports

    def _each(self, names: Sequence[str], all_containers: bool, act: Callable[[str], object]) -> list[ItemReport]:
        rt = self.engine.runtime
        targets = [c.id for c in rt.state.list_containers()] if all_containers else list(names)
        reports = []
        for name in targets:
            try:
                act(name)
                reports.append(ItemReport(name))
            except PodpyError as e:
                reports.append(ItemReport(name, str(e), e.exit_code, e.code))
        return reports

    def stop(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]:
        from podpy.runtime.control import stop

        rt = self.engine.runtime
        reports = self._each(names, opts.all, lambda n: stop(rt, n, timeout=opts.timeout))
        if opts.ignore:
            reports = [r for r in reports if r.reason != "no_such_container"]
        return reports

    def pause(self, names: Sequence[str], *, all_containers: bool = False, unpause: bool = False
              ) -> list[ItemReport]:
        from podpy.runtime import control

        rt = self.engine.runtime
        act = control.unpause if unpause else control.pause
        if all_containers:
            wanted = "paused" if unpause else "running"
            names = [c.id for c in rt.state.list_containers() if c.state.status.value == wanted]
        return self._each(names, False, lambda n: act(rt, n))

    def restart(self, names: Sequence[str], opts: StopOptions) -> list[ItemReport]:
        from podpy.runtime import container as ops
        from podpy.runtime.control import stop

        rt = self.engine.runtime

        def restart_one(name: str) -> None:
            ctr = stop(rt, name, timeout=opts.timeout)
            ops.start(rt, ctr, attach=False).close()

        if opts.all and opts.running:
            from podpy.runtime.sync import sync

            running = [c.id for c in rt.state.list_containers() if sync(rt, c).state.status.is_active()]
            return self._each(running, False, restart_one)
        return self._each(names, opts.all, restart_one)

    def kill(self, names: Sequence[str], opts: KillOptions) -> list[ItemReport]:
        from podpy.runtime.control import kill

        rt = self.engine.runtime
        return self._each(names, opts.all, lambda n: kill(rt, n, opts.signal))

    def wait(self, names: Sequence[str], conditions: Sequence[str] = (), interval: float = 0.0
             ) -> list[WaitReport]:
        """``interval`` 0: podpy's own fast polling of exit files; otherwise Podman's --interval."""
        from podpy.runtime.control import wait, wait_for

        rt = self.engine.runtime
        reports = []
        for name in names:
            try:
                if conditions or interval:
                    reports.append(WaitReport(name, wait_for(rt, name, list(conditions), interval)))
                else:
                    reports.append(WaitReport(name, wait(rt, name)))
            except NoSuchContainer as e:
                reports.append(WaitReport(name, error=str(e), missing=True))
            except PodpyError as e:
                reports.append(WaitReport(name, error=str(e)))
        return reports

    def update(self, name: str, opts: UpdateOptions) -> str:
        from podpy.engine.local.runspec import resource_changes
        from podpy.runtime.update import update_resources

        return update_resources(self.engine.runtime, name, resource_changes(opts)).id

    def stats(self, names: Sequence[str], *, all: bool = False) -> list[ContainerStats]:
        import time

        from podpy.errors import InvalidStateError
        from podpy.runtime import stats as cg
        from podpy.runtime.sync import sync
        from podpy.util.timefmt import parse_rfc3339

        rt = self.engine.runtime
        if names:
            containers = [sync(rt, rt.state.lookup_container(n)) for n in names]
            for ctr in containers:
                if not ctr.state.status.is_active():
                    raise InvalidStateError(f"container {ctr.name} is not running: container state improper")
        else:
            containers = [c for c in (sync(rt, c) for c in rt.state.list_containers())
                          if all or c.state.status.is_active()]
        now = time.time()
        out = []
        for ctr in containers:
            usage = cg.sample(ctr.id, ctr.config.cgroup_parent) if ctr.state.status.is_active() else cg.Usage()
            started = parse_rfc3339(ctr.state.started_at) if ctr.state.started_at else now
            out.append(ContainerStats(
                ID=ctr.id, Name=ctr.name, CPUNano=usage.cpu_ns, SystemNano=int(usage.taken_at * 1e9),
                UpTime=max(now - started, 0.0) if ctr.state.status.is_active() else 0.0,
                MemUsage=usage.mem_usage, MemLimit=usage.mem_limit, BlockInput=usage.block_read,
                BlockOutput=usage.block_write, PIDs=usage.pids))
        return out

    def copy(self, src: str, dest: str, *, archive: bool, stdin: BinaryIO | None, stdout: BinaryIO | None
             ) -> None:
        from podpy.errors import UsageError
        from podpy.runtime.copy import copy_from_container, copy_into_container

        rt = self.engine.runtime
        src_ctr, src_path = _split_copy_arg(src)
        dest_ctr, dest_path = _split_copy_arg(dest)
        if bool(src_ctr) == bool(dest_ctr):
            raise UsageError("invalid arguments " + f"{src}, {dest}: " +
                             ("copying between containers is not supported" if src_ctr else
                              "you must specify at least one container"))
        if src_ctr:
            copy_from_container(rt, src_ctr, src_path, dest_path, stdout)
        else:
            copy_into_container(rt, dest_ctr, src_path, dest_path, stdin, archive=archive)

    def exec(self, name: str, opts: ExecOptions) -> int:
        from podpy.runtime.execsession import ExecRequest, exec_in

        rt = self.engine.runtime
        keys = _detach_keys(rt, opts.detach_keys) if opts.tty and not opts.detach else b""
        return exec_in(rt, name, ExecRequest(
            command=list(opts.command), env=dict(opts.env), user=opts.user, workdir=opts.workdir,
            detach=opts.detach, interactive=opts.interactive, privileged=opts.privileged, tty=opts.tty,
            detach_keys=keys, console_size=_console_size(opts.tty)))

    def attach(self, name: str, opts: AttachOptions) -> int:
        """Attach to a running container until it exits (its exit code) or we detach (0)."""
        from podpy.errors import InvalidStateError
        from podpy.runtime.sync import sync

        rt = self.engine.runtime
        ctr = sync(rt, rt.state.lookup_container(name))
        if not ctr.state.status.is_active():
            raise InvalidStateError("you can only attach to running containers")
        return _attached_stream(rt, ctr, opts)

    def top(self, name: str, descriptors: Sequence[str]) -> tuple[list[str], list[list[str]]]:
        from podpy.runtime.top import top

        return top(self.engine.runtime, name, list(descriptors))

    def export(self, name: str, out: BinaryIO) -> None:
        from podpy.runtime.export import export_rootfs

        export_rootfs(self.engine.runtime, name, out)

    def diff(self, name: str) -> ChangesReport:
        from podpy.engine.local.images import changes_report
        from podpy.runtime.commit import container_changes

        return changes_report(container_changes(self.engine.runtime, name))

    def commit(self, name: str, reference: str, opts: CommitOptions) -> str:
        """A new image from the container's changes (Podman's commit); its ID."""
        from podpy.errors import UsageError
        from podpy.image.commit import CommitSpec, store_commit
        from podpy.runtime.commit import layer_tar, settings

        if opts.format not in ("oci", "docker"):
            raise UsageError(f"unrecognized image type \"{opts.format}\"")
        rt = self.engine.runtime
        with layer_tar(rt, name, pause=opts.pause, squash=opts.squash) as (ctr, tar_path, made):
            spec = CommitSpec(tar_path=tar_path, diff_id=made.diff_id, base=rt.store.images.get(ctr.config.image_id),
                              squash=opts.squash, settings=settings(ctr),
                              created_by=" ".join(ctr.config.args), changes=list(opts.changes),
                              message=opts.message, author=opts.author, docker_format=opts.format == "docker",
                              reference=reference)
            return store_commit(rt.store, spec).id

    def mount(self, names: Sequence[str]) -> list[tuple[str, str]]:
        """Mount each container's rootfs; with no names, list the mounted ones. (ID, path) pairs."""
        from podpy.runtime import mounting

        rt = self.engine.runtime
        if not names:
            return mounting.mounted(rt)
        return [(name, mounting.mount(rt, name)) for name in names]

    def unmount(self, names: Sequence[str], *, all_containers: bool = False, force: bool = False
                ) -> list[ItemReport]:
        from podpy.runtime import mounting

        rt = self.engine.runtime
        if all_containers:
            names = [cid for cid, _ in mounting.mounted(rt)]
        return self._each(names, False, lambda n: mounting.unmount(rt, n, force=force))

    def prune(self) -> list[str]:
        """Remove every container that is not running or paused; their IDs."""
        from podpy.runtime.container import remove
        from podpy.runtime.sync import sync

        rt = self.engine.runtime
        removed = []
        for ctr in rt.state.list_containers():
            if not sync(rt, ctr).state.status.is_active():
                try:
                    removed.append(remove(rt, ctr.id, force=False))
                except PodpyError:
                    continue  # started or removed meanwhile
        return removed

    def exists(self, name: str) -> bool:
        from podpy.errors import NoSuchContainer

        try:
            self.engine.runtime.state.lookup_container(name)
        except NoSuchContainer:
            return False
        return True

    def rename(self, name: str, new_name: str) -> None:
        from podpy.define.names import validate_name

        rt = self.engine.runtime
        ctr = rt.state.lookup_container(name)
        rt.state.rename_container(ctr.id, validate_name(new_name))

    def list_containers(self, opts: PsOptions) -> list[ListContainer]:
        from podpy.engine.local.reports import list_container
        from podpy.runtime.sync import sync

        rt = self.engine.runtime
        rows = [sync(rt, c) for c in rt.state.list_containers()]
        if opts.filters:
            from podpy.engine.local.filters import build

            filters = opts.filters
            if "pod" in filters:
                from podpy.engine.local.pod_rows import pod_ids

                filters = {**filters, "pod": pod_ids(rt, filters["pod"])}
            keep = build(filters, rows)
            rows = [c for c in rows if keep(c)]
        if not opts.all and not opts.latest and opts.last < 0 and "status" not in opts.filters:
            rows = [c for c in rows if c.state.status.is_active()]
        rows.sort(key=lambda c: c.config.created_at, reverse=True)
        if opts.latest:
            rows = rows[:1]
        elif opts.last >= 0:
            rows = rows[:opts.last]
        listed = [list_container(c) for c in rows]
        if any(c.config.pod for c in rows):
            from podpy.engine.local.pod_rows import with_pods

            listed = with_pods(rt, listed, [c.config.pod for c in rows])
        if opts.size:
            image_sizes = {image.id: image.size for image in rt.store.images.list()}
            from podpy.util.record import replace

            sized = []
            for item, ctr in zip(listed, rows, strict=True):
                rw = rt.store.rootfs.rw_size(ctr.id)
                sized.append(replace(item, Size={"RootFsSize": image_sizes.get(ctr.config.image_id, 0) + rw,
                                                 "RwSize": rw}))
            listed = sized
        return listed

    def remove(self, names: Sequence[str], opts: RmOptions) -> list[ItemReport]:
        from podpy.runtime.container import remove

        rt = self.engine.runtime
        targets = list(names)
        reports = []
        if opts.all:
            ctrs = rt.state.list_containers()
            if any(c.config.pod for c in ctrs):
                reports = self.engine.pods.remove_all_with_containers(force=opts.force)
                ctrs = [c for c in rt.state.list_containers() if not c.config.pod]
            targets = [c.id for c in ctrs]
        for name in targets:
            try:
                reports.append(ItemReport(remove(rt, name, force=opts.force, volumes=opts.volumes)))
            except PodpyError as e:
                if opts.ignore and e.code == "no_such_container":
                    continue
                reports.append(ItemReport(name, str(e), e.exit_code, e.code))
        return reports

    def cleanup(self, names: Sequence[str], *, remove: bool) -> list[ItemReport]:
        from podpy.runtime.container import cleanup

        if "runtime" not in self.engine.__dict__:
            from podpy.engine.local.engine import runtime_options

            if not os.path.isdir(runtime_options(self.engine.opts).graph_root):
                return []  # the store was reset while the container exited: do not make a new one
        rt = self.engine.runtime
        return self._each(names, False, lambda n: cleanup(rt, rt.state.lookup_container(n).id, remove=remove))

    def logs(self, names: Sequence[str], opts: LogsOptions) -> Iterator[LogLine]:
        from podpy.engine.local.logs import read_log
        from podpy.runtime.monitor import LOG_DRIVER_NONE, LOG_DRIVER_PASSTHROUGH
        from podpy.runtime.sync import sync

        rt = self.engine.runtime
        containers = [rt.state.lookup_container(n) for n in names]
        for ctr in containers:
            if ctr.config.log_driver in (LOG_DRIVER_NONE, LOG_DRIVER_PASSTHROUGH):
                raise PodpyError(f"this container is using the '{ctr.config.log_driver}' log driver, cannot read "
                                 "logs: this container is not logging output")

            def running(container_id: str = ctr.id) -> bool:
                current = rt.state.get_container(container_id)
                return current is not None and sync(rt, current).state.status.is_active()

            lines = read_log(ctr.config.log_path, driver=ctr.config.log_driver, tail=opts.tail,
                             container=ctr.name if opts.names else "", follow=running if opts.follow else None)
            yield from lines if opts.since is None and opts.until is None else _in_window(lines, opts)

    def inspect(self, names: Sequence[str]) -> list[InspectReport]:
        from podpy.engine.local.reports import inspect_container
        from podpy.runtime.sync import sync

        rt = self.engine.runtime
        reports = []
        for name in names:
            try:
                ctr = sync(rt, rt.state.lookup_container(name))
            except PodpyError as e:
                reports.append(InspectReport(name, None, str(e)))
                continue
            reports.append(InspectReport(name, inspect_container(rt, ctr)))
        return reports
