"""RunOptions (flags as the user gave them) → SpecGenerator (parsed, typed, validated later)."""

from __future__ import annotations

from podpy.engine.entities import RunOptions, UpdateOptions
from podpy.errors import UsageError
from podpy.specgen.generator import BasicSpec, NamespaceSpec, NetworkSpec, SpecGenerator, StorageSpec
from podpy.specgen.mounts import parse_mount, parse_secret, parse_tmpfs, parse_volume
from podpy.specgen.resources import ResourceSpec, parse_memory
from podpy.specgen.security import SecuritySpec, parse_security_opts
from podpy.util.record import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.runtime.policies import LogSettings, RestartPolicy


def _stop_signal(text: str) -> int:
    """0 when not given: SIGTERM, or SIGRTMIN+3 in systemd mode (decided at create, with the command)."""
    from podpy.define.signals import parse_signal

    return parse_signal(text) if text else 0


SYSTEMD_MODES = ("true", "false", "always")


def _systemd(text: str) -> str:
    if text.lower() not in SYSTEMD_MODES:
        raise UsageError('invalid config provided: --systemd values must be one of "true, false, always": '
                         "invalid configuration")
    return text.lower()


def check_userns(opts: RunOptions) -> None:
    """The host's user namespace is the only one yet: anything else is refused, never ignored."""
    import re

    for flag, maps in (("UID", opts.uidmap), ("GID", opts.gidmap)):
        for value in maps:
            if not re.fullmatch(r"\+?\d+:@?\d+:\d+", value):
                raise UsageError(f'initializing ID mappings: {flag} setting is malformed expected '
                                 f'["uint32:uint32:uint32"]: ["{value}"]')
    if opts.uidmap or opts.gidmap:
        raise UsageError("--uidmap and --gidmap are not supported yet (containers share the host's user "
                         "namespace)")
    mode = opts.userns.partition(":")[0]
    if mode in ("", "host"):
        return
    if mode == "keep-id":
        raise UsageError("keep-id is only supported in rootless mode")
    if mode in ("auto", "private", "nomap", "ns", "container"):
        raise UsageError(f"--userns={opts.userns} is not supported yet (only host)")
    raise UsageError(f"unrecognized namespace mode {opts.userns} passed")


def _cpus(text: str) -> float:
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"invalid argument {text!r} for \"--cpus\" flag") from None


def _environment(opts: RunOptions) -> dict[str, str]:
    """--env-host: the caller's whole environment first, then -e/--env-file on top (Podman's order)."""
    if not opts.env_host:
        return dict(opts.env)
    import os

    return {**os.environ, **opts.env}


def security_spec(opts: RunOptions) -> SecuritySpec:
    spec = SecuritySpec(privileged=opts.privileged, cap_add=list(opts.cap_add), cap_drop=list(opts.cap_drop),
                        group_add=list(opts.group_add), oom_score_adj=opts.oom_score_adj)
    return parse_security_opts(list(opts.security_opt), spec)


def _check_ulimits(ulimits: list[str]) -> None:
    """Parsed at create, as Podman (a failure at the start would make `run` exit 126)."""
    from podpy.runtime.probe import parse_ulimit

    for text in ulimits:
        try:
            parse_ulimit(text)
        except UsageError as e:
            raise UsageError(f'ulimit option "{text}" requires name=SOFT:HARD, failed to be parsed: {e}') from None


def resource_spec(opts: RunOptions) -> ResourceSpec:
    _check_ulimits(list(opts.ulimits))
    return ResourceSpec(
        memory=parse_memory(opts.memory, "--memory") if opts.memory else 0,
        memory_reservation=parse_memory(opts.memory_reservation, "--memory-reservation")
        if opts.memory_reservation else 0,
        memory_swap=parse_memory(opts.memory_swap, "--memory-swap") if opts.memory_swap else 0,
        cpus=_cpus(opts.cpus), cpu_shares=opts.cpu_shares or 0, cpu_period=opts.cpu_period or 0,
        cpu_quota=opts.cpu_quota or 0, cpuset_cpus=opts.cpuset_cpus, cpuset_mems=opts.cpuset_mems,
        pids_limit=opts.pids_limit, ulimits=list(opts.ulimits), devices=list(opts.devices))


_DECIMAL_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "t": 1000**4, "p": 1000**5}


