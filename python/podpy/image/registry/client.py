"""HTTP transport to one registry (Docker Registry HTTP API v2) over http.client.

One RegistryClient per registry host and pull: it keeps idle connections for small
requests, learns the auth scheme from the first 401 (Bearer tokens are cached per
repository scope and reused until they expire; Basic credentials are sent up front
afterwards) and, for a registry that may be insecure, falls back from https to http
once, as containers/image does. Connection errors, 5xx and 429 are retried with
backoff; blob bodies are returned unread so that the caller streams them.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from podpy.errors import AuthenticationError, RegistryError
from podpy.image.registry.auth import Credentials
from podpy.image.registry.options import USER_AGENT, api_host, verifies
from podpy.image.registry.options import ClientOptions as ClientOptions
from podpy.util.record import record

JSON_LIMIT = 4 << 20
_TIMEOUT = 60.0
_MAX_REDIRECTS = 5
Body = bytes | Callable[[], Iterable[bytes]] | None  # a request body; a callable is called once per send
_ITEM = re.compile(r'\s*,?\s*([A-Za-z][\w-]*)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*)))?')


@record
class Reply:
    """A fully read small response."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def parse_challenges(header: str) -> list[tuple[str, dict[str, str]]]:
    """``Bearer realm="…",service="…", Basic realm="…"`` → [(scheme, params)]: a bare token starts a challenge."""
    out: list[tuple[str, dict[str, str]]] = []
    for m in _ITEM.finditer(header):
        name, quoted, plain = m.group(1), m.group(2), m.group(3)
        if quoted is None and plain is None:
            out.append((name.lower(), {}))
        elif out:
            out[-1][1][name.lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else plain
    return out


def error_text(status: int, body: bytes, reason: str = "") -> str:
    """The registry's own words: ``manifest unknown: manifest unknown``, as distribution's errcode prints."""
    try:
        data = json.loads(body)
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, list) and errors:
            parts = []
            for err in errors:
                if not isinstance(err, dict):
                    continue
                code = str(err.get("code") or "").lower().replace("_", " ")
                message = str(err.get("message") or "")
                parts.append(f"{code}: {message}" if code and message else code or message)
            if parts:
                return "; ".join(parts)
    except (ValueError, UnicodeDecodeError):
        pass
    text = reason or http.client.responses.get(status, "")
    return f"received unexpected HTTP status: {status} {text}".rstrip()


def _client_cert_refused(e: BaseException) -> bool:
    text = str(e).upper()
    return isinstance(e, ssl.SSLError) and ("ALERT_BAD_CERTIFICATE" in text or "CERTIFICATE_REQUIRED" in text)


def _retriable_error(e: BaseException) -> bool:
    if isinstance(e, ssl.SSLCertVerificationError) or "WRONG_VERSION_NUMBER" in str(e) or _client_cert_refused(e):
        return False
    return isinstance(e, (OSError, http.client.HTTPException))


def _describe(e: BaseException) -> str:
    if isinstance(e, ssl.SSLError) and "WRONG_VERSION_NUMBER" in str(e):
        return "http: server gave HTTP response to HTTPS client"
    if isinstance(e, ssl.SSLCertVerificationError):
        return f"tls: failed to verify certificate: {e.verify_message}"
    if _client_cert_refused(e):
        return ("tls: the registry refused the client certificate (none was presented, or not one it trusts; "
                "client.cert and client.key go in the registry's certs.d directory)")
    if isinstance(e, ConnectionRefusedError):
        return "connect: connection refused"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.lower()
    return str(e) or type(e).__name__


