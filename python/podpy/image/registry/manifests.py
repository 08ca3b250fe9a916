"""Manifests as registries serve them: OCI manifest and index, Docker schema 2 manifest and list.

Schema 1 is refused with a clear message; an index is resolved to one platform.
"""

from __future__ import annotations

import os

from podpy.errors import ImageFormatError, UsageError
from podpy.util.jsonfast import loads
from podpy.util.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
IMAGE_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
ACCEPT = ", ".join((OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST))

LAYER_TYPES = {
    "application/vnd.oci.image.layer.v1.tar": "",
    "application/vnd.oci.image.layer.v1.tar+gzip": "gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd": "zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip": "gzip",
    "application/vnd.docker.image.rootfs.diff.tar": "",
    "application/vnd.oci.image.layer.nondistributable.v1.tar": "",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": "gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": "zstd",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": "gzip",
}
_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "armv6l": "arm", "i686": "386",
            "i386": "386", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64", "mips64": "mips64le"}


@record
class Platform:
    os: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


def host() -> Platform:
    machine = os.uname().machine
    arch = _GO_ARCH.get(machine, machine)
    variant = {"armv7l": "v7", "armv6l": "v6"}.get(machine, "")
    return Platform("linux", arch, variant)


def wanted_platform(*, platform: str = "", os: str = "", arch: str = "", variant: str = "") -> Platform:
    """--platform os/arch[/variant], or --os/--arch/--variant over the host's defaults."""
    if platform:
        if os or arch or variant:
            raise UsageError("--platform option can not be specified with --arch or --os")
        parts = platform.split("/")
        if len(parts) < 2 or len(parts) > 3 or not all(parts):
            raise UsageError(f"invalid platform syntax for --platform={platform!r}: use OS/ARCH[/VARIANT]")
        return Platform(parts[0], parts[1], parts[2] if len(parts) == 3 else "")
    default = host()
    return Platform(os or default.os, arch or default.architecture,
                    variant if variant else (default.variant if not arch else ""))


@record
class Descriptor:
    media_type: str
    digest: str
    size: int
    urls: tuple[str, ...] = ()


@record
class ImageManifest:
    media_type: str
    config: Descriptor
    layers: list[Descriptor]


def parse_json(raw: bytes, what: str) -> dict[str, Any]:
    try:
        data = loads(raw)
    except ValueError as e:  # bad UTF-8 or bad JSON
        raise ImageFormatError(f"{what}: invalid JSON: {e}") from e
    if not isinstance(data, dict):
        raise ImageFormatError(f"{what}: not a JSON object")
    return data


def media_type_of(data: dict[str, Any], header: str) -> str:
    """The manifest's type: its own mediaType, else the Content-Type, else guessed from its shape."""
    declared = data.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    header = header.split(";")[0].strip()
    if header in (*INDEX_TYPES, *IMAGE_TYPES, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED):
        return header
    if data.get("schemaVersion") == 1:
        return DOCKER_SCHEMA1_SIGNED
    if "manifests" in data:
        return OCI_INDEX
    return OCI_MANIFEST


def refuse_schema1(media_type: str, what: str) -> None:
    if media_type in (DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED):
        raise ImageFormatError(f"{what}: Docker schema 1 manifests are not supported (deprecated since 2017); "
                               "the image must be pushed again with a current tool")


def _descriptor(desc: Any, what: str) -> Descriptor:
    if not isinstance(desc, dict):
        raise ImageFormatError(f"{what}: not a JSON object")
    digest = desc.get("digest")
    size = desc.get("size")
    if not isinstance(digest, str) or not digest.startswith("sha256:") or len(digest) != 71:
        raise ImageFormatError(f"{what}: missing or unsupported digest {digest!r}")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ImageFormatError(f"{what}: missing or invalid size {size!r}")
    urls = desc.get("urls") or ()
    return Descriptor(str(desc.get("mediaType") or ""), digest, size,
                      tuple(str(u) for u in urls) if isinstance(urls, list) else ())


def image_manifest(data: dict[str, Any], media_type: str, what: str) -> ImageManifest:
    config = _descriptor(data.get("config"), f"{what}: config")
    layers_raw = data.get("layers")
    if not isinstance(layers_raw, list):
        raise ImageFormatError(f"{what}: no layer list")
    layers = [_descriptor(d, f"{what}: layer {n}") for n, d in enumerate(layers_raw)]
    for layer in layers:
        if layer.media_type and layer.media_type not in LAYER_TYPES:
            raise ImageFormatError(f"{what}: layer {layer.digest}: unsupported media type {layer.media_type}")
    return ImageManifest(media_type, config, layers)


def _platform_of(desc: dict[str, Any]) -> Platform | None:
    plat = desc.get("platform")
    if not isinstance(plat, dict):
        return None
    return Platform(str(plat.get("os") or ""), str(plat.get("architecture") or ""), str(plat.get("variant") or ""))


def _variant_matches(have: str, want: Platform) -> bool:
    if not want.variant:
        return True
    if want.architecture == "arm64" and {have, want.variant} <= {"", "v8"}:
        return True
    return have == want.variant


def select_instance(index: dict[str, Any], want: Platform, what: str) -> Descriptor:
    """The entry of an index for ``want``; without a wanted variant, one without a variant is preferred."""
    entries = index.get("manifests")
    if not isinstance(entries, list):
        raise ImageFormatError(f"{what}: the index has no manifest list")
    matches: list[tuple[int, Descriptor]] = []
    for n, desc in enumerate(entries):
        if not isinstance(desc, dict):
            continue
        plat = _platform_of(desc)
        if plat is None or plat.os != want.os or plat.architecture != want.architecture:
            continue
        if not _variant_matches(plat.variant, want):
            continue
        score = 0 if plat.variant == want.variant else 1
        matches.append((score * 10000 + n, _descriptor(desc, f"{what}: manifest {n}")))
    if not matches:
        raise ImageFormatError(f"{what}: no image found in manifest list for architecture {want.architecture}, "
                               f"variant {want.variant!r}, OS {want.os}")
    matches.sort(key=lambda m: m[0])
    return matches[0][1]


def config_matches(config: dict[str, Any], want: Platform) -> bool:
    return (str(config.get("os") or "linux") == want.os and str(config.get("architecture") or "") == want.architecture
            and _variant_matches(str(config.get("variant") or ""), want))
