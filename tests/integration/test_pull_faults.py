"""pull when things go wrong: a registry killed mid-layer, parallel pulls of one image, bad replies of every kind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.conftest import needs_root
from tests.integration.test_pull import HOST, file_layer, ok, run
from tests.support.images import busybox_layer
from tests.support.podpy import Podpy
from tests.support.registry import HAVE_REGISTRY, CountingProxy, Registry, free_port, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

BIG = os.urandom(24 << 20)  # random: gzip cannot shrink it, so the layer streams for a while through a throttle


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[Registry, dict[str, dict[str, str]], str]]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    digests: dict[str, dict[str, str]] = {}
    try:
        for ref, layers in (("big:latest", [busybox_layer(), file_layer("big.bin", BIG)]),
                            ("multi:latest", [busybox_layer(), file_layer("a.txt", b"a\n"),
                                              file_layer("b.txt", b"b\n")])):
            layout = os.path.join(work, ref.replace(":", "_"))
            digests[ref] = write_layout(layout, [(HOST, layers, {})])
            reg.push_layout(layout, ref)
        yield reg, digests, work
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def layer_digests(reg: Registry, manifest_digest: str) -> list[str]:
    with open(reg.blob_path(manifest_digest), "rb") as f:
        return [str(d["digest"]) for d in json.load(f)["layers"]]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def assert_store_empty(podpy: Podpy) -> None:
    assert ok(podpy, "images", "-q").stdout == ""
    layers_dir = os.path.join(podpy.root, "overlay")
    assert sorted(os.listdir(layers_dir)) == ["l"]
    assert os.listdir(os.path.join(layers_dir, "l")) == []


def start_pull(podpy: Podpy, *args: str) -> subprocess.Popen[str]:
    from tests.support.podpy import podpy_env

    env = dict(podpy_env(), REGISTRY_AUTH_FILE=os.path.join(os.path.dirname(podpy.root), "auth.json"))
    return subprocess.Popen([*podpy.argv, "pull", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def wait_for_bytes(proxy: CountingProxy, count: int) -> None:
    """Until the proxy has forwarded ``count`` body bytes (the big layer is then streaming)."""
    deadline = time.monotonic() + 30
    while proxy.streamed < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proxy.streamed >= count


def test_registry_killed_mid_layer_then_next_pull_completes(podpy: Podpy,
                                                            seeded: tuple[Registry, dict, str]) -> None:
    reg, digests, _work = seeded
    proxy = CountingProxy(reg.host, rate=4 << 20)
    name = f"{proxy.host}/big:latest"
    try:
        proc = start_pull(podpy, "--tls-verify=false", "--retry=0", name)
        wait_for_bytes(proxy, 6 << 20)
        reg.kill()
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 125, err
        errors = error_lines(err)
        assert len(errors) == 1, err
        assert name in errors[0] and "reading blob" in errors[0], errors[0]
        assert_store_empty(podpy)
        reg.start()
        again = ok(podpy, "pull", "-q", "--tls-verify=false", name)
        assert again.stdout.strip() == digests["big:latest"]["config0"][7:]
        out = ok(podpy, "run", "--rm", name, "/bin/busybox", "sha256sum", "/big.bin").stdout
        assert out.split()[0] == hashlib.sha256(BIG).hexdigest()
    finally:
        if reg.proc.poll() is not None:
            reg.start()
        proxy.stop()


def test_interrupted_layer_resumes_with_range(podpy: Podpy, seeded: tuple[Registry, dict, str]) -> None:
    reg, digests, _work = seeded
    proxy = CountingProxy(reg.host, rate=4 << 20)
    name = f"{proxy.host}/big:latest"
    try:
        proc = start_pull(podpy, "-q", "--tls-verify=false", "--retry=3", "--retry-delay=1s", name)
        wait_for_bytes(proxy, 6 << 20)
        reg.kill()
        reg.start()
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        assert out.strip() == digests["big:latest"]["config0"][7:]
        assert "retrying" in err
        big = layer_digests(reg, digests["big:latest"]["manifest0"])[1]
        resumed = [r for r in proxy.range_requests if big in r]
        assert resumed, proxy.range_requests
        start = int(resumed[0].rsplit("bytes=", 1)[1].rstrip("-"))
        assert start > 0
        assert (f"/v2/big/blobs/{big}", 206) in [(p, s) for _m, p, s in proxy.requests]
        sha = ok(podpy, "run", "--rm", name, "/bin/busybox", "sha256sum", "/big.bin").stdout.split()[0]
        assert sha == hashlib.sha256(BIG).hexdigest()
    finally:
        if reg.proc.poll() is not None:
            reg.start()
        proxy.stop()


def test_parallel_pulls_download_each_layer_once(podpy: Podpy, seeded: tuple[Registry, dict, str]) -> None:
    reg, digests, _work = seeded
    proxy = CountingProxy(reg.host, rate=8 << 20)
    name = f"{proxy.host}/multi:latest"
    try:
        procs = [start_pull(podpy, "-q", "--tls-verify=false", name) for _ in range(4)]
        results = [(p.wait(120), *p.communicate()) for p in procs]
        assert all(code == 0 for code, _o, _e in results), results
        assert {o.strip() for _c, o, _e in results} == {digests["multi:latest"]["config0"][7:]}
        layers = layer_digests(reg, digests["multi:latest"]["manifest0"])
        gets = proxy.blob_gets()
        for digest in layers:
            assert gets.count(f"/v2/multi/blobs/{digest}") == 1, gets
        assert ok(podpy, "images", "-q").stdout.split() == [digests["multi:latest"]["config0"][7:19]]
        assert ok(podpy, "run", "--rm", name, "cat", "/a.txt", "/b.txt").stdout == "a\nb\n"
    finally:
        proxy.stop()


# --- a registry that answers what the test says ---------------------------------------------------


class FakeRegistry:
    """Serves fixed (status, headers, body) by path on 127.0.0.1; anything else is a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, headers, body = fake.routes.get(self.path.split("?")[0], (404, {}, b"not found\n"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve_layout(self, layout: str, repo: str, manifest_digest: str,
                     edit: dict[str, object] | None = None) -> None:
        """The layout's blobs and its manifest (changed by ``edit``, a top-level update) under latest."""
        blobs = os.path.join(layout, "blobs", "sha256")
        for name in os.listdir(blobs):
            with open(os.path.join(blobs, name), "rb") as f:
                self.routes[f"/v2/{repo}/blobs/sha256:{name}"] = (200, {}, f.read())
        with open(os.path.join(blobs, manifest_digest[7:]), "rb") as f:
            manifest = json.load(f)
        manifest.update(edit or {})
        self.routes[f"/v2/{repo}/manifests/latest"] = (
            200, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, json.dumps(manifest).encode())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    f = FakeRegistry()
    try:
        yield f
    finally:
        f.stop()


def _errors(code: str, message: str) -> bytes:
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


@pytest.mark.parametrize(("status", "headers", "body", "cause"), [
    (401, {"WWW-Authenticate": 'Basic realm="fake"'}, _errors("UNAUTHORIZED", "authentication required"),
     "unauthorized: authentication required"),
    (403, {}, _errors("DENIED", "requested access to the resource is denied"),
     "denied: requested access to the resource is denied"),
    (404, {}, b"no such thing\n", "received unexpected HTTP status: 404 Not Found"),
    (429, {"Retry-After": "1"}, _errors("TOOMANYREQUESTS", "slow down"), "toomanyrequests: slow down"),
    (500, {}, b"oops", "received unexpected HTTP status: 500 Internal Server Error"),
    (503, {}, b"", "received unexpected HTTP status: 503 Service Unavailable"),
    (200, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, b"{not json", "invalid JSON"),
])
def test_bad_replies_are_one_clear_error(podpy: Podpy, fake: FakeRegistry, status: int, headers: dict[str, str],
                                         body: bytes, cause: str) -> None:
    fake.routes["/v2/img/manifests/latest"] = (status, headers, body)
    name = f"{fake.host}/img:latest"
    result = run(podpy, "pull", "--tls-verify=false", "--retry=0", name)
    assert result.returncode == 125, result.stderr
    errors = error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert name in errors[0] and cause in errors[0], errors[0]
    assert ok(podpy, "images", "-q").stdout == ""


def test_server_errors_are_retried_then_reported(podpy: Podpy, fake: FakeRegistry) -> None:
    fake.routes["/v2/img/manifests/latest"] = (503, {}, b"")
    result = run(podpy, "pull", "--tls-verify=false", "--retry=2", "--retry-delay=100ms", f"{fake.host}/img")
    assert result.returncode == 125
    assert result.stderr.count("Failed, retrying in 0.1s") == 2
    assert len(error_lines(result.stderr)) == 1


def test_manifest_that_lies_about_sizes_is_refused(podpy: Podpy, fake: FakeRegistry, tmp_path: object) -> None:
    layout = os.path.join(str(tmp_path), "layout")
    digests = write_layout(layout, [(HOST, [busybox_layer(), file_layer("x.txt", b"x" * 5000)], {})])
    with open(os.path.join(layout, "blobs", "sha256", digests["manifest0"][7:]), "rb") as f:
        manifest = json.load(f)
    name = f"{fake.host}/liar:latest"
    config = dict(manifest["config"], size=manifest["config"]["size"] + 7)
    fake.serve_layout(layout, "liar", digests["manifest0"], {"config": config})
    result = run(podpy, "pull", "--tls-verify=false", "--retry=0", name)
    assert result.returncode == 125
    assert len(error_lines(result.stderr)) == 1
    assert f"reading config {config['digest']}" in result.stderr and "the manifest says" in result.stderr
    for delta in (-100, 100):
        layers = [dict(manifest["layers"][0]), dict(manifest["layers"][1], size=manifest["layers"][1]["size"] + delta)]
        fake.serve_layout(layout, "liar", digests["manifest0"], {"layers": layers})
        result = run(podpy, "pull", "--tls-verify=false", "--retry=0", name)
        assert result.returncode == 125, result.stderr
        errors = error_lines(result.stderr)
        assert len(errors) == 1, result.stderr
        assert name in errors[0] and layers[1]["digest"] in errors[0] and "the manifest says" in errors[0], errors[0]
        assert_store_empty(podpy)


def test_unreachable_registry_is_one_clear_error(podpy: Podpy) -> None:
    name = f"127.0.0.1:{free_port()}/img:latest"
    result = run(podpy, "pull", "--tls-verify=false", "--retry=0", name)
    assert result.returncode == 125
    errors = error_lines(result.stderr)
    assert len(errors) == 1 and name in errors[0] and "connection refused" in errors[0], result.stderr


def test_redirected_manifest_is_followed(podpy: Podpy, fake: FakeRegistry, tmp_path: object) -> None:
    layout = os.path.join(str(tmp_path), "layout")
    digests = write_layout(layout, [(HOST, [busybox_layer()], {})])
    fake.serve_layout(layout, "moved", digests["manifest0"])
    fake.routes["/v2/moved/manifests/elsewhere"] = fake.routes["/v2/moved/manifests/latest"]
    fake.routes["/v2/moved/manifests/latest"] = (307, {"Location": "/v2/moved/manifests/elsewhere"}, b"")
    result = ok(podpy, "pull", "-q", "--tls-verify=false", f"{fake.host}/moved")
    assert result.stdout.strip() == digests["config0"][7:]