def from_human_size(text: str) -> int:
    """go-units FromHumanSize: `10k`, `1.5MB`, `20 mb`, `100` — decimal multiples, as Podman's max-size."""
    import re

    match = re.fullmatch(r"(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?", text)
    if match is None:
        raise UsageError(f"invalid size: '{text}'")
    try:
        number = float(match.group(1))
    except ValueError:
        raise UsageError(f"invalid size: '{text}'") from None
    return int(number * _DECIMAL_UNITS[(match.group(2) or "").lower()])


def log_settings(opts: RunOptions, default_driver: str, default_size_max: int) -> LogSettings:
    """--log-driver and --log-opt (max-size, path, tag; other keys are accepted and ignored, as Podman)."""
    from podpy.runtime.monitor import LOG_DRIVER_K8S_FILE, LOG_DRIVERS
    from podpy.runtime.policies import LogSettings

    driver = opts.log_driver
    if not driver:
        driver = default_driver if default_driver in LOG_DRIVERS else LOG_DRIVER_K8S_FILE
    elif driver not in LOG_DRIVERS:
        raise UsageError("running container create option: invalid log driver: invalid argument")
    settings = LogSettings(driver=driver, size_max=default_size_max if default_size_max > 0 else -1)
    for opt in opts.log_opts:
        key, sep, value = opt.partition("=")
        if not sep:
            raise UsageError(f"invalid log option {opt!r}".replace("'", '"'))
        if key == "max-size":
            settings = replace(settings, size_max=from_human_size(value))
        elif key == "path":
            settings = replace(settings, path=value)
        elif key == "tag":
            settings = replace(settings, tag=value)
    return settings


def restart_policy(opts: RunOptions) -> RestartPolicy:
    """--restart, with Podman's validation (and its --rm conflict)."""
    from podpy.runtime.policies import RESTART_ON_FAILURE, RESTART_POLICIES, RestartPolicy

    text = opts.restart
    if opts.remove and text not in ("", "no", RESTART_ON_FAILURE):
        raise UsageError('the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"')
    if not text:
        return RestartPolicy()
    name, sep, count = text.partition(":")
    retries = 0
    if sep:
        if name != RESTART_ON_FAILURE:
            raise UsageError("restart policy retries can only be specified with on-failure restart policy")
        try:
            retries = int(count, 10)
        except ValueError:
            raise UsageError(f"parsing restart policy retry count: strconv.Atoi: parsing {count!r}: invalid syntax"
                             .replace("'", '"')) from None
        if retries < 0:
            raise UsageError("must specify restart policy retry count as a number greater than 0")
    if name not in RESTART_POLICIES:
        raise UsageError(f'running container create option: "{name}" is not a valid restart policy: '
                         "invalid argument")
    return RestartPolicy(name=name, retries=retries)


def parse_publish(text: str) -> list[dict[str, str | int]]:
    """`-p [ip:][hostPort:]containerPort[/tcp|udp]` with ranges (`8000-8001:80-81`); host port 0: any free one."""
    spec, _, proto = text.partition("/")
    proto = proto or "tcp"
    if proto not in ("tcp", "udp"):
        raise UsageError(f"invalid protocol {proto!r} in port mapping {text!r}")
    host_ip, host, container = "", "", spec
    if spec.startswith("["):
        raise UsageError(f"IPv6 host addresses in port mappings are not supported yet: {text!r}")
    parts = spec.split(":")
    if len(parts) == 2:
        host, container = parts
    elif len(parts) == 3:
        host_ip, host, container = parts
    elif len(parts) != 1:
        raise UsageError(f"invalid port format {text!r}")

    def port_range(value: str) -> list[int]:
        first, sep, last = value.partition("-")
        try:
            lo, hi = int(first), int(last) if sep else int(first)
        except ValueError:
            raise UsageError(f"invalid port {value!r} in port mapping {text!r}") from None
        if not 0 < lo <= hi <= 65535:
            raise UsageError(f"invalid port range {value!r} in port mapping {text!r}")
        return list(range(lo, hi + 1))

    container_ports = port_range(container)
    host_ports = port_range(host) if host else [0] * len(container_ports)
    if len(host_ports) != len(container_ports):
        raise UsageError(f"host and container port ranges differ in size in {text!r}")
    if host_ip:
        import ipaddress

        try:
            ipaddress.IPv4Address(host_ip)
        except ValueError:
            raise UsageError(f"invalid host IP {host_ip!r} in port mapping {text!r}") from None
    return [{"host_ip": host_ip, "host_port": h, "container_port": c, "protocol": proto}
            for h, c in zip(host_ports, container_ports, strict=True)]


