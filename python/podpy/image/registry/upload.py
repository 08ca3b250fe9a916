"""Blob and manifest uploads (Docker Registry HTTP API v2, OCI distribution spec "push").

A blob is first looked up (HEAD) in the destination repository; then, when it is known to
live in another repository of the same registry, mounted from there (a 201 costs no bytes;
a registry that cannot mount answers 202 with an upload session, which is used instead).
Otherwise it is uploaded: in one PUT for small blobs, in PATCH chunks with Content-Range
above a threshold, then closed with ``PUT ?digest=``. Manifests go last, with their own
media type as Content-Type.

These functions take a RegistryClient (auth, retries and connections are its business) and
a repository path (``library/busybox``, without the host). Blob bodies come from ``open_fn``,
called again whenever a request has to be resent, so it must give the same bytes each time.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

from podpy.errors import AuthenticationError, DigestMismatch, RegistryError
from podpy.image.registry.client import RegistryClient, Reply, status_error

PUSH = "pull,push"
CHUNK_THRESHOLD = 64 << 20  # blobs larger than this go up in PATCH chunks
CHUNK_SIZE = 32 << 20
_READ = 1 << 20

# What upload_blob did: the blob was there already, was mounted from another repository, or was sent.
EXISTS = "exists"
MOUNTED = "mounted"
UPLOADED = "uploaded"

OpenFn = Callable[[], BinaryIO]
OnBytes = Callable[[int], None]


def _reply(result: object) -> Reply:
    assert isinstance(result, Reply)
    return result


def blob_exists(client: RegistryClient, repo: str, digest: str) -> int | None:
    """The blob's size when ``repo`` has it, else None (HEAD /v2/<repo>/blobs/<digest>)."""
    reply = _reply(client.request("HEAD", f"/v2/{repo}/blobs/{digest}", repo=repo, actions=PUSH))
    if reply.status == 200:
        try:
            return int(reply.headers.get("content-length", "-1"))
        except ValueError:
            return -1
    if reply.status == 404:
        return None
    what = f"checking whether a blob {digest} exists in {client.registry}/{repo}"
    if reply.status == 401:  # a HEAD has no error body: distribution's client words it so
        raise AuthenticationError(f"{what}: authentication required")
    raise status_error(reply.status, reply.body, what)


def _location(client: RegistryClient, reply: Reply, what: str) -> str:
    """The upload session's URL as a path on this registry (Location may be relative or absolute)."""
    location = reply.headers.get("location", "")
    if not location:
        raise RegistryError(f"{what}: the registry gave no upload location")
    parts = urllib.parse.urlsplit(location)
    if parts.netloc and parts.netloc != client.host:
        raise RegistryError(f"{what}: uploads to another host ({parts.netloc}) are not supported")
    path = parts.path if parts.path.startswith("/") else "/v2/" + parts.path
    return path + (f"?{parts.query}" if parts.query else "")


def _with_query(path: str, **params: str) -> str:
    return path + ("&" if "?" in path else "?") + urllib.parse.urlencode(params)


def start_upload(client: RegistryClient, repo: str, *, mount: str = "", from_repo: str = "") -> tuple[bool, str]:
    """POST /v2/<repo>/blobs/uploads/ (with ``?mount=&from=`` to mount): (mounted, upload location)."""
    path = f"/v2/{repo}/blobs/uploads/"
    if mount and from_repo:
        path = _with_query(path, mount=mount, **{"from": from_repo})
    what = f"initiating a blob upload to {client.registry}/{repo}"
    reply = _reply(client.request("POST", path, repo=repo, actions=PUSH, headers={"Content-Length": "0"},
                                  extra_scope=f"repository:{from_repo}:pull" if mount and from_repo else ""))
    if reply.status == 201 and mount:
        return True, ""
    if reply.status != 202:
        raise status_error(reply.status, reply.body, what)
    return False, _location(client, reply, what)


def mount_blob(client: RegistryClient, repo: str, digest: str, from_repo: str) -> tuple[bool, str]:
    """Try to mount ``digest`` from ``from_repo``: (True, "") when done, else (False, a fresh upload location)."""
    return start_upload(client, repo, mount=digest, from_repo=from_repo)


def cancel_upload(client: RegistryClient, repo: str, location: str) -> None:
    """DELETE an upload session that will not be used (best effort: registries expire them anyway)."""
    try:
        client.request("DELETE", location, repo=repo, actions=PUSH)
    except RegistryError:
        pass


