"""pull over TLS: a CA made here with openssl, a registry serving HTTPS on loopback, certs.d directories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.integration.test_pull import HOST, ok, run
from tests.support.images import busybox_layer
from tests.support.podpy import Podpy
from tests.support.registry import HAVE_REGISTRY, SKOPEO, Registry, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY or not shutil.which("openssl"),
                                             reason="needs docker-registry, skopeo and openssl")]


def _openssl(*args: str, cwd: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(where: str) -> dict[str, str]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
             "-subj", "/CN=podpy test CA", cwd=where)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
                      ("client", "extendedKeyUsage=clientAuth\n")):
        with open(os.path.join(where, f"{name}.ext"), "w") as f:
            f.write(ext)
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN=podpy test {name}", cwd=where)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=where)
    return {n: os.path.join(where, n) for n in ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


@pytest.fixture(scope="module")
def pki() -> Iterator[dict[str, str]]:
    where = tempfile.mkdtemp(prefix="podpy-pki-", dir="/var/tmp")
    try:
        yield make_pki(where)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def cert_dir(base: str, pki: dict[str, str], *, client: bool = False) -> str:
    """A certs.d-style directory: the CA as ca.crt, and with ``client`` the pair as client.cert/client.key."""
    os.makedirs(base, exist_ok=True)
    shutil.copy(pki["ca.crt"], os.path.join(base, "ca.crt"))
    if client:
        shutil.copy(pki["client.crt"], os.path.join(base, "client.cert"))
        shutil.copy(pki["client.key"], os.path.join(base, "client.key"))
    return base


def push(reg: Registry, layout: str, ref: str, certs: str) -> None:
    subprocess.run([SKOPEO, "copy", "-q", "--dest-cert-dir", certs, f"oci:{layout}:latest",
                    f"docker://{reg.host}/{ref}"], check=True, capture_output=True, timeout=120,
                   env=dict(os.environ, REGISTRY_AUTH_FILE=os.path.join(reg.dir, "no-auth.json")))


@pytest.fixture(scope="module")
def tls_registries(pki: dict[str, str]) -> Iterator[tuple[Registry, Registry, str]]:
    """One HTTPS registry, one that also wants a client certificate; both hold bb:latest."""
    plain = Registry(tls=(pki["server.crt"], pki["server.key"]))
    mutual = Registry(tls=(pki["server.crt"], pki["server.key"]), client_ca=pki["ca.crt"])
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    try:
        layout = os.path.join(work, "bb")
        digests = write_layout(layout, [(HOST, [busybox_layer()], {})])
        certs = cert_dir(os.path.join(work, "certs"), pki, client=True)
        push(plain, layout, "bb:latest", certs)
        push(mutual, layout, "bb:latest", certs)
        yield plain, mutual, digests["config0"][7:]
    finally:
        plain.stop()
        mutual.stop()
        shutil.rmtree(work, ignore_errors=True)


def one_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def test_pull_with_the_ca_in_cert_dir(podpy: Podpy, pki: dict[str, str], tls_registries: tuple[Registry, Registry, str],
                                      tmp_path: object) -> None:
    reg, _mutual, image_id = tls_registries
    certs = cert_dir(os.path.join(str(tmp_path), "certs"), pki)
    result = ok(podpy, "pull", "-q", "--cert-dir", certs, f"{reg.host}/bb")
    assert result.stdout.strip() == image_id
    assert ok(podpy, "run", "--rm", f"{reg.host}/bb", "echo", "tls").stdout == "tls\n"


def test_unknown_ca_is_a_clear_tls_error(podpy: Podpy, tls_registries: tuple[Registry, Registry, str]) -> None:
    reg = tls_registries[0]
    result = run(podpy, "pull", f"{reg.host}/bb")
    assert result.returncode == 125
    line = one_error(result.stderr)
    assert f"{reg.host}/bb" in line
    assert "tls: failed to verify certificate: unable to get local issuer certificate" in line, line
    assert "retrying" not in result.stderr
    assert ok(podpy, "images", "-q").stdout == ""


def test_tls_verify_false_accepts_any_certificate(podpy: Podpy,
                                                   tls_registries: tuple[Registry, Registry, str]) -> None:
    reg, _mutual, image_id = tls_registries
    assert ok(podpy, "pull", "-q", "--tls-verify=false", f"{reg.host}/bb").stdout.strip() == image_id


def test_client_certificate_is_presented(podpy: Podpy, pki: dict[str, str],
                                         tls_registries: tuple[Registry, Registry, str], tmp_path: object) -> None:
    _reg, mutual, image_id = tls_registries
    without = cert_dir(os.path.join(str(tmp_path), "ca-only"), pki)
    refused = run(podpy, "pull", "--cert-dir", without, f"{mutual.host}/bb")
    assert refused.returncode == 125
    line = one_error(refused.stderr)
    assert f"{mutual.host}/bb" in line and "tls: the registry refused the client certificate" in line, line
    assert "retrying" not in refused.stderr
    with_pair = cert_dir(os.path.join(str(tmp_path), "pair"), pki, client=True)
    assert ok(podpy, "pull", "-q", "--cert-dir", with_pair, f"{mutual.host}/bb").stdout.strip() == image_id


def test_certs_d_host_port_lookup(pki: dict[str, str], tls_registries: tuple[Registry, Registry, str],
                                  tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard lookup (/etc/containers/certs.d/HOST:PORT) against a stand-in for /etc."""
    import ssl
    import urllib.request

    from podpy.image.registry import tls

    _reg, mutual, _image_id = tls_registries
    base = os.path.join(str(tmp_path), "certs.d")
    cert_dir(os.path.join(base, mutual.host), pki, client=True)
    monkeypatch.setattr(tls, "SYSTEM_CERTS_D", (base,))
    monkeypatch.setenv("XDG_CONFIG_HOME", os.path.join(str(tmp_path), "xdg"))
    assert tls.certs_dirs(mutual.host)[-1] == os.path.join(base, mutual.host)
    ctx = tls.context(mutual.host, verify=True)
    with urllib.request.urlopen(f"https://{mutual.host}/v2/", context=ctx, timeout=10) as reply:
        assert reply.status == 200 and json.loads(reply.read()) == {}
    other = tls.context("127.0.0.1:1", verify=True)  # no directory for that host: the system CAs only
    with pytest.raises(urllib.error.URLError) as failed:
        urllib.request.urlopen(f"https://{mutual.host}/v2/", context=other, timeout=10)
    assert isinstance(failed.value.reason, ssl.SSLCertVerificationError)
    os.remove(os.path.join(base, mutual.host, "client.key"))
    from podpy.errors import ConfigError

    with pytest.raises(ConfigError, match="missing key client.key"):
        tls.context(mutual.host, verify=True)


def test_plain_http_hint_is_dropped_when_the_registry_speaks_tls(podpy: Podpy, tls_registries: tuple[Registry,
                                                                 Registry, str], tmp_path: object) -> None:
    """An insecure registry once found on plain http is asked over http first; a TLS server's 400 undoes that."""
    reg, _mutual, image_id = tls_registries
    hints = os.path.join(podpy.runroot, "registries-over-http")
    os.makedirs(podpy.runroot, exist_ok=True)
    with open(hints, "w") as f:
        f.write(f"{reg.host}\n")
    assert ok(podpy, "pull", "-q", "--tls-verify=false", f"{reg.host}/bb").stdout.strip() == image_id
    with open(hints) as f:
        assert reg.host not in f.read().split()
