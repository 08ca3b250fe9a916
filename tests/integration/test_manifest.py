"""podpy manifest create/add/annotate/inspect/push/remove/rm/exists against a loopback registry."""

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
from tests.support.registry import HAVE_REGISTRY, SKOPEO, Registry, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

HOST = {"architecture": _arch(), "os": "linux"}
OTHER_ARCH = "arm64" if _arch() != "arm64" else "amd64"
OTHER = {"architecture": OTHER_ARCH, "os": "linux"}
Seeded = tuple[Registry, dict[str, dict[str, str]], str]


def _layer(name: str, data: bytes) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture(scope="module")
def registry() -> Iterator[Seeded]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-manifest-", dir="/var/tmp")
    digests: dict[str, dict[str, str]] = {}
    base = busybox_layer()
    try:
        for ref, images, index in (
            ("one:latest", [(HOST, [base, _layer("which", b"one\n")], {})], False),
            ("two:latest", [(HOST, [base, _layer("which", b"two\n")], {})], False),
            ("multiarch:latest", [(HOST, [base, _layer("arch", b"host\n")], {}),
                                  (OTHER, [base, _layer("arch", b"other\n")], {})], True),
        ):
            layout = os.path.join(work, ref.replace(":", "_"))
            digests[ref] = write_layout(layout, images, index=index)
            reg.push_layout(layout, ref, all_images=index)
        conf = os.path.join(work, "registries.conf")
        with open(conf, "w") as f:
            f.write(f'[[registry]]\nlocation = "{reg.host}"\ninsecure = true\n')
        yield reg, digests, conf
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(podpy: Podpy, conf: str, *args: str) -> Result:
    env = dict(podpy_env(), CONTAINERS_REGISTRIES_CONF=conf,
               REGISTRY_AUTH_FILE=os.path.join(os.path.dirname(podpy.root), "auth.json"))
    proc = subprocess.run([*podpy.argv, *args], capture_output=True, text=True, timeout=180, env=env)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def ok(podpy: Podpy, conf: str, *args: str) -> Result:
    result = run(podpy, conf, *args)
    assert result.returncode == 0, f"podpy {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
    return result


def fails(podpy: Podpy, conf: str, *args: str, text: str) -> None:
    result = run(podpy, conf, *args)
    assert result.returncode == 125, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and text in lines[0], result.stderr


def _pull_two(podpy: Podpy, reg: Registry, conf: str) -> None:
    ok(podpy, conf, "pull", "-q", f"{reg.host}/one:latest")
    ok(podpy, conf, "pull", "-q", f"{reg.host}/two:latest")


