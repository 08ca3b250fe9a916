"""Finding a local image by ID, full name or short name (Podman's local resolution)."""

from __future__ import annotations

from podpy.errors import NoSuchImage, UsageError
from podpy.image.references import docker_normalized, parse
from podpy.storage.images import ImageStore
from podpy.storage.records import Image
from podpy.util.ids import is_id_prefix


def find_image(images: ImageStore, text: str) -> Image | None:
    """The local image ``text`` names, or None. Ambiguous ID prefixes are an error."""
    bare = text.removeprefix("sha256:")
    if is_id_prefix(bare):
        ids = images.by_id_prefix(bare)
        if len(ids) > 1:
            raise UsageError(f"{text}: image ID prefix is ambiguous ({len(ids)} images)")
        if ids:
            return images.get(ids[0])
    try:
        ref = parse(text)
    except UsageError:
        return None
    if ref.digest:
        for image in images.list():
            if image.digest == ref.digest and (not ref.path or
                                               any(n.startswith(ref.repository) for n in image.names)):
                return image
        return None
    tagged = f"{ref.repository}:{ref.tag}"
    if not ref.is_short:
        found = images.by_name(tagged)
        if found is None and ref.domain == "docker.io":
            found = images.by_name(str(docker_normalized(ref)))
        return found
    for candidate in (f"localhost/{tagged}", str(docker_normalized(ref)), tagged):
        found = images.by_name(candidate)
        if found is not None:
            return found
    matches = images.names_ending_with(f"/{tagged}")
    if matches:
        return images.get(matches[0][1])
    return None


def require_image(images: ImageStore, text: str) -> Image:
    found = find_image(images, text)
    if found is None:
        raise NoSuchImage(f"{text}: image not known")
    return found
