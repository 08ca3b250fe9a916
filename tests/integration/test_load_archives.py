"""podpy load of oci-archive and docker-archive files and streams, through the real CLI, then a real container."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import zstandard
from tests.conftest import needs_root
from tests.support.images import _arch, busybox_layer
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

BUSYBOX = busybox_layer()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_tar(entries: list[tuple[str, bytes]], extra: list[tarfile.TarInfo] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        for info in extra or []:
            tar.addfile(info, io.BytesIO(b"x" * info.size))
    return buf.getvalue()


def _layer_with(path: str, data: bytes) -> bytes:
    return _file_tar([(path, data)])


def _config(layers: list[bytes], created: str = "2026-01-01T00:00:00Z") -> bytes:
    return json.dumps({
        "created": created, "architecture": _arch(), "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{_sha(x)}" for x in layers]},
    }).encode()


def docker_archive(images: list[tuple[list[str] | None, list[bytes]]], *, blobs: bool = False,
                   diff_ids_from: list[bytes] | None = None, config_raw: bytes | None = None,
                   manifest_raw: bytes | None = None, layer_path: str | None = None,
                   extra: list[tarfile.TarInfo] | None = None) -> bytes:
    """A `docker save` archive: legacy ``<id>/layer.tar`` members, or Docker ≥ 25's ``blobs/sha256``."""
    entries: dict[str, bytes] = {}
    manifest = []
    for tags, layers in images:
        config = config_raw if config_raw is not None else _config(diff_ids_from or layers)
        config_name = f"blobs/sha256/{_sha(config)}" if blobs else f"{_sha(config)}.json"
        if config_raw is not None:
            config_name = "config.json"
        entries[config_name] = config
        paths = []
        for layer in layers:
            path = f"blobs/sha256/{_sha(layer)}" if blobs else f"{_sha(b'v1' + layer)}/layer.tar"
            entries[path] = layer
            paths.append(path)
        if layer_path is not None:
            paths[-1] = layer_path
        manifest.append({"Config": config_name, "RepoTags": tags, "Layers": paths})
    entries["manifest.json"] = manifest_raw if manifest_raw is not None else json.dumps(manifest).encode()
    return _file_tar(sorted(entries.items()), extra)


