"""RunOptions (flags as the user gave them) → SpecGenerator (parsed, typed, validated later)."""

from __future__ import annotations

from podpy.engine.entities import RunOptions
from podpy.errors import UsageError
from podpy.specgen.generator import BasicSpec, NetworkSpec, SpecGenerator, StorageSpec
from podpy.specgen.mounts import parse_tmpfs, parse_volume
from podpy.specgen.resources import ResourceSpec, parse_memory
from podpy.specgen.security import SecuritySpec, parse_security_opts


def _stop_signal(text: str) -> int:
    from podpy.define.signals import parse_signal

    return parse_signal(text) if text else 15


def _cpus(text: str) -> float:
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"invalid argument {text!r} for \"--cpus\" flag") from None


def security_spec(opts: RunOptions) -> SecuritySpec:
    spec = SecuritySpec(privileged=opts.privileged, cap_add=list(opts.cap_add), cap_drop=list(opts.cap_drop),
                        group_add=list(opts.group_add), oom_score_adj=opts.oom_score_adj)
    return parse_security_opts(list(opts.security_opt), spec)


def resource_spec(opts: RunOptions) -> ResourceSpec:
    return ResourceSpec(
        memory=parse_memory(opts.memory, "--memory") if opts.memory else 0,
        memory_reservation=parse_memory(opts.memory_reservation, "--memory-reservation")
        if opts.memory_reservation else 0,
        memory_swap=parse_memory(opts.memory_swap, "--memory-swap") if opts.memory_swap else 0,
        cpus=_cpus(opts.cpus), cpu_shares=opts.cpu_shares or 0, cpu_period=opts.cpu_period or 0,
        cpu_quota=opts.cpu_quota or 0, cpuset_cpus=opts.cpuset_cpus, cpuset_mems=opts.cpuset_mems,
        pids_limit=opts.pids_limit, ulimits=list(opts.ulimits), devices=list(opts.devices))


def spec_from_run_options(opts: RunOptions) -> SpecGenerator:
    return SpecGenerator(
        basic=BasicSpec(name=opts.name, image=opts.image, command=list(opts.command),
                        entrypoint=None if opts.entrypoint is None else list(opts.entrypoint),
                        env=dict(opts.env), workdir=opts.workdir, user=opts.user, hostname=opts.hostname,
                        labels=dict(opts.labels), annotations=dict(opts.annotations), terminal=opts.tty,
                        stdin=opts.interactive, auto_remove=opts.remove, stop_signal=_stop_signal(opts.stop_signal),
                        stop_timeout=10 if opts.stop_timeout is None else opts.stop_timeout, init=opts.init,
                        init_path=opts.init_path, pidfile=opts.pidfile),
        storage=StorageSpec(read_only=opts.read_only, read_only_tmpfs=opts.read_only_tmpfs,
                            mounts=[*map(parse_volume, opts.volumes), *map(parse_tmpfs, opts.tmpfs)]),
        network=NetworkSpec(mode=opts.network),
        security=security_spec(opts),
        resources=resource_spec(opts),
    )