def test_create_add_annotate_inspect_remove_rm(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    _pull_two(podpy, reg, conf)
    list_id = ok(podpy, conf, "manifest", "create", "mylist").stdout.strip()
    assert len(list_id) == 64
    empty = json.loads(ok(podpy, conf, "manifest", "inspect", "mylist").stdout)
    assert empty == {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
                     "manifests": None}
    one, two = digests["one:latest"]["manifest0"], digests["two:latest"]["manifest0"]
    assert ok(podpy, conf, "manifest", "add", "--arch", "amd64", "mylist", f"{reg.host}/one").stdout.strip() == list_id
    ok(podpy, conf, "manifest", "add", "--arch", "arm64", "--variant", "v8", "--annotation", "k=v", "mylist",
       f"containers-storage:{reg.host}/two:latest")
    ok(podpy, conf, "manifest", "annotate", "--os-version", "1.0", "--annotation", "a=b", "mylist", one)
    data = json.loads(ok(podpy, conf, "manifest", "inspect", "mylist").stdout)
    assert data["schemaVersion"] == 2
    assert data["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json"
    entries = data["manifests"]
    assert [e["digest"] for e in entries] == [one, two]
    assert entries[0]["platform"] == {"architecture": "amd64", "os": "linux", "os.version": "1.0"}
    assert entries[0]["annotations"] == {"a": "b"}
    assert entries[1]["platform"] == {"architecture": "arm64", "os": "linux", "variant": "v8"}
    assert entries[1]["annotations"] == {"k": "v"}
    assert entries[0]["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert entries[0]["size"] > 0
    images = ok(podpy, conf, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout
    assert f"localhost/mylist:latest {list_id[:12]}" in images
    assert run(podpy, conf, "manifest", "exists", "mylist").returncode == 0
    assert run(podpy, conf, "manifest", "exists", "nolist").returncode == 1
    assert run(podpy, conf, "manifest", "exists", f"{reg.host}/one").returncode == 125
    assert ok(podpy, conf, "manifest", "remove", "mylist", one).stdout.strip() == list_id
    data = json.loads(ok(podpy, conf, "manifest", "inspect", "mylist").stdout)
    assert [e["digest"] for e in data["manifests"]] == [two]
    ok(podpy, conf, "tag", "mylist", "other:tag")
    removed = ok(podpy, conf, "manifest", "rm", "mylist")
    assert f"Deleted: {list_id}" in removed.stdout
    assert run(podpy, conf, "manifest", "exists", "other:tag").returncode == 1
    left = ok(podpy, conf, "images", "--format", "{{.Repository}}").stdout.split()
    assert sorted(left) == [f"{reg.host}/one", f"{reg.host}/two"]


def test_push_then_pull_by_arch(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    _pull_two(podpy, reg, conf)
    ok(podpy, conf, "manifest", "create", "plist", f"{reg.host}/one")
    ok(podpy, conf, "manifest", "add", "--arch", OTHER_ARCH, "plist", f"{reg.host}/two")
    digestfile = os.path.join(os.path.dirname(podpy.root), "digest")
    pushed = ok(podpy, conf, "manifest", "push", "--digestfile", digestfile, "plist", f"{reg.host}/plist:v1")
    assert "Writing manifest list to image destination" in pushed.stderr
    raw = subprocess.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{reg.host}/plist:v1"],
                         check=True, capture_output=True, timeout=60).stdout
    index = json.loads(raw)
    import hashlib

    with open(digestfile) as f:
        assert f.read() == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert index["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert [m["platform"]["architecture"] for m in index["manifests"]] == [_arch(), OTHER_ARCH]
    assert [m["digest"] for m in index["manifests"]] == [digests["one:latest"]["manifest0"],
                                                         digests["two:latest"]["manifest0"]]
    ok(podpy, conf, "manifest", "push", "-q", "--rm", "--format", "v2s2", "plist", f"docker://{reg.host}/plist:v2")
    assert run(podpy, conf, "manifest", "exists", "plist").returncode == 1
    v2 = subprocess.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{reg.host}/plist:v2"],
                        check=True, capture_output=True, timeout=60).stdout
    assert json.loads(v2)["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json"
    ok(podpy, conf, "rmi", "-a")
    got = ok(podpy, conf, "pull", "-q", "--arch", OTHER_ARCH, f"{reg.host}/plist:v1").stdout.strip()
    assert got == digests["two:latest"]["config0"].removeprefix("sha256:")
    ok(podpy, conf, "rmi", "-a")  # "two" says it is for the host: a local copy would satisfy the next pull
    got = ok(podpy, conf, "pull", "-q", f"{reg.host}/plist:v1").stdout.strip()
    assert got == digests["one:latest"]["config0"].removeprefix("sha256:")


def test_add_remote_and_inspect_remote(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    multi = digests["multiarch:latest"]
    ok(podpy, conf, "manifest", "create", "rlist", f"docker://{reg.host}/multiarch:latest")
    entries = json.loads(ok(podpy, conf, "manifest", "inspect", "rlist").stdout)["manifests"]
    assert [e["digest"] for e in entries] == [multi["manifest0"]]
    ok(podpy, conf, "manifest", "add", "--all", "rlist", f"docker://{reg.host}/multiarch:latest")
    ok(podpy, conf, "manifest", "add", "rlist", f"docker://{reg.host}/one:latest")
    entries = json.loads(ok(podpy, conf, "manifest", "inspect", "rlist").stdout)["manifests"]
    assert [e["digest"] for e in entries] == [multi["manifest0"], multi["manifest1"],
                                              digests["one:latest"]["manifest0"]]
    assert [e["platform"]["architecture"] for e in entries] == [_arch(), OTHER_ARCH, _arch()]
    assert ok(podpy, conf, "images", "-q").stdout.split() == [
        ok(podpy, conf, "manifest", "create", "-a", "rlist").stdout.strip()[:12]]  # no layers were pulled
    ok(podpy, conf, "manifest", "push", "rlist", f"{reg.host}/rlist:latest")
    remote = json.loads(ok(podpy, conf, "manifest", "inspect", f"{reg.host}/rlist").stdout)
    assert [e["digest"] for e in remote["manifests"]] == [e["digest"] for e in entries]
    fails(podpy, conf, "manifest", "inspect", f"{reg.host}/one", text="single images")
    ok(podpy, conf, "manifest", "rm", "rlist")


def test_pull_of_an_oci_index_picks_the_host(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    got = ok(podpy, conf, "pull", "-q", f"{reg.host}/multiarch:latest").stdout.strip()
    assert got == digests["multiarch:latest"]["config0"].removeprefix("sha256:")


def test_bad_input_is_one_error_line(podpy: Podpy, registry: Seeded) -> None:
    _reg, _digests, conf = registry
    digest = "sha256:" + "0" * 64
    fails(podpy, conf, "manifest", "add", "nolist", "docker://127.0.0.1:1/x", text="nolist: image not known")
    fails(podpy, conf, "manifest", "remove", "nolist", digest, text="nolist: image not known")
    fails(podpy, conf, "manifest", "annotate", "nolist", digest, text="nolist: image not known")
    fails(podpy, conf, "manifest", "push", "nolist", "127.0.0.1:1/x", text="nolist: image not known")
    ok(podpy, conf, "manifest", "create", "elist")
    fails(podpy, conf, "manifest", "create", "elist", text="already in use")
    fails(podpy, conf, "manifest", "remove", "elist", "bad", text='invalid image digest "bad"')
    fails(podpy, conf, "manifest", "annotate", "elist", "sha256:xyz", text="invalid image digest")
    fails(podpy, conf, "manifest", "remove", "elist", digest, text="no instance matching digest")
    fails(podpy, conf, "manifest", "annotate", "--annotation", "novalue", "elist", digest, text="no value given")
    gone = run(podpy, conf, "manifest", "rm", "elist", "nolist")
    assert gone.returncode == 1 and gone.stderr.strip() == "Error: nolist: image not known"


def test_parallel_adds_both_land_and_inspect_resolves_the_host_image(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    _pull_two(podpy, reg, conf)
    ok(podpy, conf, "manifest", "create", "par")
    env = dict(podpy_env(), CONTAINERS_REGISTRIES_CONF=conf)
    procs = [subprocess.Popen([*podpy.argv, "manifest", "add", "--arch", arch, "par", f"{reg.host}/{name}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for name, arch in (("one", _arch()), ("two", OTHER_ARCH))]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    entries = json.loads(ok(podpy, conf, "manifest", "inspect", "par").stdout)["manifests"]
    assert sorted(e["digest"] for e in entries) == sorted([digests["one:latest"]["manifest0"],
                                                          digests["two:latest"]["manifest0"]])
    shown = json.loads(ok(podpy, conf, "image", "inspect", "par").stdout)[0]
    assert shown["Id"] == digests["one:latest"]["config0"].removeprefix("sha256:")
    ok(podpy, conf, "manifest", "remove", "par", digests["one:latest"]["manifest0"])
    missing = run(podpy, conf, "image", "inspect", "par")
    assert missing.returncode == 125 and "no image found in image index" in missing.stderr
    ok(podpy, conf, "rmi", "par")
    assert run(podpy, conf, "manifest", "exists", "par").returncode == 1


def test_push_copies_remote_only_instances_from_another_registry(podpy: Podpy, registry: Seeded) -> None:
    reg, digests, conf = registry
    other = Registry()
    try:
        both = os.path.join(os.path.dirname(podpy.root), "registries.conf")
        with open(conf) as f, open(both, "w") as g:
            g.write(f.read() + f'[[registry]]\nlocation = "{other.host}"\ninsecure = true\n')
        ok(podpy, both, "manifest", "create", "--all", "xlist", f"docker://{reg.host}/multiarch:latest")
        assert ok(podpy, both, "images", "-q").stdout.count("\n") == 1  # only the list: nothing was pulled
        ok(podpy, both, "manifest", "push", "-q", "xlist", f"{other.host}/copied:v1")
        raw = subprocess.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{other.host}/copied:v1"],
                             check=True, capture_output=True, timeout=60).stdout
        multi = digests["multiarch:latest"]
        assert [m["digest"] for m in json.loads(raw)["manifests"]] == [multi["manifest0"], multi["manifest1"]]
        got = ok(podpy, both, "pull", "-q", "--arch", OTHER_ARCH, f"{other.host}/copied:v1").stdout.strip()
        assert got == multi["config1"].removeprefix("sha256:")
    finally:
        other.stop()


def test_run_of_a_list_runs_the_host_image(podpy: Podpy, registry: Seeded) -> None:
    reg, _digests, conf = registry
    _pull_two(podpy, reg, conf)
    ok(podpy, conf, "manifest", "create", "runlist", f"{reg.host}/one")
    ok(podpy, conf, "manifest", "add", "--arch", OTHER_ARCH, "runlist", f"{reg.host}/two")
    assert ok(podpy, conf, "run", "--rm", "runlist", "cat", "/which").stdout == "one\n"
