"""login/logout and authenticated pulls: htpasswd basic auth on docker-registry, and the bearer-token flow
through a token-issuing proxy in front of it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.integration.test_pull import HOST, ok, run
from tests.support.images import busybox_layer
from tests.support.podpy import Podpy
from tests.support.registry import HAVE_REGISTRY, CountingProxy, Registry, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

USER, PASSWORD = "tester", "s3cret"


@pytest.fixture(scope="module")
def secured() -> Iterator[tuple[Registry, str]]:
    reg = Registry(users={USER: PASSWORD})
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    try:
        layout = os.path.join(work, "bb")
        digests = write_layout(layout, [(HOST, [busybox_layer()], {})])
        reg.push_layout(layout, "private/bb:latest")
        yield reg, digests["config0"][7:]
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def _authfile(podpy: Podpy) -> str:
    return os.path.join(os.path.dirname(podpy.root), "auth.json")


def test_login_logout_and_pull_with_stored_credentials(podpy: Podpy, secured: tuple[Registry, str]) -> None:
    reg, image_id = secured
    host = reg.host
    denied = run(podpy, "pull", "--tls-verify=false", f"{host}/private/bb")
    assert denied.returncode == 125
    assert "unauthorized: authentication required" in denied.stderr
    wrong = run(podpy, "login", "--tls-verify=false", "-u", USER, "-p", "nope", host)
    assert wrong.returncode == 125
    assert wrong.stderr == f'Error: logging into "{host}": invalid username/password\n'
    assert not os.path.exists(_authfile(podpy))
    assert ok(podpy, "login", "--tls-verify=false", "-u", USER, "-p", PASSWORD, host).stdout == "Login Succeeded!\n"
    authfile = _authfile(podpy)
    assert stat.S_IMODE(os.stat(authfile).st_mode) == 0o600
    with open(authfile) as f:
        assert host in json.load(f)["auths"]
    assert ok(podpy, "login", "--get-login", host).stdout == f"{USER}\n"
    again = ok(podpy, "login", "--tls-verify=false", host)
    assert "Existing credentials are valid. Already logged in to" in again.stdout
    assert ok(podpy, "pull", "-q", "--tls-verify=false", f"{host}/private/bb").stdout.strip() == image_id
    assert ok(podpy, "logout", host).stdout == f"Removed login credentials for {host}\n"
    gone = run(podpy, "logout", host)
    assert gone.returncode == 125 and gone.stderr == f"Error: not logged into {host}\n"
    assert run(podpy, "login", "--get-login", host).returncode == 125


def test_password_stdin_authfile_flag_and_logout_all(podpy: Podpy, secured: tuple[Registry, str],
                                                     tmp_path: object) -> None:
    reg, _image_id = secured
    authfile = os.path.join(str(tmp_path), "sub", "my-auth.json")
    result = run(podpy, "login", "--tls-verify=false", "--authfile", authfile, "-u", USER, "--password-stdin",
                 reg.host, input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert not os.path.exists(_authfile(podpy))
    with open(authfile) as f:
        assert list(json.load(f)["auths"]) == [reg.host]
    need_user = run(podpy, "login", "--password-stdin", reg.host, input="x\n")
    assert need_user.returncode == 125 and "Must provide --username with --password-stdin" in need_user.stderr
    assert ok(podpy, "logout", "--authfile", authfile, "-a").stdout == "Removed login credentials for all registries\n"
    with open(authfile) as f:
        assert json.load(f)["auths"] == {}


def test_pull_with_creds(podpy: Podpy, secured: tuple[Registry, str]) -> None:
    reg, image_id = secured
    result = ok(podpy, "pull", "-q", "--tls-verify=false", "--creds", f"{USER}:{PASSWORD}", f"{reg.host}/private/bb")
    assert result.stdout.strip() == image_id
    bad = run(podpy, "pull", "-q", "--tls-verify=false", "--creds", f"{USER}:bad", f"{reg.host}/private/bb")
    assert bad.returncode == 125 and "unauthorized" in bad.stderr


def test_bearer_token_flow_with_token_reuse(podpy: Podpy, secured: tuple[Registry, str]) -> None:
    reg, image_id = secured
    # the proxy asks for tokens and forwards with the registry's own basic credentials
    proxy = CountingProxy(reg.host, token_auth=True, basic_user="alice", basic_password="pw",
                          upstream_auth=(USER, PASSWORD))
    try:
        anonymous = run(podpy, "pull", "--tls-verify=false", f"{proxy.host}/private/bb")
        assert anonymous.returncode == 125
        assert "unauthorized" in anonymous.stderr
        wrong = run(podpy, "pull", "--tls-verify=false", "--creds", "alice:wrong", f"{proxy.host}/private/bb")
        assert wrong.returncode == 125
        assert "requesting bearer token" in wrong.stderr
        proxy.reset()
        result = ok(podpy, "pull", "-q", "--tls-verify=false", "--creds", "alice:pw", f"{proxy.host}/private/bb")
        assert result.stdout.strip() == image_id
        assert len(proxy.token_requests) == 1  # one token for the repository, reused for manifest and blobs
        assert "scope=repository%3Aprivate%2Fbb%3Apull" in proxy.token_requests[0]
        assert ok(podpy, "login", "--tls-verify=false", "-u", "alice", "-p", "pw", proxy.host).stdout == \
            "Login Succeeded!\n"
        assert run(podpy, "login", "--tls-verify=false", "-u", "alice", "-p", "no", proxy.host).returncode == 125
    finally:
        proxy.stop()
