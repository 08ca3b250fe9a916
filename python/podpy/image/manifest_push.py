"""`manifest push`: the images a list names (from local storage, or already in the registry), then the list.

A local instance goes up through the image pusher, which may write a different manifest
(another compression or format): the pushed list names what was written. An instance that
was added from a registry is left alone when the destination has it; otherwise it is copied
from where `manifest add` found it, unchanged: blobs by cross-repository mounts within one
registry, else through a temp file, then its manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

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


def _download(client: RegistryClient, repo: str, digest: str, size: int, tmp_dir: str) -> str:
    """A blob of another repository into a temp file (checked against its digest); the file's path."""
    import hashlib
    import http.client
    import os
    import tempfile

    from podpy.errors import DigestMismatch

    what = f"reading blob {digest} in {client.registry}/{repo}"
    resp = client.request("GET", f"/v2/{repo}/blobs/{digest}", repo=repo, stream=True)
    if not isinstance(resp, http.client.HTTPResponse):
        raise status_error(resp.status, resp.body, what)
    os.makedirs(tmp_dir, mode=0o700, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="blob-", dir=tmp_dir)
    hasher = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as f:
            while chunk := resp.read(1 << 20):
                hasher.update(chunk)
                f.write(chunk)
        if "sha256:" + hasher.hexdigest() != digest or (size >= 0 and os.path.getsize(path) != size):
            raise DigestMismatch(f"{what}: the content does not match its digest")
    except BaseException:
        os.unlink(path)
        raise
    finally:
        resp.close()
        conn = getattr(resp, "_podpy_conn", None)
        if conn is not None:
            conn.close()
    return path


def _opener(path: str) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")  # noqa: SIM115 - the uploader closes it


def _copy_instance(client: RegistryClient, source_client: RegistryClient, inst: Instance, source: Reference,
                   dest: Reference, tmp_dir: str) -> None:
    """An instance that is only in a registry: its blobs (mounted when on the same registry) and manifest."""
    import os

    from podpy.image.registry.upload import blob_exists, mount_blob, put_manifest, upload_blob

    what = f"reading manifest {inst.digest} in {source.repository}"
    reply = source_client.get_json(f"/v2/{source.path}/manifests/{inst.digest}", repo=source.path, accept=ACCEPT,
                                   what=what)
    manifest = image_manifest(parse_json(reply.body, what), inst.media_type, what)
    same_registry = source.domain == dest.domain
    for blob in (manifest.config, *manifest.layers):
        if blob_exists(client, dest.path, blob.digest) is not None:
            continue
        location = ""
        if same_registry:
            mounted, location = mount_blob(client, dest.path, blob.digest, source.path)
            if mounted:
                continue
        path = _download(source_client, source.path, blob.digest, blob.size, tmp_dir)
        try:
            upload_blob(client, dest.path, blob.digest, blob.size, _opener(path), check_exists=False,
                        location=location)
        finally:
            os.unlink(path)
    put_manifest(client, dest.path, inst.digest, reply.body, inst.media_type)


def push_list(store: Store, image: Image, destination: str, settings: ListPushSettings, progress: Progress,
              conf_loader: Callable[[], RegistriesConf]) -> str:
    """Push the list ``image`` to ``destination``; the pushed list's digest."""
    import os

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
    tmp_dir = os.path.join(store.paths.graph_root, "tmp")
    sources: dict[str, RegistryClient] = {}

    def source_client(ref: Reference) -> RegistryClient:
        if ref.domain == dest.domain:
            return client
        if ref.domain not in sources:
            sources[ref.domain] = RegistryClient(ref.domain, opts, insecure=insecure_registry(ref.domain, conf))
        return sources[ref.domain]

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
                        source = parse_source(inst.source)
                        if source is None:
                            raise RegistryError(f"copying image {inst.digest} to {dest}: the image is neither in "
                                                f"local storage nor in {dest.repository}")
                        _copy_instance(client, source_client(source), inst, source, dest, tmp_dir)
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
        for other in sources.values():
            other.close()