class RegistryClient:
    def __init__(self, registry: str, opts: ClientOptions, *, insecure: bool = False) -> None:
        self.registry = registry
        self.host = api_host(registry)
        self.opts = opts
        self.verify = verifies(opts, insecure)
        self.scheme = "https"
        self._scheme_known = self.verify  # without verification, http is tried when https fails
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._ctx: ssl.SSLContext | None = None
        self._challenge: tuple[str, dict[str, str]] | None = None
        self._tokens: dict[str, tuple[str, float]] = {}
        self._creds: dict[str, Credentials | None] = {}
        self.requests = 0

    def prime(self, scheme: str, challenge: str | None = None) -> None:
        """What an earlier request (registry/lean.py) learnt: the scheme that answered, the 401's challenge."""
        self.scheme = scheme
        self._scheme_known = True
        if challenge:
            found = parse_challenges(challenge)
            chosen = next((c for c in found if c[0] == "bearer"), None) or next(
                (c for c in found if c[0] == "basic"), None)
            if chosen is not None:
                self._challenge = chosen

    # --- credentials and tokens ---------------------------------------------------------------------

    def credentials(self, repo: str) -> Credentials | None:
        if self.opts.creds is not None:
            return self.opts.creds
        key = f"{self.registry}/{repo}" if repo else self.registry
        with self._lock:
            if key in self._creds:
                return self._creds[key]
        from podpy.image.registry.auth import lookup

        found = lookup(key, self.opts.authfile)
        with self._lock:
            self._creds[key] = found
        return found

    def _auth_header(self, repo: str, actions: str, fresh: bool, extra_scope: str = "") -> str | None:
        challenge = self._challenge
        if challenge is None:
            return None
        scheme, params = challenge
        creds = self.credentials(repo)
        if scheme == "basic":
            if creds is None or not creds.username:
                return None
            return "Basic " + base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
        if scheme != "bearer":
            return None
        scope = f"repository:{repo}:{actions}" if repo else ""
        if extra_scope:
            scope = f"{scope} {extra_scope}".strip()
        now = time.monotonic()
        with self._lock:
            cached = self._tokens.get(scope)
        if cached and not fresh and cached[1] > now:
            return f"Bearer {cached[0]}"
        token, lifetime = self._fetch_token(params, scope, creds)
        with self._lock:
            self._tokens[scope] = (token, now + max(lifetime - 10, 1))
        return f"Bearer {token}"

    def _fetch_token(self, params: dict[str, str], scope: str, creds: Credentials | None) -> tuple[str, float]:
        realm = params.get("realm", "")
        if not realm:
            raise AuthenticationError(f"{self.registry}: the registry's Bearer challenge names no realm")
        query: dict[str, str | list[str]] = {}
        if params.get("service"):
            query["service"] = params["service"]
        if scope:
            query["scope"] = scope.split(" ")  # one scope= parameter each, as the token spec wants
        elif params.get("scope"):
            query["scope"] = params["scope"]
        headers = {"User-Agent": USER_AGENT}
        if creds is not None and creds.username:
            query["account"] = creds.username
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{creds.username}:{creds.password}".encode()).decode()
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query, doseq=True)
        reply = self._retrying(lambda: self._fetch_url("GET", url, headers), f"Get {url!r}")
        if reply.status in (401, 403):
            raise AuthenticationError(f"requesting bearer token: {error_text(reply.status, reply.body)}")
        if reply.status != 200:
            raise RegistryError(f"requesting bearer token from {realm}: {error_text(reply.status, reply.body)}")
        try:
            data = json.loads(reply.body)
            token = data.get("token") or data.get("access_token")
            lifetime = float(data.get("expires_in") or 60)
        except (ValueError, AttributeError) as e:
            raise RegistryError(f"requesting bearer token from {realm}: bad JSON: {e}") from e
        if not isinstance(token, str) or not token:
            raise RegistryError(f"requesting bearer token from {realm}: the reply holds no token")
        return token, lifetime

    # --- connections ----------------------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        if self._ctx is None:
            from podpy.image.registry.tls import context

            self._ctx = context(self.host, verify=self.verify, cert_dir=self.opts.cert_dir)
        return self._ctx

    def _connect(self, scheme: str, netloc: str, *, own: bool) -> http.client.HTTPConnection:
        host, _, port = netloc.rpartition(":") if netloc.rfind(":") > netloc.rfind("]") else (netloc, "", "")
        number = int(port) if port else None
        if scheme == "https":
            ctx = self._context() if own else _default_context()
            return http.client.HTTPSConnection(host, number, timeout=_TIMEOUT, context=ctx)
        return http.client.HTTPConnection(host, number, timeout=_TIMEOUT)

    def _take(self) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection (True) or a new one (False)."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._connect(self.scheme, self.host, own=True), False

    def _give_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.append(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _send(self, method: str, path: str, headers: dict[str, str], *, stream: bool, body: Body = None
              ) -> http.client.HTTPResponse | Reply:
        """One request on this registry's scheme, switching to http once when https cannot work."""
        while True:
            try:
                return self._send_on(self.scheme, method, path, headers, stream=stream, body=body)
            except (ssl.SSLError, ConnectionResetError, http.client.BadStatusLine) as e:
                if self._scheme_known or isinstance(e, ssl.SSLCertVerificationError):
                    raise
                self.scheme = "http"
                self._scheme_known = True
                self.close()
            else:
                self._scheme_known = True

    def _send_on(self, scheme: str, method: str, path: str, headers: dict[str, str], *, stream: bool,
                 body: Body = None) -> http.client.HTTPResponse | Reply:
        conn, reused = self._take()
        with self._lock:
            self.requests += 1
        sent = {"User-Agent": USER_AGENT, **headers}
        try:
            conn.request(method, path, body=_body(body), headers=sent)
            resp = conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            if not reused:
                raise
            conn = self._connect(scheme, self.host, own=True)  # an idle connection the server had closed
            try:
                conn.request(method, path, body=_body(body), headers=sent)
                resp = conn.getresponse()
            except BaseException:
                conn.close()
                raise
        except BaseException:
            conn.close()
            raise
        if resp.status in (301, 302, 303, 307, 308) and method in ("GET", "HEAD"):
            location = resp.getheader("Location") or ""
            resp.read()
            self._give_back(conn)
            url = urllib.parse.urljoin(f"{scheme}://{self.host}{path}", location)
            return self._follow(method, url, headers, stream=stream)
        if stream and resp.status in (200, 206):
            resp._podpy_conn = conn  # type: ignore[attr-defined]
            return resp
        body = resp.read(JSON_LIMIT + 1) if method != "HEAD" else b""
        reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
        if len(body) > JSON_LIMIT or resp.will_close or not resp.isclosed():
            conn.close()
        else:
            self._give_back(conn)
        return reply

    def _follow(self, method: str, url: str, headers: dict[str, str], *, stream: bool
                ) -> http.client.HTTPResponse | Reply:
        """A redirect, typically to blob storage elsewhere: credentials stay behind when the host changes."""
        for _ in range(_MAX_REDIRECTS):
            parts = urllib.parse.urlsplit(url)
            same = parts.netloc == self.host
            sent = dict(headers) if same else {k: v for k, v in headers.items() if k.lower() != "authorization"}
            conn = self._connect(parts.scheme, parts.netloc, own=same)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            try:
                conn.request(method, target or "/", headers={"User-Agent": USER_AGENT, **sent})
                resp = conn.getresponse()
            except BaseException:
                conn.close()
                raise
            if resp.status in (301, 302, 303, 307, 308):
                url = urllib.parse.urljoin(url, resp.getheader("Location") or "")
                conn.close()
                continue
            if stream and resp.status in (200, 206):
                resp._podpy_conn = conn  # type: ignore[attr-defined]
                return resp
            body = resp.read(JSON_LIMIT + 1)
            conn.close()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
        raise RegistryError(f"{url}: too many redirects")

    def _fetch_url(self, method: str, url: str, headers: dict[str, str]) -> Reply:
        got = self._follow(method, url, headers, stream=False)
        assert isinstance(got, Reply)
        return got

    # --- requests with auth and retries -------------------------------------------------------------

    def _retrying(self, call: Any, what: str) -> Any:
        attempt = 0
        while True:
            try:
                result = call()
            except (OSError, http.client.HTTPException) as e:
                if not _retriable_error(e) or attempt >= self.opts.retries:
                    hint = None
                    if isinstance(e, ssl.SSLError):
                        hint = (f"if {self.registry} is meant to be reached without TLS, use --tls-verify=false "
                                "or mark it insecure in registries.conf")
                    raise RegistryError(f"{what}: {_describe(e)}", hint=hint) from e
                self._pause(attempt, f"{what}: {_describe(e)}", None)
                attempt += 1
                continue
            status = result.status
            if (status == 429 or status >= 500) and attempt < self.opts.retries:
                if isinstance(result, http.client.HTTPResponse):
                    result.close()
                    body = b""
                else:
                    body = result.body
                retry_after = _header(result, "retry-after")
                self._pause(attempt, f"{what}: {error_text(status, body)}", retry_after)
                attempt += 1
                continue
            return result

    def _pause(self, attempt: int, message: str, retry_after: str | None) -> None:
        delay = self.opts.retry_delay or float(1 << min(attempt, 5))
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), 60.0))
        if self.opts.on_retry is not None:
            self.opts.on_retry(f"Failed, retrying in {delay:g}s ... ({attempt + 1}/{self.opts.retries}). "
                               f"Error: {message}")
        time.sleep(delay)

    def request(self, method: str, path: str, *, repo: str = "", actions: str = "pull",
                headers: dict[str, str] | None = None, stream: bool = False,
                body: Body = None, extra_scope: str = "") -> http.client.HTTPResponse | Reply:
        """``method path`` with auth handled: on a 401 the challenge is learnt and the request sent again once.

        ``body`` is bytes or a callable giving a fresh iterable of chunks (called again for each resend).
        ``extra_scope`` joins the token's scope (a cross-repository mount also needs ``repository:FROM:pull``).
        """
        what = f'{method.capitalize()} "{self.scheme}://{self.host}{path}"'
        base = dict(headers or {})

        def attempt() -> http.client.HTTPResponse | Reply:
            sent = dict(base)
            auth = self._auth_header(repo, actions, fresh=False, extra_scope=extra_scope)
            if auth:
                sent["Authorization"] = auth
            result = self._send(method, path, sent, stream=stream, body=body)
            if result.status != 401:
                return result
            header = _header(result, "www-authenticate") or ""
            challenges = parse_challenges(header)
            chosen = next((c for c in challenges if c[0] == "bearer"), None) or next(
                (c for c in challenges if c[0] == "basic"), None)
            if chosen is None:
                return result
            self._challenge = chosen
            auth = self._auth_header(repo, actions, fresh=True, extra_scope=extra_scope)
            if auth is None:
                return result
            sent["Authorization"] = auth
            return self._send(method, path, sent, stream=stream, body=body)

        return self._retrying(attempt, what)  # type: ignore[no-any-return]

    def get_json(self, path: str, *, repo: str, accept: str = "", what: str) -> Reply:
        headers = {"Accept": accept} if accept else {}
        reply = self.request("GET", path, repo=repo, headers=headers)
        assert isinstance(reply, Reply)
        if reply.status == 200 and len(reply.body) > JSON_LIMIT:
            raise RegistryError(f"{what}: larger than {JSON_LIMIT} bytes")
        if reply.status != 200:
            raise status_error(reply.status, reply.body, what)
        return reply

    def ping(self) -> None:
        """GET /v2/: reachable, speaks the v2 API; a 401 is fine (credentials are checked by `login`)."""
        reply = self.request("GET", "/v2/")
        assert isinstance(reply, Reply)
        if reply.status not in (200, 401):
            raise status_error(reply.status, reply.body, f"pinging container registry {self.registry}")

    def check_login(self) -> None:
        """/v2/ with the credentials: AuthenticationError when they are refused."""
        reply = self.request("GET", "/v2/")
        assert isinstance(reply, Reply)
        if reply.status in (401, 403):
            raise AuthenticationError("invalid username/password")
        if reply.status != 200:
            raise status_error(reply.status, reply.body, f"pinging container registry {self.registry}")


def _body(body: Body) -> bytes | Iterable[bytes] | None:
    return body() if callable(body) else body


def status_error(status: int, body: bytes, what: str) -> RegistryError:
    text = error_text(status, body)
    if status in (401, 403):
        return AuthenticationError(f"{what}: {text}")
    return RegistryError(f"{what}: {text}")


def _header(result: http.client.HTTPResponse | Reply, name: str) -> str | None:
    if isinstance(result, Reply):
        return result.headers.get(name)
    return result.getheader(name)


_DEFAULT_CTX: ssl.SSLContext | None = None


def _default_context() -> ssl.SSLContext:
    global _DEFAULT_CTX
    if _DEFAULT_CTX is None:
        _DEFAULT_CTX = ssl.create_default_context()
    return _DEFAULT_CTX
