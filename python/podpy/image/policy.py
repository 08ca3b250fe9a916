"""The trust policy (containers-policy.json(5)) enforced on pull.

``insecureAcceptAnything`` and ``reject`` are decided here; a requirement for signatures
(``signedBy``, ``sigstoreSigned``, ``signedBaseLayer``) is refused with a clear message,
never silently accepted, until podpy verifies signatures.
"""

from __future__ import annotations

import os

from podpy.errors import ConfigError, PolicyError
from podpy.image.references import Reference
from podpy.util.jsonfast import loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SYSTEM_POLICY = "/etc/containers/policy.json"
_KNOWN = ("insecureAcceptAnything", "reject", "signedBy", "sigstoreSigned", "signedBaseLayer")


def policy_path(explicit: str = "") -> str:
    if explicit:
        return explicit
    from podpy.util.paths import home_dir

    user = os.path.join(home_dir(), ".config", "containers", "policy.json")  # c/image: $HOME, never XDG
    return user if os.path.exists(user) else SYSTEM_POLICY


def load(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = loads(f.read())
    except FileNotFoundError:
        raise ConfigError(f"no policy.json file found at any of the following: {path!r}",
                          hint="install containers-common, or write {\"default\": [{\"type\": "
                               "\"insecureAcceptAnything\"}]} there") from None
    except (OSError, ValueError) as e:
        raise ConfigError(f"invalid policy in {path!r}: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("default"), list):
        raise ConfigError(f"invalid policy in {path!r}: Default policy is missing")
    return data


def _scopes(ref: Reference) -> list[str]:
    """The docker transport's scopes for ``ref``, most specific first (containers-policy.json(5))."""
    repo = ref.repository
    scopes = []
    if ref.digest:
        scopes.append(f"{repo}@{ref.digest}")
    elif ref.tag:
        scopes.append(f"{repo}:{ref.tag}")
    parts = repo.split("/")
    scopes += ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]
    host_labels = ref.domain.split(":")[0].split(".")
    scopes += ["*." + ".".join(host_labels[n:]) for n in range(1, len(host_labels))]
    return scopes


def requirements(policy: dict[str, Any], ref: Reference, transport: str = "docker") -> list[Any]:
    transports = policy.get("transports")
    scoped = transports.get(transport) if isinstance(transports, dict) else None
    if isinstance(scoped, dict):
        for scope in _scopes(ref):
            if isinstance(scoped.get(scope), list):
                return list(scoped[scope])
        if isinstance(scoped.get(""), list):
            return list(scoped[""])
    return list(policy["default"])


def check(ref: Reference, path: str = "", transport: str = "docker") -> None:
    """PolicyError unless the policy accepts ``ref`` without signatures."""
    where = policy_path(path)
    reqs = requirements(load(where), ref, transport)
    if not reqs:
        raise ConfigError(f"invalid policy in {where!r}: a policy requirement list is empty")
    for req in reqs:
        kind = req.get("type") if isinstance(req, dict) else None
        if kind not in _KNOWN:
            raise ConfigError(f"invalid policy in {where!r}: unknown policy requirement type {kind!r}")
        if kind == "reject":
            raise PolicyError(f"Source image rejected: Running image {transport}://{ref} is rejected by policy.")
        if kind != "insecureAcceptAnything":
            raise PolicyError(f"Source image rejected: {transport}://{ref} requires signature verification "
                              f"({kind} in {where}), which podpy does not support yet",
                              hint="pull with podman, or relax the policy for this scope")
