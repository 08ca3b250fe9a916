"""Image references: parsing and Docker's normalisation of names."""

from __future__ import annotations

import re

from podpy.errors import UsageError
from podpy.util.record import record

DEFAULT_TAG = "latest"
_DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$")
_COMPONENT_RE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")


@record
class Reference:
    domain: str  # "" for a short name
    path: str  # repository path without the domain
    tag: str  # "" when only a digest was given
    digest: str  # "" or sha256:…

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}" if self.domain else self.path

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def is_short(self) -> bool:
        return not self.domain


def _looks_like_domain(part: str) -> bool:
    return "." in part or ":" in part or part == "localhost" or part != part.lower()


def parse(text: str) -> Reference:
    """Parse ``[domain/]path[:tag][@digest]``; a missing tag (and digest) means ``latest``."""
    original = text
    if not text:
        raise UsageError("invalid reference format: repository name must have at least one component")
    digest = ""
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST_RE.match(digest):
            raise UsageError(f"invalid reference format: {original!r}: invalid digest")
    tag = ""
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        text, tag = text[:colon], text[colon + 1:]
        if not _TAG_RE.match(tag):
            raise UsageError(f"invalid reference format: {original!r}: invalid tag")
    domain = ""
    first, sep, rest = text.partition("/")
    if sep and _looks_like_domain(first):
        domain, text = first, rest
    if not text or any(not _COMPONENT_RE.match(c) for c in text.split("/")):
        raise UsageError(f"invalid reference format: {original!r}: repository name must be lowercase")
    if not tag and not digest:
        tag = DEFAULT_TAG
    return Reference(domain, text, tag, digest)


def docker_normalized(ref: Reference) -> Reference:
    """``alpine`` → ``docker.io/library/alpine`` (Docker's rule, used for qualified names)."""
    domain = ref.domain or "docker.io"
    path = ref.path
    if domain == "docker.io" and "/" not in path:
        path = f"library/{path}"
    return Reference(domain, path, ref.tag, ref.digest)


def local_name(text: str) -> str:
    """How Podman names a new tag (libimage's NormalizeName): `foo` → `localhost/foo:latest`,
    `docker.io/alpine` → `docker.io/library/alpine:latest`, anything with a registry as written."""
    ref = parse(text)
    if ref.digest:
        raise UsageError(f"{text}: a tag cannot be a digest")
    if ref.is_short:
        return str(Reference("localhost", ref.path, ref.tag, ""))
    return str(docker_normalized(ref)) if ref.domain == "docker.io" else str(ref)