def oci_archive(layout: str, *, drop: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """A tar of the OCI layout directory, optionally without one member or with some replaced."""
    entries = []
    for top, _dirs, files in os.walk(layout):
        for name in sorted(files):
            path = os.path.join(top, name)
            rel = os.path.relpath(path, layout)
            if rel == drop:
                continue
            with open(path, "rb") as f:
                entries.append((rel, (replace or {}).get(rel, f.read())))
    return _file_tar(entries)


def _layout_blob(layout: str, kind: str) -> str:
    """The member path of the manifest, config or (first) layer blob of the layout."""
    with open(os.path.join(layout, "index.json")) as f:
        manifest_digest = json.load(f)["manifests"][0]["digest"]
    if kind == "manifest":
        return "blobs/sha256/" + str(manifest_digest).split(":")[1]
    with open(os.path.join(layout, "blobs", "sha256", manifest_digest.split(":")[1])) as f:
        manifest = json.load(f)
    desc = manifest["config"] if kind == "config" else manifest["layers"][0]
    return "blobs/sha256/" + str(desc["digest"]).split(":")[1]


@pytest.fixture
def workdir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="podpy-archives-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _write(workdir: str, name: str, data: bytes) -> str:
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _load_stdin(podpy: Podpy, data: bytes | None = None, path: str | None = None,
                args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    """podpy load reading the archive from stdin: a pipe fed with ``data``, or ``path`` redirected."""
    argv = [*podpy.argv, "load", *args]
    if path is not None:
        with open(path, "rb") as f:
            return subprocess.run(argv, stdin=f, capture_output=True, env=podpy_env(), timeout=120)
    return subprocess.run(argv, input=data, capture_output=True, env=podpy_env(), timeout=120)


def assert_store_empty(podpy: Podpy) -> None:
    assert podpy("images", "-q").stdout == ""
    overlay = os.path.join(podpy.root, "overlay")
    assert [d for d in os.listdir(overlay) if d != "l"] == []
    assert os.listdir(os.path.join(overlay, "l")) == []
    tmp = os.path.join(podpy.root, "tmp")
    assert not os.path.exists(tmp) or os.listdir(tmp) == []
    with sqlite3.connect(os.path.join(podpy.root, "podpy.db")) as db:
        assert db.execute("SELECT COUNT(*) FROM layers").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 0


def assert_runs(podpy: Podpy, image: str = "localhost/busybox") -> None:
    assert podpy("run", "--rm", image, "echo", "ok").stdout == "ok\n"


# --- formats and sources -----------------------------------------------------------------------------


def test_oci_archive_file(podpy: Podpy, busybox_layout: str, workdir: str) -> None:
    path = _write(workdir, "bb.tar", oci_archive(busybox_layout))
    assert podpy("load", "-i", path).stdout == "Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)
    assert podpy("load", "-q", "-i", path).stdout == "Loaded image: localhost/busybox:latest\n"
    assert podpy("images", "-q").stdout.count("\n") == 1


def test_docker_archive_file(podpy: Podpy, workdir: str) -> None:
    path = _write(workdir, "bb.tar", docker_archive([(["localhost/busybox:latest"], [BUSYBOX])]))
    assert podpy("load", "--input", path).stdout == "Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)
    image_id = podpy("image", "inspect", "--format", "{{.Id}}", "localhost/busybox").stdout.strip()
    assert image_id == _sha(_config([BUSYBOX]))


def test_docker_archive_of_newer_docker(podpy: Podpy, busybox_layout: str, workdir: str) -> None:
    """Docker ≥ 25 writes an OCI layout and a manifest.json; the latter's RepoTags name the image."""
    archive = docker_archive([(["busybox:latest"], [BUSYBOX])], blobs=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    members["index.json"] = json.dumps({"schemaVersion": 2, "manifests": []}).encode()
    path = _write(workdir, "bb.tar", _file_tar(sorted(members.items())))
    assert podpy("load", "-i", path).stdout == "Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_compressed_archive_file(podpy: Podpy, busybox_layout: str, workdir: str, compression: str) -> None:
    data = oci_archive(busybox_layout)
    packed = gzip.compress(data) if compression == "gzip" else zstandard.ZstdCompressor().compress(data)
    path = _write(workdir, f"bb.tar.{compression}", packed)
    assert podpy("load", "-i", path).stdout == "Loaded image: localhost/busybox:latest\n"
    assert os.listdir(os.path.join(podpy.root, "tmp")) == []
    assert_runs(podpy)


@pytest.mark.parametrize(("fmt", "compression"), [("docker", ""), ("oci", "gzip"), ("docker", "zstd")])
def test_stdin_pipe(podpy: Podpy, busybox_layout: str, fmt: str, compression: str) -> None:
    data = docker_archive([(["localhost/busybox:latest"], [BUSYBOX])]) if fmt == "docker" else \
        oci_archive(busybox_layout)
    if compression == "gzip":
        data = gzip.compress(data)
    elif compression == "zstd":
        data = zstandard.ZstdCompressor().compress(data)
    result = _load_stdin(podpy, data)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"Loaded image: localhost/busybox:latest\n"
    assert os.listdir(os.path.join(podpy.root, "tmp")) == []
    assert_runs(podpy)


def test_stdin_socket(podpy: Podpy) -> None:
    data = docker_archive([(["localhost/busybox:latest"], [BUSYBOX])])
    ours, theirs = socket.socketpair()

    def send() -> None:
        with ours:
            ours.sendall(data)

    sender = threading.Thread(target=send)
    sender.start()
    with theirs:
        result = subprocess.run([*podpy.argv, "load"], stdin=theirs.fileno(), capture_output=True, env=podpy_env(),
                                timeout=120)
    sender.join()
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)


def test_stdin_redirected_file(podpy: Podpy, busybox_layout: str, workdir: str) -> None:
    path = _write(workdir, "bb.tar.gz", gzip.compress(oci_archive(busybox_layout)))
    result = _load_stdin(podpy, path=path, args=("-q",))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)


def test_stdin_terminal_is_refused(podpy: Podpy) -> None:
    controller, terminal = os.openpty()
    try:
        proc = subprocess.run([*podpy.argv, "load"], stdin=terminal, capture_output=True, text=True,
                              env=podpy_env(), timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert proc.returncode == 125
    assert proc.stderr == "Error: cannot read from terminal, use command-line redirection or the --input flag\n"


def test_two_images_in_one_docker_archive(podpy: Podpy, workdir: str) -> None:
    second = _layer_with("etc/second", b"second image\n")
    path = _write(workdir, "two.tar", docker_archive([
        (["busybox:latest"], [BUSYBOX]),
        (["localhost/second:1", "quay.io/podpy/second:2"], [BUSYBOX, second]),
    ]))
    assert podpy("load", "-i", path).stdout == (
        "Loaded image: localhost/busybox:latest\n"
        "Loaded image: localhost/second:1\n"
        "Loaded image: quay.io/podpy/second:2\n")
    assert_runs(podpy, "busybox")
    assert podpy("run", "--rm", "quay.io/podpy/second:2", "cat", "/etc/second").stdout == "second image\n"
    assert podpy("run", "--rm", "localhost/second:1", "echo", "ok").stdout == "ok\n"
    with sqlite3.connect(os.path.join(podpy.root, "podpy.db")) as db:
        assert db.execute("SELECT COUNT(*) FROM layers").fetchone()[0] == 2  # the base layer is shared


def test_untagged_image(podpy: Podpy, workdir: str) -> None:
    path = _write(workdir, "untagged.tar", docker_archive([(None, [BUSYBOX])]))
    image_id = _sha(_config([BUSYBOX]))
    assert podpy("load", "-i", path).stdout == f"Loaded image: sha256:{image_id}\n"
    assert podpy("images", "--format", "{{.Repository}} {{.ID}}").stdout == f"<none> {image_id[:12]}\n"
    assert podpy("run", "--rm", image_id[:12], "echo", "ok").stdout == "ok\n"


# --- refused input ---------------------------------------------------------------------------------------


def _escaping(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 3
    return info


def _bad_archive(case: str, layout: str) -> bytes:
    good_docker = docker_archive([(["localhost/busybox:latest"], [BUSYBOX])])
    if case == "truncated oci-archive":
        data = oci_archive(layout)
        return data[:len(data) // 2]
    if case == "truncated gzip docker-archive":
        data = gzip.compress(good_docker)
        return data[:len(data) - 1000]
    if case == "missing layer member":
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX])], layer_path="gone/layer.tar")
    if case == "missing blob":
        return oci_archive(layout, drop=_layout_blob(layout, "layer"))
    if case in ("layer digest mismatch", "corrupt layer", "layer of another size"):
        blob = _layout_blob(layout, "layer")
        with open(os.path.join(layout, blob), "rb") as f:
            content = bytearray(f.read())
        if case == "layer digest mismatch":
            content[4] ^= 1  # gzip's MTIME: same size, same content once decompressed, another digest
        elif case == "corrupt layer":
            content[len(content) // 2: len(content) // 2 + 64] = bytes(64)
        else:
            content = bytearray(gzip.compress(_layer_with("other", b"x")))
        return oci_archive(layout, replace={blob: bytes(content)})
    if case == "diff_id mismatch of the second layer":
        wrong = _layer_with("etc/second", b"not what the config says\n")
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX, wrong])],
                              diff_ids_from=[BUSYBOX, _layer_with("etc/second", b"expected\n")])
    if case == "config digest mismatch":
        config = _layout_blob(layout, "config")
        with open(os.path.join(layout, config), "rb") as f:
            raw = f.read()
        return oci_archive(layout, replace={config: raw.replace(b'"sh"', b'"ls"')})
    if case == "config not JSON":
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX])], config_raw=b"{not json")
    if case == "manifest not JSON":
        bad = b"not json"
        index = json.dumps({"schemaVersion": 2, "manifests": [{"digest": f"sha256:{_sha(bad)}", "size": len(bad)}]})
        return _file_tar([(f"blobs/sha256/{_sha(bad)}", bad), ("index.json", index.encode())])
    if case == "manifest.json not JSON":
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX])], manifest_raw=b"[{]")
    if case == "member name with ..":
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX])], extra=[_escaping("../x")])
    if case == "absolute member name":
        return docker_archive([(["localhost/busybox:latest"], [BUSYBOX])], extra=[_escaping("/x")])
    if case == "not an archive":
        return b"garbage\n" * 200
    if case == "empty file":
        return b""
    raise AssertionError(case)


