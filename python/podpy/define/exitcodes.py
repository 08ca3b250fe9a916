"""Podman's process exit codes."""

ENGINE_ERROR = 125
CANNOT_INVOKE = 126
NOT_FOUND = 127
