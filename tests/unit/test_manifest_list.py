"""Manifest list records: encoding, parsing and entry updates (no store, no registry)."""

from __future__ import annotations

import json

import pytest

from podpy.errors import ImageFormatError, UsageError
from podpy.image.manifest_list import (
    Instance,
    ManifestList,
    PlatformChanges,
    apply_changes,
    check_digest,
    index_document,
    inspect_document,
    instances_of,
    is_list,
    load,
    upsert,
)
from podpy.image.registry.manifests import DOCKER_LIST, OCI_INDEX, OCI_MANIFEST
from podpy.storage.records import Image

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


def _inst(digest: str, arch: str = "amd64", **kw: object) -> Instance:
    return Instance(digest=digest, size=100, media_type=OCI_MANIFEST, os="linux", architecture=arch, **kw)  # type: ignore[arg-type]


def test_index_and_inspect_shapes() -> None:
    inst = _inst(D1, "arm", variant="v7", os_version="1.2", features=["f"], annotations={"a": "b"})
    oci = index_document([inst])
    assert oci == {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": D1, "size": 100, "annotations": {"a": "b"},
         "platform": {"architecture": "arm", "os": "linux", "os.version": "1.2", "variant": "v7"}}]}
    docker = index_document([inst], DOCKER_LIST)
    assert "annotations" not in docker["manifests"][0]
    assert docker["manifests"][0]["platform"]["features"] == ["f"]
    shown = inspect_document([inst])
    assert list(shown["manifests"][0]) == ["mediaType", "size", "digest", "platform", "annotations"]
    assert inspect_document([]) == {"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": None}


def test_round_trip_through_a_record() -> None:
    ml = upsert(upsert(ManifestList("", ["localhost/l:latest"]), _inst(D1, source="docker://x/y@" + D1)),
                _inst(D2, "arm64", features=["sse"]))
    from podpy.image.manifest_list import _record_parts

    manifest, config, digest = _record_parts(ml)
    image = Image(id="a" * 64, digest=digest, names=ml.names, manifest=manifest, config=config,
                  manifest_media_type=OCI_INDEX)
    assert is_list(image)
    back = load(image)
    assert [i.digest for i in back.instances] == [D1, D2]
    assert back.instances[0].source == "docker://x/y@" + D1
    assert back.instances[1].features == ["sse"]
    assert json.loads(manifest)["mediaType"] == OCI_INDEX


def test_upsert_replaces_the_same_digest_in_place() -> None:
    ml = upsert(upsert(ManifestList("", []), _inst(D1)), _inst(D2))
    ml = upsert(ml, _inst(D1, "s390x"))
    assert [(i.digest, i.architecture) for i in ml.instances] == [(D1, "s390x"), (D2, "amd64")]


def test_changes_override_only_what_is_given() -> None:
    inst = _inst(D1, variant="v8", annotations={"old": "1"})
    changed = apply_changes(inst, PlatformChanges(architecture="arm64", annotations={"new": "2"}))
    assert (changed.architecture, changed.variant, changed.os) == ("arm64", "v8", "linux")
    assert changed.annotations == {"new": "2"}
    assert apply_changes(inst, PlatformChanges()).annotations == {"old": "1"}


def test_bad_digests_and_indexes() -> None:
    with pytest.raises(UsageError, match="invalid image digest"):
        check_digest("sha256:xyz")
    with pytest.raises(ImageFormatError):
        instances_of({"manifests": [{"digest": "nope", "size": 1}]}, "test")
    assert instances_of({"manifests": None}, "test") == []
