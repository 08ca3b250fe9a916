"""`manifest push`: the images a list names (from local storage, or already in the registry), then the list.

A local instance goes up through the image pusher, which may write a different manifest
(another compression or format): the pushed list names what was written. An instance that
was added from a registry is left alone when the destination has it, and is copied by
cross-repository mounts when it lives in another repository of the same registry.
"""

from __future__ import annotations

from collections.abc import Callable

from podpy.config.registries_conf import RegistriesConf
from podpy.errors import NotImplementedYet, RegistryError
from podpy.image.manifest_list import Instance, encode, index_document, load, local_image_for
from podpy.image.manifest_remote import parse_source
from podpy.image.progress import Progress
from podpy.image.references import Reference
from podpy.image.registry.client import RegistryClient, Reply, status_error
from podpy.image.registry.manifests import ACCEPT, DOCKER_LIST, OCI_INDEX, image_manifest, parse_json
from podpy.image.registry.options import ClientOptions
from podpy.storage.records import Image
from podpy.util.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.storage.store import Store

_PUSH = "pull,push"


@record
class ListPushSettings:
    client: ClientOptions
    all: bool = True
    format: str = ""  # "", "oci" or "v2s2"
    compression: str = "gzip"
    remove_signatures: bool = False


def _reply(result: object) -> Reply:
    assert isinstance(result, Reply)
    return result


def _head(client: RegistryClient, repo: str, digest: str) -> tuple[int, str] | None:
    """(size, media type) of a manifest the repository holds, else None."""
    reply = _reply(client.request("HEAD", f"/v2/{repo}/manifests/{digest}", repo=repo, actions=_PUSH,
                                  headers={"Accept": ACCEPT}))
    if reply.status == 404:
        return None
    if reply.status != 200:
        raise status_error(reply.status, reply.body, f"checking for manifest {digest} in {client.registry}/{repo}")
    try:
        size = int(reply.headers.get("content-length", "-1"))
    except ValueError:
        size = -1
    return size, reply.headers.get("content-type", "").split(";")[0].strip()


def _copy_in_registry(client: RegistryClient, inst: Instance, dest: Reference) -> None:
    """A remote-only instance from another repository of the destination registry: mount its blobs."""
    from podpy.image.registry.upload import mount_blob, put_manifest

    source = parse_source(inst.source)
    if source is None or source.domain != dest.domain:
        raise RegistryError(f"copying image {inst.digest} to {dest}: the image is neither in local storage nor "
                            f"in {dest.repository}; pull it first")
    what = f"reading manifest {inst.digest} in {source.repository}"
    reply = client.get_json(f"/v2/{source.path}/manifests/{inst.digest}", repo=source.path, accept=ACCEPT, what=what)
    manifest = image_manifest(parse_json(reply.body, what), inst.media_type, what)
    for blob in (manifest.config, *manifest.layers):
        mounted, _location = mount_blob(client, dest.path, blob.digest, source.path)
        if not mounted:
            raise RegistryError(f"copying blob {blob.digest} from {source.repository} to {dest.repository}: "
                                "the registry refused a cross-repository mount")
    put_manifest(client, dest.path, inst.digest, reply.body, inst.media_type)


def push_list(store: Store, image: Image, destination: str, settings: ListPushSettings, progress: Progress,
              conf_loader: Callable[[], RegistriesConf]) -> str:
    """Push the list ``image`` to ``destination``; the pushed list's digest."""
    from podpy.image.push import Pusher, PushSettings, destination_reference
    from podpy.image.registry.resolve import insecure_registry
    from podpy.image.registry.upload import put_manifest

    if destination.startswith(("dir:", "oci:", "oci-archive:", "docker-archive:", "docker-daemon:")):
        raise NotImplementedYet(f"{destination}: manifest lists can only be pushed to registries yet")
    dest = destination_reference(destination)
    ml = load(image)
    conf = conf_loader()
    opts = settings.client if settings.client.on_retry is not None else replace(
        settings.client, on_retry=progress.warning)
    client = RegistryClient(dest.domain, opts, insecure=insecure_registry(dest.domain, conf))
    list_type = DOCKER_LIST if settings.format == "v2s2" else OCI_INDEX
    try:
        progress.line("Getting image list signatures")
        instances = list(ml.instances)
        if settings.all and instances:
            pusher = Pusher(store, PushSettings(client=opts, format=settings.format,
                                                compression=settings.compression or "gzip",
                                                remove_signatures=settings.remove_signatures),
                            progress, lambda: conf)
            progress.line(f"Copying {len(instances)} of {len(instances)} images in list")
            by_digest = Reference(dest.domain, dest.path, "", "")
            for n, inst in enumerate(instances):
                progress.line(f"Copying image {inst.digest} ({n + 1}/{len(instances)})")
                local = local_image_for(store, inst)
                if local is None:
                    if _head(client, dest.path, inst.digest) is None:
                        _copy_in_registry(client, inst, dest)
                    continue
                digest = pusher.push(local, by_digest)
                found = _head(client, dest.path, digest)
                if found is None:
                    raise RegistryError(f"pushing image {inst.digest}: {dest.repository} does not show {digest}")
                size, media_type = found
                instances[n] = replace(inst, digest=digest, size=size if size >= 0 else inst.size,
                                       media_type=media_type or inst.media_type)
        body = encode(index_document(instances, list_type, ml.annotations))
        progress.line("Writing manifest list to image destination")
        import hashlib

        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        put_manifest(client, dest.path, dest.tag or digest, body, list_type)
        progress.line("Storing list signatures")
        return digest
    finally:
        client.close()