BAD_CASES = ["truncated oci-archive", "truncated gzip docker-archive", "missing layer member", "missing blob",
             "layer digest mismatch", "corrupt layer", "layer of another size", "diff_id mismatch of the second layer",
             "config digest mismatch",
             "config not JSON", "manifest not JSON", "manifest.json not JSON", "member name with ..",
             "absolute member name", "not an archive", "empty file"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_archive_is_refused_and_leaves_nothing(podpy: Podpy, busybox_layout: str, workdir: str,
                                                   case: str) -> None:
    path = _write(workdir, "bad.tar", _bad_archive(case, busybox_layout))
    result = podpy("load", "-i", path, check=False)
    assert result.returncode == 125, result.stderr
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert_store_empty(podpy)
    podpy("load", "-i", _write(workdir, "good.tar", oci_archive(busybox_layout)))
    assert_runs(podpy)


@pytest.mark.parametrize("case", ["truncated gzip docker-archive", "diff_id mismatch of the second layer"])
def test_bad_stream_is_refused_and_leaves_nothing(podpy: Podpy, busybox_layout: str, case: str) -> None:
    result = _load_stdin(podpy, _bad_archive(case, busybox_layout))
    assert result.returncode == 125 and result.stderr.startswith(b"Error: ")
    assert len(result.stderr.splitlines()) == 1
    assert_store_empty(podpy)


def test_missing_file(podpy: Podpy, workdir: str) -> None:
    path = os.path.join(workdir, "nope.tar")
    result = podpy("load", "-i", path, check=False)
    assert (result.returncode, result.stderr) == (125, f"Error: stat {path}: no such file or directory\n")


def _wait_for(predicate: Callable[[], bool], proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while not predicate():
        assert proc.poll() is None, f"podpy load ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.002)


def test_killed_load_leaves_nothing_behind(podpy: Podpy, busybox_layout: str, workdir: str) -> None:
    """SIGKILL while spooling stdin (the spool is anonymous) and while extracting (the incomplete
    layer is swept by the next writer)."""
    big = _layer_with("big", os.urandom(96 << 20))
    archive = docker_archive([(["localhost/big:1"], [BUSYBOX, big])])
    tmp = os.path.join(podpy.root, "tmp")
    overlay = os.path.join(podpy.root, "overlay")

    spooling = subprocess.Popen([*podpy.argv, "load"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=podpy_env())
    assert spooling.stdin is not None
    spooling.stdin.write(archive[:len(archive) // 2])
    spooling.stdin.flush()
    _wait_for(lambda: os.path.isdir(tmp), spooling, "the spool")
    assert os.listdir(tmp) == []
    spooling.kill()
    spooling.wait()
    spooling.stdin.close()
    assert os.listdir(tmp) == []

    path = _write(workdir, "big.tar", archive)
    extracting = subprocess.Popen([*podpy.argv, "load", "-i", path], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=podpy_env())
    big_id = _sha(b"sha256:" + _sha(BUSYBOX).encode() + b" sha256:" + _sha(big).encode())
    _wait_for(lambda: any(d.startswith(f".tmp-{big_id[:16]}") for d in os.listdir(overlay)), extracting,
              "the extraction of the big layer")
    extracting.kill()
    extracting.wait()

    podpy("load", "-i", _write(workdir, "good.tar", oci_archive(busybox_layout)))
    assert [d for d in os.listdir(overlay) if d.startswith(".tmp-") or d == big_id] == []
    with sqlite3.connect(os.path.join(podpy.root, "podpy.db")) as db:
        assert db.execute("SELECT COUNT(*) FROM layers WHERE incomplete=1").fetchone()[0] == 0
    assert podpy("images", "--format", "{{.Repository}}").stdout == "localhost/busybox\n"
    assert_runs(podpy)


# --- interoperability with Podman ----------------------------------------------------------------------


PODMAN_CONF = '[containers]\ndefault_ulimits = ["nofile=1024:1024","nproc=1024:1024"]\n[engine]\nruntime = "runc"\n'


class PodmanStore:
    """A throwaway Podman store; podman gets its own containers.conf, podpy never sees it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.conf = os.path.join(base, "containers.conf")
        with open(self.conf, "w") as f:
            f.write(PODMAN_CONF)
        self.argv = ["podman", "--root", os.path.join(base, "root"), "--runroot", os.path.join(base, "runroot")]

    def __call__(self, *args: str) -> str:
        proc = subprocess.run([*self.argv, *args], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, CONTAINERS_CONF=self.conf))
        assert proc.returncode == 0, f"podman {' '.join(args)}: {proc.stderr}"
        return proc.stdout

    def cleanup(self) -> None:
        for args in (("rm", "-af"), ("system", "reset", "-f")):
            subprocess.run([*self.argv, *args], capture_output=True, timeout=300,
                           env=dict(os.environ, CONTAINERS_CONF=self.conf))
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def podman_saved() -> Iterator[dict[str, str]]:
    """Archives written by `podman save` of an image podman imported, and the digest podman gives the
    docker-archive when it loads it back."""
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed")
    base = tempfile.mkdtemp(prefix="podpy-podman-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    podman = PodmanStore(base)
    try:
        layer = _write(base, "layer.tar", BUSYBOX)
        podman("import", "--change", "CMD=sh", layer, "localhost/busybox:latest")
        saved = {}
        for fmt in ("docker-archive", "oci-archive"):
            saved[fmt] = os.path.join(base, f"{fmt}.tar")
            podman("save", "--format", fmt, "-o", saved[fmt], "localhost/busybox:latest")
        podman("rmi", "-a")
        podman("load", "-i", saved["docker-archive"])
        saved["docker-digest"] = podman("image", "inspect", "--format", "{{.Digest}}", "localhost/busybox").strip()
        saved["image-id"] = podman("image", "inspect", "--format", "{{.Id}}", "localhost/busybox").strip()
        yield saved
    finally:
        podman.cleanup()


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_podman_saved_archive_loads_and_runs(podpy: Podpy, podman_saved: dict[str, str], fmt: str) -> None:
    assert podpy("load", "-i", podman_saved[fmt]).stdout == "Loaded image: localhost/busybox:latest\n"
    assert_runs(podpy)
    image_id = podpy("image", "inspect", "--format", "{{.Id}}", "localhost/busybox").stdout.strip()
    assert image_id == podman_saved["image-id"]
    if fmt == "docker-archive":  # podpy records the very manifest Podman generates for such an image
        digest = podpy("image", "inspect", "--format", "{{.Digest}}", "localhost/busybox").stdout.strip()
        assert digest == podman_saved["docker-digest"]
