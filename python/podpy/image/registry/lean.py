"""One small GET without http.client: the manifest request that starts every pull.

A re-pull of an image the store holds needs nothing but this request, and loading
http.client (and the email package under it) costs more than the request itself. The
request is sent as RegistryClient would send its first one (no credentials before a
challenge; https first, http only when verification is off). Anything this reader does
not handle — redirects, chunked bodies, broken connections — returns None, and the full
client takes over and reports.

An insecure registry found to speak plain http is remembered in the run root (a list of
hosts), so that the next pull asks it over http straight away instead of failing a TLS
handshake first; no answer, or a 400 (what a TLS server says to plain http), forgets it.
"""

from __future__ import annotations

import os

from podpy.util.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import _socket
    import socket

    Sock = socket.socket | _socket.socket

LIMIT = 4 << 20
_TIMEOUT = 30.0
_HTTP_HOSTS = "registries-over-http"


@record
class LeanReply:
    scheme: str  # the scheme that answered
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def get(host: str, path: str, headers: dict[str, str], *, verify: bool, cert_dir: str = "",
        schemes: tuple[str, ...] = ()) -> LeanReply | None:
    """``GET path`` on ``host`` (``name[:port]``); None when the full client should do it."""
    name, port = _split(host)
    for scheme in schemes or (("https",) if verify else ("https", "http")):
        try:
            sock = _tls(host, name, port or 443, verify, cert_dir) if scheme == "https" else _plain(name, port or 80)
        except _NotTls:
            if verify:
                return None
            continue  # an insecure registry that speaks plain http
        except OSError:
            return None
        try:
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close",
                     *(f"{k}: {v}" for k, v in headers.items())]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            return _read(sock, scheme)
        except OSError:
            return None
        finally:
            sock.close()
    return None


class _NotTls(Exception):
    pass


def _tls(host: str, name: str, port: int, verify: bool, cert_dir: str) -> Sock:
    import socket
    import ssl

    from podpy.image.registry.tls import context

    raw = socket.create_connection((name, port), _TIMEOUT)
    try:
        return context(host, verify=verify, cert_dir=cert_dir).wrap_socket(raw, server_hostname=name)
    except (ssl.SSLError, ConnectionResetError) as e:
        raw.close()
        raise _NotTls from e
    except BaseException:
        raw.close()
        raise


def _plain(name: str, port: int) -> Sock:
    """A connected socket of the C module's own (the socket module costs a few ms to import)."""
    import _socket

    failure: OSError = OSError(f"{name}: no address")
    for family, kind, proto, _canon, address in _socket.getaddrinfo(name, port, 0, _socket.SOCK_STREAM):
        sock = _socket.socket(family, kind, proto)
        sock.settimeout(_TIMEOUT)
        try:
            sock.connect(address)
            return sock
        except OSError as e:
            sock.close()
            failure = e
    raise failure


def speaks_http(run_root: str, host: str) -> bool:
    try:
        with open(os.path.join(run_root, _HTTP_HOSTS)) as f:
            return host in f.read().split()
    except OSError:
        return False


def remember_http(run_root: str, host: str, on: bool) -> None:
    """Add ``host`` to (or drop it from) the run root's list of plain-http registries."""
    path = os.path.join(run_root, _HTTP_HOSTS)
    try:
        with open(path) as f:
            hosts = f.read().split()
    except OSError:
        hosts = []
    if (host in hosts) == on:
        return
    hosts = [*hosts, host] if on else [h for h in hosts if h != host]
    tmp = f"{path}.{os.getpid()}"
    try:
        with open(tmp, "w") as f:
            f.write("".join(h + "\n" for h in hosts))
        os.replace(tmp, path)
    except OSError:
        pass  # a hint only


def _split(host: str) -> tuple[str, int | None]:
    if host.rfind(":") > host.rfind("]"):
        name, _, port = host.rpartition(":")
        return name.strip("[]"), int(port) if port.isdigit() else None
    return host.strip("[]"), None


def _read(sock: Sock, scheme: str) -> LeanReply | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    length = headers.get("content-length", "")
    if "transfer-encoding" in headers or not length.isdigit() or int(length) > LIMIT:
        return None
    size = int(length)
    chunks = [body]
    got = len(body)
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return LeanReply(scheme, int(parts[1]), headers, b"".join(chunks)[:size])
