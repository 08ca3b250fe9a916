"""A real registry on loopback for pull and login tests: Debian's `docker-registry` (CNCF distribution).

Each Registry listens on 127.0.0.1:<free port> with its storage and config in a temp dir and is
stopped by its pid. Images are pushed into it with skopeo from OCI layouts built locally.
A CountingProxy can sit in front of it to count requests and, optionally, to require
bearer tokens from a token endpoint of its own (the token flow, without a JWT signer).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGISTRY_BIN = "/usr/bin/docker-registry"
SKOPEO = shutil.which("skopeo") or "/usr/bin/skopeo"
HAVE_REGISTRY = os.path.exists(REGISTRY_BIN) and os.path.exists(SKOPEO)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def htpasswd_line(user: str, password: str) -> str:
    """A bcrypt htpasswd entry: from apache2-utils' htpasswd, else from libcrypt."""
    tool = shutil.which("htpasswd")
    if tool:
        out = subprocess.run([tool, "-nbB", user, password], check=True, capture_output=True, text=True).stdout
        return out.strip()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt

        return f"{user}:{crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))}"


class Registry:
    """docker-registry on 127.0.0.1; ``users`` turns on htpasswd basic auth."""

    def __init__(self, users: dict[str, str] | None = None, *, tls: tuple[str, str] | None = None,
                 client_ca: str = "") -> None:
        self.dir = tempfile.mkdtemp(prefix="podpy-registry-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
        self.port = free_port()
        self.tls = tls
        self.client_ca = client_ca
        self.users = users or {}
        self.data = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "registry.log")
        config = os.path.join(self.dir, "config.yml")
        auth = ""
        if self.users:
            passwd = os.path.join(self.dir, "htpasswd")
            with open(passwd, "w") as f:
                for user, password in self.users.items():
                    f.write(htpasswd_line(user, password) + "\n")
            auth = f"auth:\n  htpasswd:\n    realm: podpy-test\n    path: {passwd}\n"
        with open(config, "w") as f:
            f.write("version: 0.1\n"
                    "log:\n  level: info\n  accesslog:\n    disabled: false\n"
                    f"storage:\n  filesystem:\n    rootdirectory: {self.data}\n  delete:\n    enabled: true\n"
                    f"http:\n  addr: 127.0.0.1:{self.port}\n  secret: podpy-test-secret\n"
                    + (f"  tls:\n    certificate: {tls[0]}\n    key: {tls[1]}\n" if tls else "")
                    + (f"    clientcas:\n      - {client_ca}\n" if tls and client_ca else "")
                    + auth)
        self.config = config
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.start()

    def start(self) -> None:
        """(Re)start the server on the same port and storage (after kill())."""
        self.proc = subprocess.Popen([REGISTRY_BIN, "serve", self.config], stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()

    def kill(self) -> None:
        """SIGKILL the server by its pid, as a crash would."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(self.log_path) as f:
                    raise RuntimeError(f"docker-registry exited: {f.read()[-2000:]}")
            try:
                if self.client_ca:  # it wants a client certificate: listening is all this can check
                    socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                    return
                if self.tls:
                    import ssl

                    ctx = ssl._create_unverified_context()
                    conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", self.port,
                                                                                   timeout=2, context=ctx)
                else:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/v2/")
                status = conn.getresponse().status
                conn.close()
                if status in (200, 401):
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError("docker-registry did not start")

    def push_layout(self, layout: str, ref: str, *, all_images: bool = False, tag: str = "latest") -> None:
        """skopeo copy oci:<layout>:<tag> docker://<this registry>/<ref>."""
        argv = [SKOPEO, "copy", "-q", "--dest-tls-verify=false"]
        if all_images:
            argv.append("--all")
        if self.users:
            user, password = next(iter(self.users.items()))
            argv += ["--dest-creds", f"{user}:{password}"]
        argv += [f"oci:{layout}:{tag}", f"docker://{self.host}/{ref}"]
        subprocess.run(argv, check=True, capture_output=True, timeout=120,
                       env=dict(os.environ, REGISTRY_AUTH_FILE=os.path.join(self.dir, "no-auth.json")))

    def blob_path(self, digest: str) -> str:
        hexpart = digest.removeprefix("sha256:")
        return os.path.join(self.data, "docker", "registry", "v2", "blobs", "sha256", hexpart[:2], hexpart, "data")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- a counting (and token-enforcing) proxy -----------------------------------------------------------


class CountingProxy:
    """Forwards every request to ``upstream`` (host:port, plain HTTP) and records (method, path, status).

    With ``token_auth``, /v2/ requests need ``Authorization: Bearer <token>`` from this proxy's
    /token endpoint (which itself wants ``basic_user``/``basic_password`` when they are set);
    a request without one gets a 401 with a Bearer challenge naming the repository's scope.
    """

    def __init__(self, upstream: str, *, token_auth: bool = False, basic_user: str = "",
                 basic_password: str = "", upstream_auth: tuple[str, str] | None = None, rate: int = 0,
                 token_uses: int = 0) -> None:
        self.upstream = upstream
        self.rate = rate  # bytes per second of a forwarded body (0: unthrottled)
        self.token_uses = token_uses  # requests a token is good for (0: unlimited); then a 401 asks for a new one
        self.uses: dict[str, int] = {}
        self.range_requests: list[str] = []  # "path bytes=N-" of requests that asked for a Range
        self.streamed = 0  # body bytes forwarded so far (a GET is logged in ``requests`` only when it ends)
        self.upstream_auth = upstream_auth
        self.requests: list[tuple[str, str, int]] = []
        self.token_requests: list[str] = []
        self.tokens: dict[str, str] = {}  # token -> scope
        self.token_auth = token_auth
        self.basic = (basic_user, basic_password)
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                proxy._handle(self)

            def do_HEAD(self) -> None:  # noqa: N802
                proxy._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def blob_gets(self) -> list[str]:
        with self.lock:
            return [p for m, p, s in self.requests if m == "GET" and "/blobs/" in p and s in (200, 206)]

    def manifest_requests(self) -> list[str]:
        with self.lock:
            return [p for _m, p, _s in self.requests if "/manifests/" in p]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.token_requests.clear()

    def _reply(self, h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)
        with self.lock:
            self.requests.append((h.command, h.path, status))

    def _scope_of(self, path: str) -> str:
        parts = path.split("?")[0].split("/")
        for marker in ("manifests", "blobs", "tags"):
            if marker in parts:
                i = parts.index(marker)
                return f"repository:{'/'.join(parts[2:i])}:pull"
        return ""

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        if h.path.startswith("/token"):
            with self.lock:
                self.token_requests.append(h.path)
            if self.basic[0]:
                want = "Basic " + base64.b64encode(f"{self.basic[0]}:{self.basic[1]}".encode()).decode()
                if h.headers.get("Authorization") != want:
                    self._reply(h, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {})
                    return
            from urllib.parse import parse_qs, urlsplit

            query = parse_qs(urlsplit(h.path).query)
            token = base64.b64encode(os.urandom(12)).decode()
            with self.lock:
                self.tokens[token] = " ".join(query.get("scope", []))
            self._reply(h, 200, json.dumps({"token": token, "expires_in": 300}).encode(),
                        {"Content-Type": "application/json"})
            return
        if self.token_auth:
            auth = h.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
            scope = self._scope_of(h.path)
            with self.lock:
                granted = self.tokens.get(token)
                if granted is not None and self.token_uses:
                    self.uses[token] = self.uses.get(token, 0) + 1
                    if self.uses[token] > self.token_uses:
                        granted = None
            if granted is None or (scope and scope not in granted.split()):
                challenge = f'Bearer realm="http://{self.host}/token",service="podpy-test"'
                if scope:
                    challenge += f',scope="{scope}"'
                self._reply(h, 401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                            {"WWW-Authenticate": challenge, "Content-Type": "application/json"})
                return
        host, port = self.upstream.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("host", "authorization", "connection")}
        if self.upstream_auth is not None:
            pair = f"{self.upstream_auth[0]}:{self.upstream_auth[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif not self.token_auth and h.headers.get("Authorization"):
            headers["Authorization"] = h.headers["Authorization"]
        if h.headers.get("Range"):
            with self.lock:
                self.range_requests.append(f"{h.path} {h.headers['Range']}")
        try:
            conn.request(h.command, h.path, headers=headers)
            resp = conn.getresponse()
        except OSError:
            self._reply(h, 502, b"upstream unreachable", {"Content-Type": "text/plain"})
            return
        h.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "keep-alive"):
                h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            step = min(1 << 16, max(self.rate // 20, 1024)) if self.rate else 1 << 16
            while True:
                try:
                    chunk = resp.read(step)
                except (OSError, http.client.HTTPException):
                    chunk = b""
                if not chunk:
                    if not resp.isclosed() or (resp.length or 0) > 0:
                        h.close_connection = True  # the upstream died mid-body: the client sees a short read
                    break
                try:
                    h.wfile.write(chunk)
                    h.wfile.flush()
                except OSError:
                    break
                with self.lock:
                    self.streamed += len(chunk)
                if self.rate:
                    time.sleep(len(chunk) / self.rate)
        conn.close()
        with self.lock:
            self.requests.append((h.command, h.path, resp.status))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- layouts to push --------------------------------------------------------------------------------


def _compress(data: bytes, compression: str) -> bytes:
    if compression == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, capture_output=True, check=True).stdout
    return gzip.compress(data, compresslevel=1, mtime=0)


def write_layout(dest: str, images: list[tuple[dict[str, str], list[bytes], dict[str, object]]], *,
                 tag: str = "latest", index: bool = False, compression: str = "gzip") -> dict[str, str]:
    """An OCI layout under ``dest`` whose ``tag`` names one image, or an index of several (gzip or zstd layers).

    ``images`` are (platform, uncompressed layers, config extra); returns digests by key:
    "manifest0"…, "config0"…, "index" (with ``index``).
    """
    blobs = os.path.join(dest, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    out: dict[str, str] = {}

    def blob(data: bytes) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}

    descs = []
    for n, (plat, layers, extra) in enumerate(images):
        diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
        layer_descs = [{"mediaType": f"application/vnd.oci.image.layer.v1.tar+{compression}",
                        **blob(_compress(layer, compression))} for layer in layers]
        config = {"created": "2026-01-01T00:00:00Z", "architecture": plat["architecture"], "os": plat["os"],
                  "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                             "Cmd": ["sh"], **extra},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        if "variant" in plat:
            config["variant"] = plat["variant"]
        cdesc = blob(json.dumps(config).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **cdesc},
                    "layers": layer_descs}
        mdesc = blob(json.dumps(manifest).encode())
        out[f"manifest{n}"] = str(mdesc["digest"])
        out[f"config{n}"] = str(cdesc["digest"])
        descs.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", **mdesc, "platform": plat})
    if index:
        idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descs}
        idesc = blob(json.dumps(idx).encode())
        out["index"] = str(idesc["digest"])
        top = [{"mediaType": "application/vnd.oci.image.index.v1+json", **idesc,
                "annotations": {"org.opencontainers.image.ref.name": tag}}]
    else:
        first = dict(descs[0])
        first.pop("platform")
        top = [{**first, "annotations": {"org.opencontainers.image.ref.name": tag}}]
    with open(os.path.join(dest, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": top}, f)
    with open(os.path.join(dest, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    return out
