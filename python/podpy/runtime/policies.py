"""A container's log settings and restart policy, and the one decision the exit command makes with them."""

from __future__ import annotations

from podpy.util.record import record

RESTART_NO = "no"
RESTART_ON_FAILURE = "on-failure"
RESTART_ALWAYS = "always"
RESTART_UNLESS_STOPPED = "unless-stopped"
RESTART_POLICIES = (RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS, RESTART_UNLESS_STOPPED)


@record
class LogSettings:
    """Where and how the monitor logs (``--log-driver``, ``--log-opt``, containers.conf)."""

    driver: str = "k8s-file"
    path: str = ""  # "" : the default ctr.log in the container's userdata directory
    size_max: int = -1  # bytes; -1: no limit
    tag: str = ""


@record
class RestartPolicy:
    """``--restart``: name "" (none given) or one of RESTART_POLICIES; retries only for on-failure."""

    name: str = ""
    retries: int = 0


def should_restart(policy: RestartPolicy, *, exit_code: int, restart_count: int, stopped_by_user: bool) -> bool:
    """Podman's rule once a container has exited on its own (not after stop/kill by the user)."""
    if stopped_by_user:
        return False
    if policy.name in (RESTART_ALWAYS, RESTART_UNLESS_STOPPED):
        return True
    if policy.name == RESTART_ON_FAILURE:
        return exit_code != 0 and (policy.retries <= 0 or restart_count < policy.retries)
    return False