def _chunks(open_fn: OpenFn, limit: int, on_bytes: OnBytes | None, skip: int = 0) -> Callable[[], Iterator[bytes]]:
    """A body factory: ``limit`` bytes of the blob from offset ``skip``, in reads of 1 MiB."""

    def gen() -> Iterator[bytes]:
        with open_fn() as f:
            if skip:
                f.seek(skip)
            left = limit
            while left > 0:
                data = f.read(min(_READ, left))
                if not data:
                    raise RegistryError(f"blob source ended {left} bytes early")
                left -= len(data)
                if on_bytes is not None:
                    on_bytes(len(data))
                yield data

    return gen


def _put_monolithic(client: RegistryClient, repo: str, location: str, digest: str, size: int, open_fn: OpenFn,
                    on_bytes: OnBytes | None) -> None:
    what = f"uploading blob {digest} to {client.registry}/{repo}"
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
    reply = _reply(client.request("PUT", _with_query(location, digest=digest), repo=repo, actions=PUSH,
                                  headers=headers, body=_chunks(open_fn, size, on_bytes)))
    if reply.status not in (201, 204):
        raise _upload_error(reply, what)


def _put_chunked(client: RegistryClient, repo: str, location: str, digest: str, size: int, open_fn: OpenFn,
                 on_bytes: OnBytes | None, chunk_size: int) -> None:
    what = f"uploading blob {digest} to {client.registry}/{repo}"
    offset = 0
    while offset < size:
        n = min(chunk_size, size - offset)
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(n),
                   "Content-Range": f"{offset}-{offset + n - 1}"}
        reply = _reply(client.request("PATCH", location, repo=repo, actions=PUSH, headers=headers,
                                      body=_chunks(open_fn, n, on_bytes, skip=offset)))
        if reply.status != 202:
            raise _upload_error(reply, what)
        location = _location(client, reply, what)
        offset += n
    reply = _reply(client.request("PUT", _with_query(location, digest=digest), repo=repo, actions=PUSH,
                                  headers={"Content-Length": "0"}))
    if reply.status not in (201, 204):
        raise _upload_error(reply, what)


def _upload_error(reply: Reply, what: str) -> RegistryError | DigestMismatch:
    err = status_error(reply.status, reply.body, what)
    if b"DIGEST_INVALID" in reply.body:
        return DigestMismatch(str(err))
    return err


def upload_blob(client: RegistryClient, repo: str, digest: str, size: int, open_fn: OpenFn, *,
                mount_from: Sequence[str] = (), on_bytes: OnBytes | None = None,
                chunk_threshold: int = CHUNK_THRESHOLD, chunk_size: int = CHUNK_SIZE,
                check_exists: bool = True, location: str = "") -> str:
    """Make ``digest`` (``size`` bytes, read from ``open_fn()``) present in ``repo``: EXISTS, MOUNTED or UPLOADED.

    ``mount_from`` lists other repositories of the same registry that may hold the blob; the first
    one that is not ``repo`` is tried (a refused mount opens the session used for the upload).
    ``location`` is an upload session already opened (by a refused mount_blob). ``open_fn`` is
    only called when the bytes have to be sent.
    """
    if not location and check_exists and blob_exists(client, repo, digest) is not None:
        return EXISTS
    for source in () if location else mount_from:
        if source == repo:
            continue
        mounted, location = mount_blob(client, repo, digest, source)
        if mounted:
            return MOUNTED
        break  # the registry opened an upload session instead: use it
    if not location:
        _mounted, location = start_upload(client, repo)
    if size > chunk_threshold:
        _put_chunked(client, repo, location, digest, size, open_fn, on_bytes, chunk_size)
    else:
        _put_monolithic(client, repo, location, digest, size, open_fn, on_bytes)
    return UPLOADED


def upload_bytes(client: RegistryClient, repo: str, data: bytes, *, check_exists: bool = True) -> str:
    """A small blob held in memory (a config); its digest."""
    import io

    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    upload_blob(client, repo, digest, len(data), lambda: io.BytesIO(data), check_exists=check_exists)
    return digest


def put_manifest(client: RegistryClient, repo: str, reference: str, body: bytes, media_type: str) -> str:
    """PUT /v2/<repo>/manifests/<reference> (a tag or a digest); the manifest's digest."""
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    what = f"writing manifest to {client.registry}/{repo}:{reference}"
    reply = _reply(client.request("PUT", f"/v2/{repo}/manifests/{reference}", repo=repo, actions=PUSH,
                                  headers={"Content-Type": media_type, "Content-Length": str(len(body))}, body=body))
    if reply.status not in (200, 201, 202):
        raise status_error(reply.status, reply.body, what)
    given = reply.headers.get("docker-content-digest", "")
    if given and given != digest:
        raise DigestMismatch(f"{what}: the registry computed digest {given}, expected {digest}")
    return digest


def iter_file(open_fn: OpenFn) -> Iterable[bytes]:
    """The whole blob in 1 MiB pieces (for callers that want to hash or copy it)."""
    with open_fn() as f:
        while data := f.read(_READ):
            yield data
