"""The PodpyError tree.

Every error that reaches the CLI boundary is a PodpyError: it carries the
process exit code Podman would use, a stable machine-readable ``code`` (never
match on message text) and an optional hint printed at debug level.
"""

from __future__ import annotations

from podpy.define.exitcodes import CANNOT_INVOKE, ENGINE_ERROR, NOT_FOUND


class PodpyError(Exception):
    """Base of every error podpy reports on purpose."""

    exit_code: int = ENGINE_ERROR
    code: str = "internal"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(PodpyError):
    code = "usage"


class ConfigError(PodpyError):
    """A configuration file is malformed or holds an invalid value."""

    code = "config"


class NotFoundError(PodpyError):
    code = "not_found"


class NoSuchContainer(NotFoundError):
    code = "no_such_container"


class NoSuchImage(NotFoundError):
    code = "no_such_image"


class NoSuchVolume(NotFoundError):
    code = "no_such_volume"


class NoSuchSecret(NotFoundError):
    code = "no_such_secret"


class NoSuchPod(NotFoundError):
    code = "no_such_pod"


class VolumeInUse(PodpyError):
    """Containers use the volume (`volume rm` exits 2 for it, as Podman does)."""

    exit_code = 2
    code = "volume_in_use"


class NameInUse(PodpyError):
    code = "name_in_use"


class ImageInUse(PodpyError):
    """Containers are based on the image (`rmi` exits 2 for it, as Podman does)."""

    code = "image_in_use"


class InvalidStateError(PodpyError):
    """The object's status forbids the operation (e.g. rm of a running container)."""

    code = "invalid_state"


class StateError(PodpyError):
    """The state database is unusable (wrong schema, points at other paths…)."""

    code = "state"


class StorageError(PodpyError):
    code = "storage"


class ImageFormatError(StorageError):
    """A malformed manifest, config, index or archive."""

    code = "image_format"


class DigestMismatch(StorageError):
    code = "digest_mismatch"


class RuntimeStartError(PodpyError):
    """The OCI runtime refused to start the container; message is the runtime's own."""

    code = "runtime_start"


class CommandNotFound(PodpyError):
    """The container's command does not exist (Podman exits 127)."""

    exit_code = NOT_FOUND
    code = "command_not_found"


class CommandNotExecutable(PodpyError):
    """The container's command exists but cannot be run (Podman exits 126)."""

    exit_code = CANNOT_INVOKE
    code = "command_not_executable"


class NotImplementedYet(PodpyError):
    code = "not_implemented"


class RegistryError(PodpyError):
    """A registry refused a request or answered something unusable (manifest unknown, 5xx, bad JSON…)."""

    code = "registry"


class AuthenticationError(RegistryError):
    """Credentials missing or refused (HTTP 401/403, a token server's refusal)."""

    code = "unauthorized"


class PolicyError(PodpyError):
    """The trust policy (policy.json) rejects the image or asks for what podpy cannot check."""

    code = "policy"
