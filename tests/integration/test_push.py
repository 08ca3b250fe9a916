"""podpy push to a real registry on loopback (Debian's docker-registry), with Podman and skopeo on the other end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy, Result, podpy_env
from tests.support.registry import HAVE_REGISTRY, SKOPEO, Registry

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

HAVE_PODMAN = shutil.which("podman") is not None
PODMAN_CONF = '[containers]\ndefault_ulimits = ["nofile=1024:1024","nproc=1024:1024"]\n[engine]\nruntime = "runc"\n'
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


@pytest.fixture(scope="module")
def registry() -> Iterator[Registry]:
    reg = Registry()
    try:
        yield reg
    finally:
        reg.stop()


class PodmanStore:
    """A throwaway Podman store (its own containers.conf and root)."""

    def __init__(self) -> None:
        self.base = tempfile.mkdtemp(prefix="podpy-podman-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
        self.conf = os.path.join(self.base, "containers.conf")
        with open(self.conf, "w") as f:
            f.write(PODMAN_CONF)
        with open(os.path.join(self.base, "auth.json"), "w") as f:
            f.write("{}")
        self.argv = ["podman", "--root", os.path.join(self.base, "root"), "--runroot",
                     os.path.join(self.base, "runroot"), "--cgroup-manager", "cgroupfs", "--events-backend", "file"]

    def __call__(self, *args: str) -> str:
        proc = subprocess.run([*self.argv, *args], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, CONTAINERS_CONF=self.conf,
                                       REGISTRY_AUTH_FILE=os.path.join(self.base, "auth.json")))
        assert proc.returncode == 0, f"podman {' '.join(args)}: {proc.stderr}"
        return proc.stdout

    def cleanup(self) -> None:
        for args in (("rm", "-af"), ("system", "reset", "-f")):
            subprocess.run([*self.argv, *args], capture_output=True, timeout=300,
                           env=dict(os.environ, CONTAINERS_CONF=self.conf))
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def podman() -> Iterator[PodmanStore]:
    if not HAVE_PODMAN:
        pytest.skip("podman is not installed")
    store = PodmanStore()
    try:
        yield store
    finally:
        store.cleanup()


def run(podpy: Podpy, *args: str) -> Result:
    env = dict(podpy_env(), REGISTRY_AUTH_FILE=os.path.join(os.path.dirname(podpy.root), "auth.json"))
    proc = subprocess.run([*podpy.argv, *args], capture_output=True, text=True, timeout=300, env=env)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def ok(podpy: Podpy, *args: str) -> Result:
    result = run(podpy, *args)
    assert result.returncode == 0, f"podpy {' '.join(args)}: {result.stderr}"
    return result


def skopeo(*args: str) -> str:
    proc = subprocess.run([SKOPEO, *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, REGISTRY_AUTH_FILE="/nonexistent/auth.json"))
    assert proc.returncode == 0, f"skopeo {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def raw_manifest(reg: Registry, ref: str) -> dict[str, object]:
    data = json.loads(skopeo("inspect", "--raw", "--tls-verify=false", f"docker://{reg.host}/{ref}"))
    assert isinstance(data, dict)
    return data


def manifest_digest(reg: Registry, ref: str) -> str:
    return str(json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{reg.host}/{ref}"))["Digest"])


def access_log(reg: Registry) -> list[str]:
    with open(reg.log_path) as f:
        return [line for line in f if '" ' in line and "HTTP/1.1" in line and line.startswith("127.0.0.1 ")]


def test_push_then_pull_back_and_run(podpy_bb: Podpy, registry: Registry) -> None:
    dest = f"{registry.host}/podpy/bb:1"
    result = ok(podpy_bb, "push", "--tls-verify=false", "localhost/busybox", dest)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Getting image source signatures"
    assert lines[1].startswith("Copying blob sha256:")
    assert lines[-3].startswith("Copying config sha256:")
    assert lines[-2:] == ["Writing manifest to image destination", "Storing signatures"]
    image_id = ok(podpy_bb, "image", "inspect", "--format", "{{.Id}}", "localhost/busybox").stdout.strip()
    ok(podpy_bb, "rmi", "localhost/busybox")
    assert ok(podpy_bb, "pull", "-q", "--tls-verify=false", dest).stdout.strip() == image_id
    assert ok(podpy_bb, "run", "--rm", dest, "echo", "pushed").stdout == "pushed\n"


def test_quiet_and_docker_transport_and_digestfile(podpy_bb: Podpy, registry: Registry, tmp_path: object) -> None:
    digestfile = os.path.join(str(tmp_path), "digest")
    result = ok(podpy_bb, "push", "-q", "--tls-verify=false", "--digestfile", digestfile, "localhost/busybox",
                f"docker://{registry.host}/podpy/quiet:1")
    assert result.stdout == "" and result.stderr == ""
    with open(digestfile) as f:
        digest = f.read()
    assert digest.startswith("sha256:") and digest == manifest_digest(registry, "podpy/quiet:1")


def test_push_twice_and_after_tag_keeps_the_digest(podpy_bb: Podpy, registry: Registry, tmp_path: object) -> None:
    first, second = os.path.join(str(tmp_path), "1"), os.path.join(str(tmp_path), "2")
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "--digestfile", first, "localhost/busybox",
       f"{registry.host}/podpy/twice:1")
    ok(podpy_bb, "tag", "localhost/busybox", f"{registry.host}/podpy/twice:2")
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "--digestfile", second, f"{registry.host}/podpy/twice:2")
    with open(first) as f1, open(second) as f2:
        assert f1.read() == f2.read()
    assert manifest_digest(registry, "podpy/twice:1") == manifest_digest(registry, "podpy/twice:2")


def test_pulled_image_pushed_unchanged_keeps_its_digest_by_mounting(podpy_bb: Podpy, registry: Registry,
                                                                    tmp_path: object) -> None:
    src = f"{registry.host}/podpy/mount-src:1"
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", src)
    ok(podpy_bb, "rmi", "localhost/busybox")
    ok(podpy_bb, "pull", "-q", "--tls-verify=false", src)
    pulled = ok(podpy_bb, "image", "inspect", "--format", "{{.Digest}}", src).stdout.strip()
    before = len(access_log(registry))
    digestfile = os.path.join(str(tmp_path), "digest")
    ok(podpy_bb, "push", "--tls-verify=false", "--digestfile", digestfile, src, f"{registry.host}/podpy/mount-dst:1")
    with open(digestfile) as f:
        assert f.read() == pulled
    log = access_log(registry)[before:]
    assert any("mount=sha256" in line and "from=podpy%2Fmount-src" in line and '" 201 ' in line for line in log), log
    layer_uploads = [line for line in log if ("PATCH " in line or "PUT " in line) and "/blobs/uploads/" in line]
    assert len(layer_uploads) <= 1  # the config at most; the layer was mounted
    assert ok(podpy_bb, "run", "--rm", src, "true").returncode == 0


@pytest.mark.parametrize(("fmt", "media_type", "layer_type"), [
    ("oci", OCI_MANIFEST, "application/vnd.oci.image.layer.v1.tar+gzip"),
    ("v2s2", DOCKER_MANIFEST, "application/vnd.docker.image.rootfs.diff.tar.gzip"),
])
def test_format(podpy_bb: Podpy, registry: Registry, fmt: str, media_type: str, layer_type: str) -> None:
    ref = f"podpy/fmt:{fmt}"
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "--format", fmt, "localhost/busybox", f"{registry.host}/{ref}")
    data = raw_manifest(registry, ref)
    assert data["mediaType"] == media_type
    layers = data["layers"]
    assert isinstance(layers, list) and [layer["mediaType"] for layer in layers] == [layer_type]
    inspected = json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{registry.host}/{ref}"))
    assert inspected["Os"] == "linux"


def test_missing_image_is_one_error(podpy: Podpy, registry: Registry) -> None:
    result = run(podpy, "push", "--tls-verify=false", "localhost/nosuch:1", f"{registry.host}/podpy/nosuch:1")
    assert result.returncode == 125
    assert result.stderr == "Error: localhost/nosuch:1: image not known\n"


def test_usage_errors(podpy_bb: Podpy, registry: Registry) -> None:
    result = run(podpy_bb, "push")
    assert result.returncode == 125 and "accepts between 1 and 2 arg(s), received 0" in result.stderr
    result = run(podpy_bb, "push", "--tls-verify=false", "--format", "v2s2", "--compression-format", "zstd",
                 "localhost/busybox", f"{registry.host}/podpy/bad:1")
    assert result.returncode == 125 and result.stderr.startswith("Error: ")


def test_htpasswd_auth(podpy_bb: Podpy) -> None:
    reg = Registry(users={"alice": "s3cret"})
    try:
        dest = f"{reg.host}/private/bb:1"
        denied = run(podpy_bb, "push", "--tls-verify=false", "localhost/busybox", dest)
        assert denied.returncode == 125
        assert denied.stderr.count("Error: ") == 1
        ok(podpy_bb, "push", "-q", "--tls-verify=false", "--creds", "alice:s3cret", "localhost/busybox", dest)
        ok(podpy_bb, "login", "--tls-verify=false", "-u", "alice", "-p", "s3cret", reg.host)
        ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", f"{reg.host}/private/bb:2")
        ok(podpy_bb, "rmi", "localhost/busybox")
        ok(podpy_bb, "pull", "-q", "--tls-verify=false", dest)
        assert ok(podpy_bb, "run", "--rm", dest, "echo", "auth").stdout == "auth\n"
    finally:
        reg.stop()


def test_zstd_push_is_read_by_skopeo_podman_and_podpy(podpy_bb: Podpy, registry: Registry,
                                                      podman: PodmanStore) -> None:
    ref = "podpy/zstd:1"
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "--compression-format", "zstd", "--compression-level", "5",
       "localhost/busybox", f"{registry.host}/{ref}")
    data = raw_manifest(registry, ref)
    assert data["mediaType"] == OCI_MANIFEST
    layers = data["layers"]
    assert isinstance(layers, list)
    assert [layer["mediaType"] for layer in layers] == ["application/vnd.oci.image.layer.v1.tar+zstd"]
    podman("pull", "-q", "--tls-verify=false", f"{registry.host}/{ref}")
    assert podman("run", "--rm", f"{registry.host}/{ref}", "echo", "zstd") == "zstd\n"
    ok(podpy_bb, "rmi", "localhost/busybox")
    ok(podpy_bb, "pull", "-q", "--tls-verify=false", f"{registry.host}/{ref}")
    assert ok(podpy_bb, "run", "--rm", f"{registry.host}/{ref}", "echo", "zstd").stdout == "zstd\n"


def test_podpy_push_podman_pull_and_skopeo_copy(podpy_bb: Podpy, registry: Registry, podman: PodmanStore,
                                               tmp_path: object) -> None:
    ref = f"{registry.host}/podpy/interop:1"
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", ref)
    podman("pull", "-q", "--tls-verify=false", ref)
    assert podman("run", "--rm", ref, "echo", "from-podpy") == "from-podpy\n"
    layout = os.path.join(str(tmp_path), "layout")
    skopeo("copy", "-q", "--src-tls-verify=false", f"docker://{ref}", f"oci:{layout}:copied")
    with open(os.path.join(layout, "index.json")) as f:
        assert json.load(f)["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "copied"


def test_podman_push_podpy_pull(podpy: Podpy, registry: Registry, podman: PodmanStore, busybox_layout: str) -> None:
    ref = f"{registry.host}/podman/bb:1"
    layout = f"/var/tmp/podpy-push-layout-{os.getpid()}"  # podman names the image after the path: no "_" in it
    shutil.copytree(busybox_layout, layout)
    try:
        podman("pull", "-q", f"oci:{layout}")
    finally:
        shutil.rmtree(layout, ignore_errors=True)
    image_id = podman("images", "-q", "--no-trunc").split()[0]
    podman("push", "-q", "--tls-verify=false", image_id, ref)
    ok(podpy, "pull", "-q", "--tls-verify=false", ref)
    assert ok(podpy, "run", "--rm", ref, "echo", "from-podman").stdout == "from-podman\n"
    # and back, unchanged: same manifest digest, the layer mounted from podman's repository
    digest = manifest_digest(registry, "podman/bb:1")
    ok(podpy, "push", "-q", "--tls-verify=false", ref, f"{registry.host}/podman/copy:1")
    assert manifest_digest(registry, "podman/copy:1") == digest


def test_push_to_oci_archive(podpy_bb: Podpy, tmp_path: object) -> None:
    archive = os.path.join(str(tmp_path), "bb.tar")
    ok(podpy_bb, "push", "localhost/busybox", f"oci-archive:{archive}")
    assert json.loads(skopeo("inspect", f"oci-archive:{archive}"))["Os"] == "linux"


def test_repush_and_push_to_another_repository_reuse_the_blob(podpy_bb: Podpy, registry: Registry) -> None:
    """The blob-info cache: a second push neither compresses nor uploads the layer again; a push of the
    same image to another repository of the registry mounts it from the first one."""
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", f"{registry.host}/podpy/reuse-a:1")
    before = len(access_log(registry))
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", f"{registry.host}/podpy/reuse-a:2")
    ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", f"{registry.host}/podpy/reuse-b:1")
    log = access_log(registry)[before:]
    assert not [line for line in log if "/blobs/uploads/" in line and ("PUT " in line or "PATCH " in line)], log
    assert any("/v2/podpy/reuse-b/blobs/uploads/?mount=" in line and '" 201 ' in line for line in log), log
    assert manifest_digest(registry, "podpy/reuse-a:1") == manifest_digest(registry, "podpy/reuse-b:1")


def test_chunked_and_monolithic_uploads(registry: Registry) -> None:
    """upload.py's primitives straight against the registry: PATCH chunks with Content-Range above the
    threshold, one PUT below it, HEAD for a present blob, a mount, and a manifest PUT."""
    import hashlib
    import io

    from podpy.image.registry import upload
    from podpy.image.registry.client import RegistryClient
    from podpy.image.registry.options import ClientOptions

    client = RegistryClient(registry.host, ClientOptions(tls_verify=False))
    try:
        client.ping()
        data = os.urandom(3 << 20)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        before = len(access_log(registry))
        sent: list[int] = []
        assert upload.upload_blob(client, "podpy/chunks", digest, len(data), lambda: io.BytesIO(data),
                                  chunk_threshold=1 << 20, chunk_size=1 << 20, on_bytes=sent.append) == upload.UPLOADED
        assert sum(sent) == len(data)
        log = access_log(registry)[before:]
        assert len([line for line in log if "PATCH /v2/podpy/chunks/blobs/uploads/" in line]) == 3, log
        with open(registry.blob_path(digest), "rb") as f:
            assert f.read() == data
        assert upload.blob_exists(client, "podpy/chunks", digest) == len(data)
        assert upload.upload_blob(client, "podpy/chunks", digest, len(data), lambda: io.BytesIO(data)) == upload.EXISTS
        assert upload.upload_blob(client, "podpy/chunks2", digest, len(data), lambda: io.BytesIO(data),
                                  mount_from=["podpy/chunks"]) == upload.MOUNTED
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        config_digest = upload.upload_bytes(client, "podpy/chunks2", config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": config_digest, "size": len(config)},
                               "layers": []}).encode()
        got = upload.put_manifest(client, "podpy/chunks2", "v1", manifest, OCI_MANIFEST)
        assert got == "sha256:" + hashlib.sha256(manifest).hexdigest() == manifest_digest(registry, "podpy/chunks2:v1")
    finally:
        client.close()


def test_push_to_docker_archive_and_dir(podpy_bb: Podpy, podpy: Podpy, tmp_path: object) -> None:
    archive = os.path.join(str(tmp_path), "bb-docker.tar")
    ok(podpy_bb, "push", "localhost/busybox", f"docker-archive:{archive}:localhost/pushed:1")
    assert "localhost/pushed:1" in ok(podpy_bb, "load", "-i", archive).stdout
    directory = os.path.join(str(tmp_path), "bb-dir")
    ok(podpy_bb, "push", "--compress", "localhost/busybox", f"dir:{directory}")
    assert json.loads(skopeo("inspect", f"dir:{directory}"))["Os"] == "linux"


class TokenProxy:
    """Forwards every method (bodies included) to a plain registry, demanding Bearer tokens from its own
    /token endpoint whose scope covers the repository and the action (push for writes)."""

    def __init__(self, upstream: str) -> None:
        import base64
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.tokens: dict[str, set[str]] = {}
        self.token_scopes: list[str] = []
        self.requests: list[tuple[str, str, int]] = []
        proxy = self

        def allows(granted: set[str], needed: str) -> bool:
            name, action = needed.rsplit(":", 1)
            return any(s.rsplit(":", 1)[0] == name and action in s.rsplit(":", 1)[1].split(",") for s in granted)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path.startswith("/token"):
                    scopes = parse_qs(urlsplit(self.path).query).get("scope", [])
                    token = base64.b64encode(os.urandom(12)).decode()
                    proxy.tokens[token] = set(scopes)
                    proxy.token_scopes += scopes
                    self._reply(200, json.dumps({"token": token}).encode(), {"Content-Type": "application/json"})
                    return
                parts = self.path.split("?")[0].split("/")
                needed = ""
                for marker in ("manifests", "blobs"):
                    if marker in parts:
                        action = "pull" if self.command in ("GET", "HEAD") else "push"
                        needed = f"repository:{'/'.join(parts[2:parts.index(marker)])}:{action}"
                auth = self.headers.get("Authorization", "")
                granted = proxy.tokens.get(auth.removeprefix("Bearer "), set()) if auth.startswith("Bearer ") else None
                if granted is None or (needed and not allows(granted, needed)):
                    challenge = f'Bearer realm="http://127.0.0.1:{proxy.port}/token",service="podpy-test"'
                    self._reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                                {"WWW-Authenticate": challenge, "Content-Type": "application/json"})
                    return
                path = self.path
                query = parse_qs(urlsplit(path).query)
                if "mount" in query and not allows(granted, f"repository:{query.get('from', [''])[0]}:pull"):
                    path = path.split("?")[0]  # as a registry does: no pull access to the source, no mount
                host, port = upstream.rsplit(":", 1)
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                headers = {k: v for k, v in self.headers.items()  # Host kept: upload Locations name the proxy
                           if k.lower() not in ("authorization", "connection", "content-length")}
                conn.request(self.command, path, body=body, headers=headers)
                resp = conn.getresponse()
                proxy.requests.append((self.command, self.path, resp.status))
                data = resp.read()
                out = {k: v for k, v in resp.getheaders()
                       if k.lower() not in ("connection", "transfer-encoding", "keep-alive", "content-length")}
                conn.close()
                self._reply(resp.status, data, out)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_push_with_bearer_tokens(podpy_bb: Podpy, registry: Registry) -> None:
    proxy = TokenProxy(registry.host)
    try:
        dest = f"127.0.0.1:{proxy.port}/podpy/token:1"
        ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", dest)
        assert "repository:podpy/token:pull,push" in proxy.token_scopes
        # a push to another repository mounts the blobs: the token covers pulling from the first one
        ok(podpy_bb, "push", "-q", "--tls-verify=false", "localhost/busybox", f"127.0.0.1:{proxy.port}/podpy/token2:1")
        assert "repository:podpy/token:pull" in proxy.token_scopes
        mounts = [(p, s) for m, p, s in proxy.requests if m == "POST" and "/podpy/token2/" in p and "mount=" in p]
        assert mounts and all(s == 201 for _p, s in mounts), proxy.requests
        ok(podpy_bb, "rmi", "localhost/busybox")
        ok(podpy_bb, "pull", "-q", "--tls-verify=false", dest)
        assert ok(podpy_bb, "run", "--rm", dest, "echo", "token").stdout == "token\n"
    finally:
        proxy.stop()
