"""podpy save: round trips through podpy and through podman, all four formats, stdout and errors."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_argv, podpy_env

pytestmark = needs_root


@pytest.fixture
def fresh() -> Iterator[Podpy]:
    base = tempfile.mkdtemp(prefix="podpy-test-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    instance = Podpy(base)
    try:
        yield instance
    finally:
        instance.cleanup()


@pytest.fixture
def workdir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="podpy-save-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _image(p: Podpy, name: str) -> dict[str, object]:
    data = p.json("image", "inspect", name)
    assert isinstance(data, list)
    return dict(data[0])


def _members(path: str) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: (tar.extractfile(m).read() if m.isfile() else b"") for m in tar}  # type: ignore[union-attr]


def test_docker_archive_round_trip_keeps_id_digest_and_layer_bytes(podpy_bb: Podpy, fresh: Podpy,
                                                                   workdir: str) -> None:
    first = os.path.join(workdir, "first.tar")
    podpy_bb("save", "-o", first, "localhost/busybox")
    fresh("load", "-i", first)
    loaded = _image(fresh, "localhost/busybox")
    assert loaded["Id"] == _image(podpy_bb, "localhost/busybox")["Id"]
    second = os.path.join(workdir, "second.tar")
    fresh("save", "-o", second, "localhost/busybox")
    a, b = _members(first), _members(second)
    assert a == b  # layers rebuilt byte for byte from their tar-split records
    manifest = json.loads(a["manifest.json"])
    assert manifest[0]["RepoTags"] == ["localhost/busybox:latest"]
    again = Podpy(os.path.join(workdir, "third"))
    try:
        again("load", "-i", second)
        assert _image(again, "localhost/busybox")["Digest"] == loaded["Digest"]
        assert again("run", "--rm", "localhost/busybox", "cat", "/etc/group").stdout.startswith("root:x:0:")
    finally:
        again.cleanup()


def test_oci_archive_round_trip(podpy_bb: Podpy, fresh: Podpy, workdir: str) -> None:
    path = os.path.join(workdir, "oci.tar")
    podpy_bb("save", "--format", "oci-archive", "-o", path, "localhost/busybox")
    members = _members(path)
    index = json.loads(members["index.json"])
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "localhost/busybox:latest"
    fresh("load", "-i", path)
    image = _image(fresh, "localhost/busybox")
    assert image["Id"] == _image(podpy_bb, "localhost/busybox")["Id"]
    assert image["Digest"] == index["manifests"][0]["digest"]
    again = os.path.join(workdir, "again.tar")
    fresh("save", "--format", "oci-archive", "-o", again, "localhost/busybox")
    assert json.loads(_members(again)["index.json"]) == index  # the stored manifest is reused as is


def test_stdout_multi_image_and_tags(podpy_bb: Podpy, fresh: Podpy, workdir: str) -> None:
    tarball = os.path.join(workdir, "rootfs.tar")
    with tarfile.open(tarball, "w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 3
        tar.addfile(info, fileobj=io.BytesIO(b"hi\n"))
    podpy_bb("import", tarball, "localhost/other:1")
    proc = subprocess.run([*podpy_bb.argv, "save", "-m", "localhost/busybox", "localhost/other:1"],
                          capture_output=True, env=podpy_env(), check=True)
    path = os.path.join(workdir, "multi.tar")
    with open(path, "wb") as f:
        f.write(proc.stdout)
    manifest = json.loads(_members(path)["manifest.json"])
    assert [m["RepoTags"] for m in manifest] == [["localhost/busybox:latest"], ["localhost/other:1"]]
    out = fresh("load", "-i", path).stdout
    assert "Loaded image: localhost/busybox:latest" in out and "Loaded image: localhost/other:1" in out
    # Without -m, the first image is saved with every name as a tag (Podman's behaviour).
    single = os.path.join(workdir, "single.tar")
    podpy_bb("save", "-o", single, "localhost/busybox", "localhost/other:1")
    manifest = json.loads(_members(single)["manifest.json"])
    assert len(manifest) == 1 and manifest[0]["RepoTags"] == ["localhost/busybox:latest", "localhost/other:1"]


def test_directory_formats(podpy_bb: Podpy, fresh: Podpy, workdir: str) -> None:
    oci_dir = os.path.join(workdir, "oci")
    podpy_bb("save", "--format", "oci-dir", "-o", oci_dir, "localhost/busybox")
    fresh("load", "-i", oci_dir)
    assert _image(fresh, "localhost/busybox")["Id"] == _image(podpy_bb, "localhost/busybox")["Id"]
    docker_dir = os.path.join(workdir, "dd")
    podpy_bb("save", "--format", "docker-dir", "--compress", "-o", docker_dir, "localhost/busybox")
    with open(os.path.join(docker_dir, "version"), "rb") as f:
        assert f.read() == b"Directory Transport Version: 1.1\n"
    with open(os.path.join(docker_dir, "manifest.json")) as f:
        manifest = json.load(f)
    layer = manifest["layers"][0]
    with open(os.path.join(docker_dir, layer["digest"][7:]), "rb") as f:
        data = f.read()
    assert len(data) == layer["size"]
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        assert tar.getnames()


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "bogus", "-o", "/dev/null"], "format value must be one of"),
    (["--compress", "-o", "/dev/null"], "--compress can only be set when --format is 'docker-dir'"),
    (["-m", "--format", "oci-archive", "-o", "/dev/null", "localhost/busybox"], "for saving multiple images"),
])
def test_bad_flags(podpy_bb: Podpy, args: list[str], message: str) -> None:
    result = podpy_bb("save", *args, "localhost/busybox", check=False)
    assert result.returncode == 125
    assert message in result.stderr


def test_unknown_image(podpy_bb: Podpy, workdir: str) -> None:
    out = os.path.join(workdir, "x.tar")
    result = podpy_bb("save", "-o", out, "nonexist", check=False)
    assert result.returncode == 125 and "nonexist: image not known" in result.stderr
    assert not os.path.exists(out)


_PODMAN_CONF = ('[containers]\ndefault_ulimits = ["nofile=1024:1024","nproc=1024:1024"]\n'
                '[engine]\nruntime = "runc"\n')


@pytest.mark.skipif(shutil.which("podman") is None, reason="needs podman")
def test_podman_save_then_podpy_save_loads_into_podman(podpy_bb: Podpy, workdir: str) -> None:
    conf = os.path.join(workdir, "containers.conf")
    with open(conf, "w") as f:
        f.write(_PODMAN_CONF)
    pm = ["podman", "--root", os.path.join(workdir, "pm-root"), "--runroot", os.path.join(workdir, "pm-run"),
          "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
    env = dict(os.environ, CONTAINERS_CONF=conf)

    def podman(*args: str) -> str:
        return subprocess.run([*pm, *args], env=env, check=True, capture_output=True, text=True).stdout

    try:
        ours = os.path.join(workdir, "ours.tar")
        podpy_bb("save", "-o", ours, "localhost/busybox")
        podman("load", "-i", ours)
        from_podman = os.path.join(workdir, "podman.tar")
        podman("save", "-o", from_podman, "localhost/busybox")
        store = Podpy(os.path.join(workdir, "pp"))
        try:
            store("load", "-i", from_podman)
            image_id = _image(store, "localhost/busybox")["Id"]
            back = os.path.join(workdir, "back.tar")
            store("save", "-o", back, "localhost/busybox")
        finally:
            store.cleanup()
        podman("rmi", "-a", "-f")
        podman("load", "-i", back)
        assert podman("images", "-q", "--no-trunc").split() == [f"sha256:{image_id}"]
        assert podman("run", "--rm", "localhost/busybox", "cat", "/etc/passwd").startswith("root:")
    finally:
        subprocess.run([*pm, "system", "reset", "-f"], env=env, capture_output=True)


def test_save_to_a_terminal_is_refused(podpy_bb: Podpy) -> None:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # child: stdout is the terminal
        os.execvpe(podpy_argv()[0], [*podpy_bb.argv, "save", "localhost/busybox"], podpy_env())
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 125
    assert b"refusing to save to terminal" in output
