"""What a registry client is told (apart from the transport, so that a re-pull need not load http.client)."""

from __future__ import annotations

from podpy.util.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from podpy.image.registry.auth import Credentials

DOCKER_HUB_HOST = "registry-1.docker.io"
USER_AGENT = "podpy (containers/image compatible)"


@record
class ClientOptions:
    tls_verify: bool | None = None  # None: verify unless registries.conf says insecure
    cert_dir: str = ""
    authfile: str | None = None
    creds: Credentials | None = None  # --creds: used for every registry
    retries: int = 3
    retry_delay: float = 0.0  # 0: 1 s, doubling
    on_retry: Any = None  # callable(message) for Podman's "Failed, retrying" warnings
    extra: dict[str, str] = field(default_factory=dict)


def api_host(registry: str) -> str:
    return DOCKER_HUB_HOST if registry == "docker.io" else registry


def verifies(opts: ClientOptions, insecure: bool) -> bool:
    """Whether TLS certificates are checked: --tls-verify wins over registries.conf's insecure."""
    return opts.tls_verify if opts.tls_verify is not None else not insecure
