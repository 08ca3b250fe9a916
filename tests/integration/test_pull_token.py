"""pull from a token-protected registry: a proxy on loopback that wants Bearer tokens from its own /token endpoint."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.conftest import needs_root
from tests.integration.test_pull import HOST, file_layer, ok, run
from tests.support.images import busybox_layer
from tests.support.podpy import Podpy
from tests.support.registry import HAVE_REGISTRY, CountingProxy, Registry, write_layout

pytestmark = [needs_root, pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")]

USER, PASSWORD = "tokenuser", "token-pw"


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[Registry, dict[str, str]]]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-layouts-", dir="/var/tmp")
    ids = {}
    try:
        for repo, layers in (("team/app", [busybox_layer(), file_layer("a.txt", b"a\n"), file_layer("b.txt", b"b\n")]),
                             ("team/tool", [busybox_layer(), file_layer("t.txt", b"t\n")])):
            layout = os.path.join(work, repo.replace("/", "_"))
            ids[repo] = write_layout(layout, [(HOST, layers, {})])["config0"][7:]
            reg.push_layout(layout, f"{repo}:latest")
        yield reg, ids
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def guarded(upstream: tuple[Registry, dict[str, str]]) -> Iterator[CountingProxy]:
    proxy = CountingProxy(upstream[0].host, token_auth=True, basic_user=USER, basic_password=PASSWORD)
    try:
        yield proxy
    finally:
        proxy.stop()


def scopes(proxy: CountingProxy) -> list[str]:
    return [" ".join(parse_qs(urlsplit(p).query).get("scope", [])) for p in proxy.token_requests]


def test_login_then_pull_with_one_token_per_scope(podpy: Podpy, upstream: tuple[Registry, dict[str, str]],
                                                  guarded: CountingProxy) -> None:
    _reg, ids = upstream
    host = guarded.host
    anonymous = run(podpy, "pull", "--tls-verify=false", "--retry=0", f"{host}/team/app")
    assert anonymous.returncode == 125 and "requesting bearer token" in anonymous.stderr
    assert ok(podpy, "login", "--tls-verify=false", "-u", USER, "-p", PASSWORD, host).stdout == "Login Succeeded!\n"
    guarded.reset()
    result = ok(podpy, "pull", "-q", "--tls-verify=false", f"{host}/team/app", f"{host}/team/tool")
    assert result.stdout.split() == [ids["team/app"], ids["team/tool"]]
    assert scopes(guarded) == ["repository:team/app:pull", "repository:team/tool:pull"]
    blob_gets = guarded.blob_gets()
    assert len(blob_gets) == 3 + 1 + 2  # app: 3 layers and its config; tool: its own layer and config
    refused = [p for m, p, s in guarded.requests if s == 401]
    assert len(refused) <= 2, refused  # at most the first request of each repository, before its token
    assert ok(podpy, "run", "--rm", f"{host}/team/app", "cat", "/a.txt", "/b.txt").stdout == "a\nb\n"


def test_expired_token_is_refreshed_on_401(podpy: Podpy, upstream: tuple[Registry, dict[str, str]]) -> None:
    _reg, ids = upstream
    proxy = CountingProxy(upstream[0].host, token_auth=True, basic_user=USER, basic_password=PASSWORD,
                          token_uses=2)
    try:
        result = ok(podpy, "pull", "-q", "--tls-verify=false", "--creds", f"{USER}:{PASSWORD}",
                    f"{proxy.host}/team/app")
        assert result.stdout.strip() == ids["team/app"]
        assert len(proxy.token_requests) >= 2  # a token is good for two requests: the pull needed fresh ones
        assert set(scopes(proxy)) == {"repository:team/app:pull"}
        assert "retrying" not in result.stderr
    finally:
        proxy.stop()


def test_wrong_password_is_one_clear_error(podpy: Podpy, guarded: CountingProxy) -> None:
    name = f"{guarded.host}/team/app:latest"
    result = run(podpy, "pull", "--tls-verify=false", "--creds", f"{USER}:wrong", name)
    assert result.returncode == 125
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and name in errors[0] and "requesting bearer token" in errors[0], result.stderr
    assert len(guarded.token_requests) == 1  # refused credentials are not retried
