"""push's pure parts: destinations, transports, settings checks, deterministic compression, the blob-info cache."""

from __future__ import annotations

import gzip
import os

import pytest

from podpy.errors import UsageError
from podpy.image.blobinfo import BlobInfoCache
from podpy.image.push import (
    Pusher,
    PushSettings,
    _compressor,
    _sibling_repos,
    destination_reference,
    split_transport,
)
from podpy.image.references import Reference
from podpy.image.registry.options import ClientOptions
from podpy.storage.records import Image


def test_destination_reference() -> None:
    assert destination_reference("docker://127.0.0.1:5000/a/b:1") == Reference("127.0.0.1:5000", "a/b", "1", "")
    assert destination_reference("127.0.0.1:5000/a/b") == Reference("127.0.0.1:5000", "a/b", "latest", "")
    assert destination_reference("busybox") == Reference("docker.io", "library/busybox", "latest", "")
    assert destination_reference("localhost/busybox:2") == Reference("localhost", "busybox", "2", "")


def test_split_transport() -> None:
    assert split_transport("docker://h/r:t") == ("docker", "h/r:t")
    assert split_transport("h:5000/r:t") == ("docker", "h:5000/r:t")
    assert split_transport("oci-archive:/tmp/x.tar:ref") == ("oci-archive", "/tmp/x.tar:ref")
    assert split_transport("dir:/tmp/d") == ("dir", "/tmp/d")


def test_sibling_repositories_are_on_the_same_registry() -> None:
    image = Image(id="0" * 64, digest="", names=["h:1/a/b:1", "h:1/c:2", "other/x:1", "h:1/a/b:3"], manifest="{}",
                  config="{}", manifest_media_type="")
    assert _sibling_repos(image, Reference("h:1", "dest", "1", "")) == ["a/b", "c"]
    assert _sibling_repos(image, Reference("h:1", "a/b", "1", "")) == ["c"]


@pytest.mark.parametrize(("settings", "text"), [
    ({"compression": "bzip2"}, "unsupported compression format"),
    ({"format": "v2s1"}, "v2s1"),
    ({"format": "docker"}, "unsupported format"),
    ({"format": "v2s2", "compression": "zstd"}, "use --format oci"),
])
def test_settings_are_checked(settings: dict[str, str], text: str) -> None:
    with pytest.raises(UsageError, match=text):
        Pusher(None, PushSettings(client=ClientOptions(), **settings), None, None)  # type: ignore[arg-type]


def _compress(kind: str, data: bytes, level: int) -> bytes:
    compress, flush = _compressor(kind, level)
    return compress(data) + flush()


def test_compression_is_deterministic() -> None:
    data = os.urandom(1000) * 200
    first = _compress("gzip", data, 3)
    assert first == _compress("gzip", data, 3)
    assert gzip.decompress(first) == data
    assert first[4:8] == b"\0\0\0\0"  # no timestamp
    assert _compress("zstd", data, 3) == _compress("zstd", data, 3)
    with pytest.raises(UsageError):
        _compressor("gzip", 12)


def test_blob_info_cache_round_trip(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "cache", "blob-info.json")
    cache = BlobInfoCache(path)
    assert cache.compressed("sha256:d", "gzip") is None
    cache.record_compressed("sha256:d", "gzip", "sha256:c", 10)
    cache.record_location("sha256:c", "h:1", "a/b")
    cache.record_location("sha256:c", "h:1", "c")
    cache.record_location("sha256:c", "other", "x")
    cache.save()
    again = BlobInfoCache(path)
    assert again.compressed("sha256:d", "gzip") == ("sha256:c", 10)
    assert again.compressed("sha256:d", "zstd") is None
    assert again.locations("sha256:c", "h:1") == ["c", "a/b"]
    with open(path, "w") as f:
        f.write("not json")
    assert BlobInfoCache(path).compressed("sha256:d", "gzip") is None
