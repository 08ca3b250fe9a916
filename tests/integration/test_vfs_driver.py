"""The vfs storage driver: stacked layer copies, containers on a copy of their image, diff/commit/save/rm."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


class VfsPodpy(Podpy):
    @property
    def argv(self) -> list[str]:
        return [*super().argv, "--storage-driver", "vfs"]


@pytest.fixture
def vfs(busybox_layout: str) -> Iterator[VfsPodpy]:
    base = tempfile.mkdtemp(prefix="podpy-test-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    instance = VfsPodpy(base)
    try:
        instance("load", "-i", busybox_layout)
        yield instance
    finally:
        instance.cleanup()


def _mounts_under(path: str) -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if line.split()[4].startswith(path)]


def test_info_and_layout(vfs: VfsPodpy) -> None:
    assert vfs("info", "--format", "{{.Store.GraphDriverName}}").stdout.strip() == "vfs"
    assert os.path.isdir(os.path.join(vfs.root, "vfs")) and not os.path.exists(os.path.join(vfs.root, "overlay"))
    # the other driver cannot read this store
    other = Podpy(os.path.dirname(vfs.root))
    bad = other("images", check=False)
    assert bad.returncode == 125 and "does not match our storage graph driver" in bad.stderr


def test_run_diff_commit_save_rm(vfs: VfsPodpy) -> None:
    vfs("run", "--name", "c1", "busybox", "sh", "-c", "echo hi > /hello; rm /bin/true; mkdir /d; echo x > /d/f")
    cid = vfs("inspect", "--format", "{{.Id}}", "c1").stdout.strip()
    # the container's root is a plain copy: nothing of it is mounted
    assert not _mounts_under(os.path.join(vfs.root, "vfs", cid))
    changes = vfs("diff", "c1").stdout.splitlines()
    assert {"A /hello", "D /bin/true", "C /bin", "A /d", "A /d/f"} <= set(changes)
    vfs("commit", "-q", "c1", "localhost/child")
    out = vfs("run", "--rm", "localhost/child", "sh", "-c", "cat /hello /d/f; test -e /bin/true || echo gone")
    assert out.stdout == "hi\nx\ngone\n"
    image_changes = vfs("image", "diff", "localhost/child").stdout.splitlines()
    assert {"A /hello", "D /bin/true"} <= set(image_changes)
    # the layer's own tar-split record gives save its original bytes; an overlay store loads and runs it
    archive = os.path.join(os.path.dirname(vfs.root), "child.tar")
    vfs("save", "-o", archive, "localhost/child")
    plain = Podpy(tempfile.mkdtemp(prefix="podpy-test-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp")))
    try:
        plain("load", "-i", archive)
        out = plain("run", "--rm", "localhost/child", "sh", "-c", "cat /hello; test -e /bin/true || echo gone")
        assert out.stdout == "hi\ngone\n"
    finally:
        plain.cleanup()
    vfs("rm", "c1")
    assert not os.path.exists(os.path.join(vfs.root, "vfs", cid))
    vfs("rmi", "localhost/child")
    layers = [e for e in os.listdir(os.path.join(vfs.root, "vfs")) if e != "l"]
    assert len(layers) == 1  # busybox's


def test_stacked_layers_and_image_mount(vfs: VfsPodpy) -> None:
    vfs("run", "--name", "c1", "busybox", "sh", "-c", "echo one > /one")
    vfs("commit", "-q", "c1", "localhost/one")
    vfs("rm", "c1")
    vfs("run", "--name", "c2", "localhost/one", "sh", "-c", "rm /one; echo two > /two")
    vfs("commit", "-q", "c2", "localhost/two")
    vfs("rm", "c2")
    out = vfs("run", "--rm", "localhost/two", "sh", "-c", "ls /one 2>/dev/null; cat /two; cat /bin/busybox | wc -c")
    assert out.stdout.split()[0] == "two" and int(out.stdout.split()[1]) > 100000
    path = vfs("image", "mount", "localhost/two").stdout.strip()
    assert os.path.exists(os.path.join(path, "two")) and not os.path.exists(os.path.join(path, "one"))
    with pytest.raises(OSError):
        open(os.path.join(path, "new"), "w").close()
    assert vfs("image", "mount").stdout.split()[0] == "localhost/two:latest"
    vfs("image", "unmount", "localhost/two")
    assert not _mounts_under(path)
    # a stacked layer's unchanged files are its parent's: removing the child leaves the parent whole
    vfs("rmi", "localhost/two")
    out = vfs("run", "--rm", "localhost/one", "cat", "/one")
    assert out.stdout == "one\n"
