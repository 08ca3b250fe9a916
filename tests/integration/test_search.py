"""podpy search against a loopback v2 registry: the catalog filtered by the term, and tags."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from tests.support.images import _arch, busybox_layer
from tests.support.podpy import Podpy, Result, podpy_env
from tests.support.registry import HAVE_REGISTRY, Registry, write_layout

pytestmark = pytest.mark.skipif(not HAVE_REGISTRY, reason="needs docker-registry and skopeo")


@pytest.fixture(scope="module")
def registry() -> Iterator[Registry]:
    reg = Registry()
    work = tempfile.mkdtemp(prefix="podpy-search-", dir="/var/tmp")
    try:
        layout = os.path.join(work, "layout")
        write_layout(layout, [({"architecture": _arch(), "os": "linux"}, [busybox_layer()], {})])
        for ref in ("alpha/app:v1", "alpha/app:v2", "alpha/app:v3", "beta:latest", "alphabet:latest"):
            reg.push_layout(layout, ref)
        yield reg
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(podpy: Podpy, *args: str) -> Result:
    proc = subprocess.run([*podpy.argv, *args], capture_output=True, text=True, timeout=60, env=podpy_env())
    return Result(proc.returncode, proc.stdout, proc.stderr)


def ok(podpy: Podpy, *args: str) -> str:
    result = run(podpy, "search", "--tls-verify=false", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_search_catalog(podpy: Podpy, registry: Registry) -> None:
    host = registry.host
    lines = ok(podpy, f"{host}/").splitlines()
    assert lines[0].split() == ["NAME", "DESCRIPTION"]
    assert [line.strip() for line in lines[1:]] == [f"{host}/alpha/app", f"{host}/alphabet", f"{host}/beta"]
    assert [line.strip() for line in ok(podpy, f"{host}/alpha").splitlines()[1:]] == [
        f"{host}/alpha/app", f"{host}/alphabet"]
    assert len(ok(podpy, "--limit", "1", f"{host}/").splitlines()) == 2
    assert ok(podpy, f"{host}/nothing") == ""
    assert json.loads(ok(podpy, "--format", "json", f"{host}/beta")) == [
        {"Index": host, "Name": f"{host}/beta", "Description": "", "Stars": 0, "Official": "", "Automated": "",
         "Tag": ""}]
    assert ok(podpy, "--format", "{{.Name}} {{.Index}} {{.Stars}}", f"{host}/beta") == f"{host}/beta {host} 0\n"
    assert ok(podpy, "--filter", "is-official", f"{host}/") == ""
    assert ok(podpy, "--filter", "stars=1", f"{host}/") == ""


def test_search_list_tags(podpy: Podpy, registry: Registry) -> None:
    host = registry.host
    lines = ok(podpy, "--list-tags", f"{host}/alpha/app").splitlines()
    assert lines[0].split() == ["NAME", "TAG"]
    assert [line.split() for line in lines[1:]] == [[f"{host}/alpha/app", t] for t in ("v1", "v2", "v3")]
    assert len(ok(podpy, "--list-tags", "--limit", "2", f"{host}/alpha/app").splitlines()) == 3
    assert json.loads(ok(podpy, "--list-tags", "--format", "json", f"{host}/alpha/app")) == [
        {"Name": f"{host}/alpha/app", "Tags": ["v1", "v2", "v3"]}]


def test_search_errors(podpy: Podpy, registry: Registry) -> None:
    host = registry.host
    for args in (["--list-tags", f"{host}/nothing"], ["--list-tags", f"{host}/"], ["--filter", "bogus=1", f"{host}/"]):
        result = run(podpy, "search", "--tls-verify=false", *args)
        assert result.returncode == 125
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    refused = run(podpy, "search", f"{host}/")  # TLS verification against a plain-HTTP registry
    assert refused.returncode == 125 and "HTTP response to HTTPS client" in refused.stderr


def test_search_uses_the_unqualified_search_registries(podpy: Podpy, registry: Registry, tmp_path: object) -> None:
    host = registry.host
    conf = os.path.join(str(tmp_path), "registries.conf")
    with open(conf, "w") as f:
        f.write(f'unqualified-search-registries = ["{host}"]\n[[registry]]\nlocation = "{host}"\ninsecure = true\n')
    env = dict(podpy_env(), CONTAINERS_REGISTRIES_CONF=conf)
    proc = subprocess.run([*podpy.argv, "search", "--format", "{{.Name}}", "alpha"], capture_output=True, text=True,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [f"{host}/alpha/app", f"{host}/alphabet"]
    proc = subprocess.run([*podpy.argv, "search", "--list-tags", "--format", "json", "alpha/app"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"Name": f"{host}/alpha/app", "Tags": ["v1", "v2", "v3"]}]
