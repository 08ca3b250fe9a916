"""podpy pull against a real registry on loopback (Debian's docker-registry), through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.support.images import _arch, busybox_layer
from tests.support.podpy import Podpy, Result, podpy_env
from tests.support.registry import HAVE_REGISTRY, CountingProxy, Registry, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

HOST = {"architecture": _arch(), "os": "linux"}
OTHER = {"architecture": "arm64" if _arch() != "arm64" else "amd64", "os": "linux"}


def file_layer(name: str, data: bytes) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


BASE = busybox_layer()
A = file_layer("a.txt", b"layer a\n")
B = file_layer("b.txt", b"layer b\n")
C = file_layer("c.txt", b"layer c\n")


@pytest.fixture(scope="module")
def registry() -> Iterator[tuple[Registry, dict[str, dict[str, str]]]]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    digests: dict[str, dict[str, str]] = {}
    try:
        for ref, images, index in (
            ("busybox:latest", [(HOST, [BASE], {})], False),
            ("podpytest/bb:latest", [(HOST, [BASE], {})], False),
            ("multi:latest", [(HOST, [BASE, A, B], {})], False),
            ("multi:v2", [(HOST, [BASE, A, C], {})], False),
            ("multiarch:latest", [(HOST, [BASE, file_layer("arch", b"host\n")], {}),
                                  (OTHER, [BASE, file_layer("arch", b"other\n")], {})], True),
            ("corrupt:latest", [(HOST, [BASE, file_layer("big.bin", os.urandom(200_000))], {})], False),
        ):
            layout = os.path.join(work, ref.replace("/", "_").replace(":", "_"))
            digests[ref] = write_layout(layout, images, index=index)
            reg.push_layout(layout, ref, all_images=index)
        yield reg, digests
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def proxy(registry: tuple[Registry, dict[str, dict[str, str]]]) -> Iterator[CountingProxy]:
    p = CountingProxy(registry[0].host)
    try:
        yield p
    finally:
        p.stop()


def run(podpy: Podpy, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    base = dict(podpy_env(), REGISTRY_AUTH_FILE=os.path.join(os.path.dirname(podpy.root), "auth.json"))
    proc = subprocess.run([*podpy.argv, *args], capture_output=True, text=True, timeout=120,
                          env={**base, **(env or {})}, input=input)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def ok(podpy: Podpy, *args: str, env: dict[str, str] | None = None) -> Result:
    result = run(podpy, *args, env=env)
    assert result.returncode == 0, f"podpy {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
    return result


def test_pull_by_tag_prints_podman_lines_and_runs(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    reg, digests = registry
    name = f"{reg.host}/busybox:latest"
    result = ok(podpy, "pull", "--tls-verify=false", name)
    config = digests["busybox:latest"]["config0"]
    assert result.stdout == config.removeprefix("sha256:") + "\n"
    lines = result.stderr.splitlines()
    assert lines[0] == f"Trying to pull {name}..."
    assert lines[1] == "Getting image source signatures"
    assert any(line.startswith("Copying blob sha256:") for line in lines)
    assert lines[-3:] == ["Copying config " + config, "Writing manifest to image destination", "Storing signatures"]
    inspect = json.loads(ok(podpy, "image", "inspect", name).stdout)[0]
    manifest = digests["busybox:latest"]["manifest0"]
    assert inspect["Digest"] == manifest
    assert inspect["RepoDigests"] == [f"{reg.host}/busybox@{manifest}"]
    assert inspect["RepoTags"] == [name]
    assert manifest in ok(podpy, "images", "--digests").stdout
    assert ok(podpy, "run", "--rm", name, "echo", "pulled").stdout == "pulled\n"


def test_pull_quiet_and_by_digest(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    reg, digests = registry
    manifest = digests["busybox:latest"]["manifest0"]
    result = ok(podpy, "pull", "-q", "--tls-verify=false", f"{reg.host}/busybox@{manifest}")
    assert result.stdout.strip() == digests["busybox:latest"]["config0"].removeprefix("sha256:")
    assert result.stderr == ""
    inspect = json.loads(ok(podpy, "image", "inspect", f"{reg.host}/busybox@{manifest}").stdout)[0]
    assert inspect["Digest"] == manifest
    bad = run(podpy, "pull", "-q", "--tls-verify=false", f"{reg.host}/busybox@sha256:{'0' * 64}")
    assert bad.returncode == 125
    assert "manifest unknown" in bad.stderr


def test_tls_verify_refuses_plain_http(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    result = run(podpy, "pull", f"{registry[0].host}/busybox")
    assert result.returncode == 125
    assert "http: server gave HTTP response to HTTPS client" in result.stderr
    assert "retrying" not in result.stderr


def test_unknown_image_is_a_clear_error(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    host = registry[0].host
    result = run(podpy, "pull", "--tls-verify=false", f"{host}/nothere")
    assert result.returncode == 125
    assert result.stderr.splitlines()[-1] == (f"Error: initializing source docker://{host}/nothere:latest: "
                                             f"reading manifest latest in {host}/nothere: manifest unknown: "
                                             "manifest unknown")


def test_multi_arch_selection(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    reg, digests = registry
    name = f"{reg.host}/multiarch:latest"
    d = digests["multiarch:latest"]
    assert ok(podpy, "pull", "-q", "--tls-verify=false", name).stdout.strip() == d["config0"][7:]
    inspect = json.loads(ok(podpy, "image", "inspect", name).stdout)[0]
    assert inspect["Architecture"] == HOST["architecture"]
    assert inspect["Digest"] == d["index"]
    assert ok(podpy, "run", "--rm", name, "cat", "/arch").stdout == "host\n"
    other = ok(podpy, "pull", "-q", "--tls-verify=false", "--arch", OTHER["architecture"], name)
    assert other.stdout.strip() == d["config1"][7:]
    plat = ok(podpy, "pull", "-q", "--tls-verify=false", f"--platform=linux/{OTHER['architecture']}", name)
    assert plat.stdout.strip() == d["config1"][7:]
    missing = run(podpy, "pull", "-q", "--tls-verify=false", "--arch", "s390x", name)
    assert missing.returncode == 125
    assert "no image found in manifest list for architecture s390x" in missing.stderr


def test_layers_shared_are_not_downloaded_again(podpy: Podpy, registry: tuple[Registry, dict],
                                                 proxy: CountingProxy) -> None:
    first = ok(podpy, "pull", "-q", "--tls-verify=false", f"{proxy.host}/multi:latest")
    assert len(proxy.blob_gets()) == 4  # three layers and the config
    proxy.reset()
    ok(podpy, "pull", "-q", "--tls-verify=false", f"{proxy.host}/multi:v2")
    layer_c = [p for p in proxy.blob_gets()]
    assert len(layer_c) == 2  # the new layer and the new config
    proxy.reset()
    again = ok(podpy, "pull", "--tls-verify=false", f"{proxy.host}/multi:latest")
    assert again.stdout == first.stdout
    assert [(m, s) for m, _p, s in proxy.requests] == [("GET", 200)]  # one manifest request, nothing else
    assert "Writing manifest to image destination" in again.stderr
    out = ok(podpy, "run", "--rm", f"{proxy.host}/multi:v2", "cat", "/a.txt", "/c.txt").stdout
    assert out == "layer a\nlayer c\n"


def test_corrupt_blob_is_refused_and_nothing_is_stored(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    reg, digests = registry
    layout_manifest = digests["corrupt:latest"]["manifest0"]
    blob_dir = os.path.join(reg.data, "docker", "registry", "v2", "blobs", "sha256")
    with open(reg.blob_path(layout_manifest), "rb") as f:
        manifest = json.loads(f.read())
    victim = reg.blob_path(manifest["layers"][1]["digest"])
    assert os.path.isfile(victim) and blob_dir
    with open(victim, "r+b") as f:
        data = bytearray(f.read())
        data[len(data) // 2] ^= 0xFF
        f.seek(0)
        f.write(data)
    result = run(podpy, "pull", "--tls-verify=false", f"{reg.host}/corrupt:latest")
    assert result.returncode == 125
    assert manifest["layers"][1]["digest"] in result.stderr
    assert ok(podpy, "images", "-q").stdout == ""
    layers_dir = os.path.join(podpy.root, "overlay")
    assert sorted(os.listdir(layers_dir)) == ["l"]
    assert os.listdir(os.path.join(layers_dir, "l")) == []


def _conf(tmp: str, text: str) -> dict[str, str]:
    path = os.path.join(tmp, "registries.conf")
    with open(path, "w") as f:
        f.write(text)
    return {"CONTAINERS_REGISTRIES_CONF": path}


def test_short_names_aliases_rewriting_mirrors_blocked(podpy: Podpy, registry: tuple[Registry, dict],
                                                       tmp_path: object) -> None:
    reg, digests = registry
    tmp = str(tmp_path)
    host = reg.host
    image_id = digests["podpytest/bb:latest"]["config0"][7:]
    env = _conf(tmp, f'unqualified-search-registries = ["{host}"]\n'
                     f'[[registry]]\nlocation = "{host}"\ninsecure = true\n'
                     f'[[registry]]\nprefix = "example.test/lib"\nlocation = "{host}/podpytest"\ninsecure = true\n'
                     f'[[registry]]\nlocation = "mirrored.invalid"\n'
                     f'[[registry.mirror]]\nlocation = "{host}"\ninsecure = true\n'
                     f'[[registry]]\nlocation = "blocked.test"\nblocked = true\n'
                     f'[aliases]\n"podpyalias" = "{host}/podpytest/bb"\n')
    result = ok(podpy, "pull", "podpytest/bb", env=env)
    assert result.stdout.strip() == image_id
    assert f'Resolving "podpytest/bb" using unqualified-search registries ({env["CONTAINERS_REGISTRIES_CONF"]})' \
        in result.stderr
    assert f"Trying to pull {host}/podpytest/bb:latest..." in result.stderr
    alias = ok(podpy, "pull", "podpyalias", env=env)
    assert f'Resolved "podpyalias" as an alias ({env["CONTAINERS_REGISTRIES_CONF"]})' in alias.stderr
    assert ok(podpy, "pull", "-q", "example.test/lib/bb", env=env).stdout.strip() == image_id
    assert ok(podpy, "pull", "-q", "mirrored.invalid/podpytest/bb", env=env).stdout.strip() == image_id
    names = json.loads(ok(podpy, "image", "inspect", image_id).stdout)[0]["RepoTags"]
    assert {f"{host}/podpytest/bb:latest", "example.test/lib/bb:latest",
            "mirrored.invalid/podpytest/bb:latest"} <= set(names)
    blocked = run(podpy, "pull", "blocked.test/x", env=env)
    assert blocked.returncode == 125 and "blocked" in blocked.stderr
    nothing = run(podpy, "pull", "--retry=0", "nothere-podpy", env=env)
    assert nothing.returncode == 125
    assert "manifest unknown" in nothing.stderr
    empty = run(podpy, "pull", "nothere-podpy", env=_conf(tmp, ""))
    assert empty.returncode == 125
    assert "no unqualified-search registries are defined" in empty.stderr


def test_run_pulls_a_missing_image(podpy: Podpy, registry: tuple[Registry, dict], tmp_path: object) -> None:
    reg, _digests = registry
    env = _conf(str(tmp_path), f'[[registry]]\nlocation = "{reg.host}"\ninsecure = true\n')
    result = run(podpy, "run", "--rm", f"{reg.host}/busybox", "echo", "hi", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hi\n"
    assert f"Trying to pull {reg.host}/busybox:latest..." in result.stderr
    again = run(podpy, "run", "--rm", f"{reg.host}/busybox", "true", env=env)
    assert again.returncode == 0 and "Trying to pull" not in again.stderr


def test_policy_reject_and_signed_by(podpy: Podpy, registry: tuple[Registry, dict], tmp_path: object) -> None:
    reg, _digests = registry
    home = str(tmp_path)
    os.makedirs(os.path.join(home, ".config", "containers"))
    policy = os.path.join(home, ".config", "containers", "policy.json")
    with open(policy, "w") as f:
        json.dump({"default": [{"type": "insecureAcceptAnything"}],
                   "transports": {"docker": {f"{reg.host}/busybox": [{"type": "reject"}],
                                             f"{reg.host}/multi": [{"type": "signedBy", "keyType": "GPGKeys",
                                                                    "keyPath": "/dev/null"}]}}}, f)
    env = {"HOME": home}
    rejected = run(podpy, "pull", "--tls-verify=false", f"{reg.host}/busybox", env=env)
    assert rejected.returncode == 125
    assert (f"Error: Source image rejected: Running image docker://{reg.host}/busybox:latest is rejected by "
            "policy.") in rejected.stderr
    signed = run(podpy, "pull", "--tls-verify=false", f"{reg.host}/multi", env=env)
    assert signed.returncode == 125 and "signedBy" in signed.stderr
    assert ok(podpy, "images", "-q").stdout == ""
    ok(podpy, "pull", "-q", "--tls-verify=false", f"{reg.host}/podpytest/bb", env=env)


def test_all_tags_and_policies(podpy: Podpy, registry: tuple[Registry, dict]) -> None:
    reg, digests = registry
    result = ok(podpy, "pull", "-q", "-a", "--tls-verify=false", f"{reg.host}/multi")
    assert sorted(result.stdout.split()) == sorted([digests["multi:latest"]["config0"][7:],
                                                    digests["multi:v2"]["config0"][7:]])
    never = run(podpy, "pull", "--policy=never", f"{reg.host}/busybox")
    assert never.returncode == 125 and "image not known" in never.stderr
    assert ok(podpy, "pull", "-q", "--policy=missing", f"{reg.host}/multi:v2").stdout.strip() == \
        digests["multi:v2"]["config0"][7:]
