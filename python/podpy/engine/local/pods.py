"""PodsEngine: `pod create/start/stop/kill/pause/rm/ps/inspect/...` over runtime.pod."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from podpy.engine.entities import (
    ItemReport,
    ListPod,
    PodContainerInfo,
    PodCreateOptions,
    PodRmOptions,
    RunOptions,
)
from podpy.errors import PodpyError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.engine.local.engine import LocalEngine
    from podpy.runtime.runtime import Runtime
    from podpy.state.pods import Pod, PodConfig
    from podpy.state.records import Container


def _share(opts: PodCreateOptions) -> list[str]:
    from podpy.runtime.pod import DEFAULT_SHARE, SHAREABLE

    if opts.share is None:
        return list(DEFAULT_SHARE) if opts.infra else []
    text = opts.share
    extra = text.startswith("+")  # Podman's --share=+pid: the defaults and more
    words = {s.strip() for s in text.lstrip("+").split(",") if s.strip() and s.strip() != "none"}
    share = sorted(words | set(DEFAULT_SHARE) if extra else words)
    for kind in share:
        if kind not in SHAREABLE:
            raise UsageError(f"invalid kernel namespace to share: {kind}. Options are: cgroup, ipc, net, pid, "
                             "uts or none")
    if share and not opts.infra:
        raise UsageError(f"cannot set share({','.join(share)}) namespaces without an infra container")
    return share


def pod_config(opts: PodCreateOptions, pod_id: str) -> PodConfig:
    """The pod's record from the flags, validated before anything is made."""
    import sys

    from podpy.define.names import validate_name
    from podpy.engine.local.runspec import _cpus
    from podpy.runtime.pod import EXIT_POLICIES
    from podpy.runtime.podcgroup import parent_path
    from podpy.specgen.resources import parse_memory
    from podpy.state.pods import PodConfig
    from podpy.util.timefmt import now_rfc3339

    if opts.name:
        try:
            validate_name(opts.name)
        except UsageError as e:
            raise UsageError(f"running pod create option: {e}") from None
    if opts.exit_policy not in EXIT_POLICIES:
        raise UsageError(f'running pod create option: invalid pod exit policy: "{opts.exit_policy}"')
    if not opts.infra and (opts.publish or opts.network or opts.dns or opts.add_hosts or opts.infra_image
                           or opts.infra_command is not None or opts.infra_name):
        raise UsageError("cannot set infra container options (--infra-image, --infra-command, --infra-name, "
                         "-p, --network, --dns, --add-host) with --infra=false")
    resources: dict[str, Any] = {}
    if opts.memory:
        resources["memory"] = parse_memory(opts.memory, "--memory")
    if opts.cpus:
        resources["cpus"] = _cpus(opts.cpus)
    if opts.pids_limit:
        resources["pids_limit"] = opts.pids_limit
    if opts.memory_swap:
        resources["memory_swap"] = -1 if opts.memory_swap == "-1" else parse_memory(opts.memory_swap, "--memory-swap")
    if opts.cpu_shares:
        resources["cpu_shares"] = opts.cpu_shares
    if opts.cpuset_cpus:
        resources["cpuset_cpus"] = opts.cpuset_cpus
    if opts.cpuset_mems:
        resources["cpuset_mems"] = opts.cpuset_mems
    return PodConfig(id=pod_id, name=opts.name, created_at=now_rfc3339(), hostname=opts.hostname,
                     labels=dict(opts.labels), share=_share(opts), infra=opts.infra,
                     cgroup_parent=parent_path(pod_id), resources=resources, exit_policy=opts.exit_policy,
                     create_command=list(sys.argv))


def _infra_run_options(opts: PodCreateOptions, config: PodConfig, default_network: str) -> RunOptions:
    """``default_network``: what --network means when not given (Podman's infra joins the default network)."""
    from podpy.image.embedded import PAUSE_IMAGE

    network = (opts.network or default_network) if "net" in config.share else ""
    return RunOptions(image=opts.infra_image or PAUSE_IMAGE, command=[],
                      entrypoint=opts.infra_command, name=opts.infra_name or f"{config.id[:12]}-infra",
                      network=network or "private", publish=list(opts.publish),
                      hostname=(config.hostname or config.name) if "uts" in config.share else "",
                      dns=list(opts.dns), dns_search=list(opts.dns_search), dns_options=list(opts.dns_options),
                      add_hosts=list(opts.add_hosts), pod=config.id)


class PodsEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    @property
    def rt(self) -> Runtime:
        return self.engine.runtime

    def create(self, opts: PodCreateOptions) -> str:
        from podpy.define.names import random_name
        from podpy.errors import NameInUse
        from podpy.runtime import pod as pods
        from podpy.util.ids import new_id
        from podpy.util.record import replace

        if opts.pod_id_file and os.path.exists(opts.pod_id_file) and not opts.replace:
            raise UsageError(f"pod id file exists. Ensure another pod is not using it or delete {opts.pod_id_file}")
        config = pod_config(opts, new_id())
        if opts.replace and opts.name:
            self.remove([opts.name], PodRmOptions(force=True, ignore=True))
        make_infra: Callable[[PodConfig], Container] | None = None
        if opts.infra:
            def make_infra(cfg: PodConfig) -> Container:
                return self._make_infra(opts, cfg)
        attempts = 1 if opts.name else 20
        for attempt in range(attempts):
            if not opts.name:
                config = replace(config, name=random_name())
            try:
                pod = pods.add(self.rt, config, make_infra)
                break
            except NameInUse:
                if attempt == attempts - 1:
                    raise
        if opts.pod_id_file:
            from podpy.util.atomic import atomic_write_text

            atomic_write_text(opts.pod_id_file, pod.id, fsync=False)
        return pod.id

    def _make_infra(self, opts: PodCreateOptions, config: PodConfig) -> Container:
        from podpy.engine.local.containers import resolve_image
        from podpy.engine.local.runspec import spec_from_run_options
        from podpy.runtime import container as ops
        from podpy.runtime.network_defs import default_mode

        run = _infra_run_options(opts, config, default_mode(self.rt))
        gen = spec_from_run_options(run)
        gen.validate()
        image = resolve_image(self.rt, run.image, "missing")
        image_name = image.names[0] if image.names else image.id
        return ops.create(self.rt, gen, image, image_name)

    def _pods(self, names: Sequence[str], all_pods: bool) -> list[tuple[str, Pod | PodpyError]]:
        if all_pods:
            return [(p.id, p) for p in self.rt.state.list_pods()]
        out: list[tuple[str, Pod | PodpyError]] = []
        for name in names:
            try:
                out.append((name, self.rt.state.lookup_pod(name)))
            except PodpyError as e:
                out.append((name, e))
        return out

    def _each(self, names: Sequence[str], all_pods: bool, act: Callable[[Pod], list[str]], verb: str
              ) -> list[ItemReport]:
        reports = []
        for name, found in self._pods(names, all_pods):
            if isinstance(found, PodpyError):
                reports.append(ItemReport(name, str(found), found.exit_code, found.code))
                continue
            try:
                errors = act(found)
            except PodpyError as e:
                reports.append(ItemReport(found.id, str(e), e.exit_code, e.code))
                continue
            if errors:
                reports.append(ItemReport(found.id, f"{verb} pod {found.id}: " + "; ".join(errors), 125, "pod"))
            else:
                reports.append(ItemReport(found.id))
        return reports

    def start(self, names: Sequence[str], *, all_pods: bool = False) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        return self._each(names, all_pods, lambda p: pods.start(self.rt, p), "starting")

    def stop(self, names: Sequence[str], *, all_pods: bool = False, timeout: int | None = None
             ) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        return self._each(names, all_pods, lambda p: pods.stop(self.rt, p, timeout), "stopping")

    def restart(self, names: Sequence[str], *, all_pods: bool = False) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        return self._each(names, all_pods, lambda p: pods.stop(self.rt, p, None) or pods.start(self.rt, p),
                          "restarting")

    def kill(self, names: Sequence[str], sig: int, *, all_pods: bool = False) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        return self._each(names, all_pods, lambda p: pods.kill(self.rt, p, sig), "killing")

    def pause(self, names: Sequence[str], *, all_pods: bool = False, unpause: bool = False) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        return self._each(names, all_pods, lambda p: pods.freeze(self.rt, p, pause=not unpause),
                          "unpausing" if unpause else "pausing")

    def remove(self, names: Sequence[str], opts: PodRmOptions) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        reports = []
        for name, found in self._pods(names, opts.all):
            if isinstance(found, PodpyError):
                if not (opts.ignore and found.code == "no_such_pod"):
                    reports.append(ItemReport(name, str(found), found.exit_code, found.code))
                continue
            try:
                pods.remove(self.rt, found, force=opts.force, timeout=opts.timeout)
                reports.append(ItemReport(found.id))
            except PodpyError as e:
                reports.append(ItemReport(found.id, str(e), e.exit_code, e.code))
        return reports

    def remove_all_with_containers(self, *, force: bool) -> list[ItemReport]:
        """`rm --all`: every pod goes with its containers (Podman's); one report per container removed."""
        from podpy.runtime import pod as pods

        reports = []
        for pod in self.rt.state.list_pods():
            ids = [c.id for c in pods.members(self.rt, pod)]
            try:
                pods.remove(self.rt, pod, force=force)
            except PodpyError as e:
                reports.append(ItemReport(pod.id, str(e), e.exit_code, e.code))
                continue
            reports.extend(ItemReport(cid) for cid in reversed(ids))
        return reports

    def prune(self) -> list[ItemReport]:
        from podpy.runtime import pod as pods

        gone = [p for p in self.rt.state.list_pods() if pods.status(p, pods.members(self.rt, p)) == "Exited"]
        return self.remove([p.id for p in gone], PodRmOptions(force=True, ignore=True))

    def exists(self, name: str) -> bool:
        from podpy.errors import NoSuchPod

        try:
            self.rt.state.lookup_pod(name)
        except NoSuchPod:
            return False
        return True

    def list_pods(self, filters: Sequence[str] = ()) -> list[ListPod]:
        from podpy.engine.local.pod_filters import matches, parse_filters
        from podpy.runtime import pod as pods

        parsed = parse_filters(filters)
        out = []
        everyone = self.rt.state.list_containers()
        for pod in self.rt.state.list_pods():
            ctrs = pods.members(self.rt, pod, everyone)
            row = ListPod(Id=pod.id, Name=pod.name, Status=pods.status(pod, ctrs), Created=pod.config.created_at,
                          InfraId=pod.infra_id, Labels=dict(pod.config.labels),
                          Containers=[PodContainerInfo(c.id, c.name, c.state.status.value) for c in ctrs],
                          Cgroup="/podpy",
                          Networks=[n for c in ctrs if c.id == pod.infra_id for n in c.config.networks])
            if matches(row, parsed):
                out.append(row)
        return out

    def inspect(self, names: Sequence[str]) -> list[dict[str, Any]]:
        from podpy.engine.local.pod_inspect import inspect_pod
        from podpy.runtime import pod as pods

        out = []
        for name in names:
            pod = self.rt.state.lookup_pod(name)
            out.append(inspect_pod(pod, pods.members(self.rt, pod)))
        return out

    def member_names(self, name: str, *, running: bool = False) -> list[str]:
        """The IDs of a pod's containers (running ones only with ``running``), infra container first."""
        from podpy.runtime import pod as pods

        pod = self.rt.state.lookup_pod(name)
        return [c.id for c in pods.members(self.rt, pod) if not running or c.state.status.is_active()]

    def resolve_for_run(self, opts: RunOptions) -> str:
        """`run --pod new:NAME` makes the pod first; --pod-id-file names it. Returns the pod to join."""
        pod = opts.pod
        if opts.pod_id_file:
            try:
                with open(opts.pod_id_file) as f:
                    pod = f.read().strip()
            except OSError as e:
                raise UsageError(f"reading pod ID file {opts.pod_id_file}: {e.strerror}") from None
        if pod.startswith("new:"):
            return self.create(PodCreateOptions(name=pod[4:]))
        return pod