def network_spec(opts: RunOptions) -> NetworkSpec:
    """--network: none, host and private stay modes; bridge is the default network; anything else a network's name.

    -p without --network joins the default network (Podman's default mode is bridge).
    """
    mode = opts.network
    ports = [p for text in opts.publish for p in parse_publish(text)]
    if (ports or opts.publish_all) and mode == "private":
        mode = "bridge"
    if mode in ("none", "host", "private") or mode.startswith(("container:", "ns:", "slirp4netns", "pasta")):
        if opts.ip or opts.mac_address:
            raise UsageError("--ip and --mac-address can only be set for containers on a bridge network")
        return NetworkSpec(mode=mode, ports=ports, publish_all=opts.publish_all, aliases=list(opts.network_aliases),
                           dns_servers=list(opts.dns),
                           dns_search=list(opts.dns_search), dns_options=list(opts.dns_options),
                           add_hosts=list(opts.add_hosts))
    names = ["podman" if n == "bridge" else n for n in mode.split(",") if n]
    if not names:
        raise UsageError(f"invalid network mode {mode!r}")
    return NetworkSpec(mode="bridge", networks=names, static_ip=opts.ip, static_mac=opts.mac_address, ports=ports,
                       publish_all=opts.publish_all, aliases=list(opts.network_aliases), dns_servers=list(opts.dns),
                       dns_search=list(opts.dns_search), dns_options=list(opts.dns_options),
                       add_hosts=list(opts.add_hosts))



def spec_from_run_options(opts: RunOptions) -> SpecGenerator:
    check_userns(opts)
    return SpecGenerator(
        basic=BasicSpec(name=opts.name, image=opts.image, command=list(opts.command),
                        entrypoint=None if opts.entrypoint is None else list(opts.entrypoint),
                        env=_environment(opts), workdir=opts.workdir, user=opts.user, hostname=opts.hostname,
                        labels=dict(opts.labels), annotations=dict(opts.annotations), terminal=opts.tty,
                        stdin=opts.interactive, auto_remove=opts.remove, stop_signal=_stop_signal(opts.stop_signal),
                        stop_timeout=10 if opts.stop_timeout is None else opts.stop_timeout, init=opts.init,
                        init_path=opts.init_path, pidfile=opts.pidfile, systemd=_systemd(opts.systemd)),
        storage=StorageSpec(read_only=opts.read_only, read_only_tmpfs=opts.read_only_tmpfs,
                            mounts=[*map(parse_volume, opts.volumes), *map(parse_tmpfs, opts.tmpfs),
                                    *map(parse_mount, opts.mounts)],
                            secrets=[parse_secret(s) for s in opts.secrets]),
        network=network_spec(opts),
        security=security_spec(opts),
        resources=resource_spec(opts),
        namespaces=NamespaceSpec(pod=opts.pod, modes={k: v for k, v in (("ipc", opts.ipc), ("uts", opts.uts),
                                                                        ("pid", opts.pid)) if v}),
    )


def resource_changes(opts: UpdateOptions) -> dict[str, object]:
    """The ResourceSpec fields an `update` sets (parsed; flags not given are left out)."""
    changes: dict[str, object] = {}
    for flag, attr in (("--memory", "memory"), ("--memory-reservation", "memory_reservation"),
                       ("--memory-swap", "memory_swap")):
        text = getattr(opts, attr)
        if text:
            changes[attr] = parse_memory(text, flag)
    if opts.cpus:
        changes["cpus"] = _cpus(opts.cpus)
    for attr in ("cpu_shares", "cpu_period", "cpu_quota", "pids_limit"):
        if getattr(opts, attr) is not None:
            changes[attr] = getattr(opts, attr)
    for attr in ("cpuset_cpus", "cpuset_mems"):
        if getattr(opts, attr):
            changes[attr] = getattr(opts, attr)
    if not changes:
        raise UsageError("must provide at least one flag to update the container")
    return changes
