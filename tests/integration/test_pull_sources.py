"""What is pulled from where: zstd layers in a two-platform index; registries.conf mirrors in order, then the origin."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.integration.test_pull import HOST, OTHER, file_layer, ok, run
from tests.support.images import busybox_layer
from tests.support.podpy import Podpy
from tests.support.registry import HAVE_REGISTRY, CountingProxy, Registry, free_port, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY or not shutil.which("zstd"),
                                             reason="needs docker-registry, skopeo and zstd")]


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[Registry, dict[str, dict[str, str]]]]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    digests = {}
    try:
        layout = os.path.join(work, "zstd")
        digests["zstd"] = write_layout(layout, [(HOST, [busybox_layer(), file_layer("which", b"host zstd\n")], {}),
                                                (OTHER, [busybox_layer(), file_layer("which", b"other\n")], {})],
                                       index=True, compression="zstd")
        reg.push_layout(layout, "team/zstd:latest", all_images=True)
        layout = os.path.join(work, "app")
        digests["app"] = write_layout(layout, [(HOST, [busybox_layer(), file_layer("app", b"app\n")], {})])
        reg.push_layout(layout, "team/app:latest")
        yield reg, digests
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_zstd_layers_in_an_index_pull_and_run(podpy: Podpy, seeded: tuple[Registry, dict]) -> None:
    reg, digests = seeded
    name = f"{reg.host}/team/zstd:latest"
    with open(reg.blob_path(digests["zstd"]["manifest0"])) as f:
        assert {d["mediaType"] for d in json.load(f)["layers"]} == {"application/vnd.oci.image.layer.v1.tar+zstd"}
    assert ok(podpy, "pull", "-q", "--tls-verify=false", name).stdout.strip() == digests["zstd"]["config0"][7:]
    assert ok(podpy, "run", "--rm", name, "cat", "/which").stdout == "host zstd\n"
    inspect = json.loads(ok(podpy, "image", "inspect", name).stdout)[0]
    assert inspect["Architecture"] == HOST["architecture"] and inspect["Digest"] == digests["zstd"]["index"]
    other = ok(podpy, "pull", "-q", "--tls-verify=false", "--arch", OTHER["architecture"], name)
    assert other.stdout.strip() == digests["zstd"]["config1"][7:]
    inspect = json.loads(ok(podpy, "image", "inspect", digests["zstd"]["config1"][7:]).stdout)[0]
    assert inspect["Architecture"] == OTHER["architecture"]


def _conf(tmp: str, text: str) -> dict[str, str]:
    path = os.path.join(tmp, "registries.conf")
    with open(path, "w") as f:
        f.write(text)
    return {"CONTAINERS_REGISTRIES_CONF": path}


def test_mirrors_in_order_then_the_origin(podpy: Podpy, seeded: tuple[Registry, dict], tmp_path: object) -> None:
    reg, digests = seeded
    mirror, origin = CountingProxy(reg.host), CountingProxy(reg.host)
    dead = f"127.0.0.1:{free_port()}"
    image_id = digests["app"]["config0"][7:]
    try:
        env = _conf(str(tmp_path), f'[[registry]]\nprefix = "example.test/team"\nlocation = "{origin.host}/team"\n'
                                   f'insecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{dead}/team"\ninsecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{mirror.host}/team"\ninsecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{origin.host}/digest-only"\ninsecure = true\n'
                                   f'pull-from-mirror = "digest-only"\n')
        result = ok(podpy, "pull", "-q", "--retry=0", "example.test/team/app", env=env)
        assert result.stdout.strip() == image_id
        assert mirror.manifest_requests() == ["/v2/team/app/manifests/latest"]
        assert len(mirror.blob_gets()) == 3  # two layers and the config, from the second mirror
        assert origin.requests == []  # neither the origin nor the digest-only mirror was asked for a tag
        names = json.loads(ok(podpy, "image", "inspect", image_id).stdout)[0]["RepoTags"]
        assert names == ["example.test/team/app:latest"]
        mirror.reset()
        ok(podpy, "rmi", "-f", image_id)
        # the working mirror lacks the repository now: the origin answers, after every mirror was tried
        env = _conf(str(tmp_path), f'[[registry]]\nprefix = "example.test/team"\nlocation = "{origin.host}/team"\n'
                                   f'insecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{dead}/team"\ninsecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{mirror.host}/elsewhere"\ninsecure = true\n')
        again = ok(podpy, "pull", "-q", "--retry=0", "example.test/team/app", env=env)
        assert again.stdout.strip() == image_id
        assert mirror.manifest_requests() == ["/v2/elsewhere/app/manifests/latest"]
        assert origin.manifest_requests() == ["/v2/team/app/manifests/latest"]
        # nothing answers: one error naming the image, the origin's cause and the mirrors' causes
        env = _conf(str(tmp_path), f'[[registry]]\nprefix = "example.test/team"\nlocation = "{dead}/team"\n'
                                   f'insecure = true\n'
                                   f'[[registry.mirror]]\nlocation = "{mirror.host}/elsewhere"\ninsecure = true\n')
        failed = run(podpy, "pull", "--retry=0", "example.test/team/app", env=env)
        assert failed.returncode == 125
        errors = [line for line in failed.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and f"{dead}/team/app" in errors[0] and "mirrors also failed" in errors[0], errors
    finally:
        mirror.stop()
        origin.stop()


def test_insecure_in_registries_conf_allows_plain_http(podpy: Podpy, seeded: tuple[Registry, dict],
                                                       tmp_path: object) -> None:
    reg, digests = seeded
    name = f"{reg.host}/team/app"
    secure = run(podpy, "pull", "--retry=0", name, env=_conf(str(tmp_path), f'[[registry]]\nlocation = "{reg.host}"\n'))
    assert secure.returncode == 125 and "http: server gave HTTP response to HTTPS client" in secure.stderr
    env = _conf(str(tmp_path), f'[[registry]]\nlocation = "{reg.host}"\ninsecure = true\n')
    assert ok(podpy, "pull", "-q", name, env=env).stdout.strip() == digests["app"]["config0"][7:]
    with open(os.path.join(podpy.runroot, "registries-over-http")) as f:
        assert f.read().split() == [reg.host]  # the next pull asks over http without a TLS attempt first
    forced = run(podpy, "pull", "--retry=0", "--tls-verify=true", f"{reg.host}/team/zstd", env=env)
    assert forced.returncode == 125 and "http: server gave HTTP response to HTTPS client" in forced.stderr
