"""image mount / unmount (read-only, reference-counted) and image tree."""

from __future__ import annotations

import io
import json
import os
import tarfile

from tests.conftest import needs_root
from tests.support.images import busybox_layer, write_oci_layout
from tests.support.podpy import Podpy

pytestmark = needs_root


def _is_mount(path: str) -> bool:
    return os.path.ismount(path)


def _two_images(podpy: Podpy) -> str:
    """busybox and a child image with one more layer (/child.txt) on it; the child's ID."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("child.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"child\n"))
    layout = os.path.join(os.path.dirname(podpy.root), "child-layout")
    write_oci_layout(layout, "localhost/child:latest", [busybox_layer(), buf.getvalue()], {"Cmd": ["sh"]})
    podpy("load", "-i", layout)
    return podpy("image", "inspect", "--format", "{{.Id}}", "localhost/child").stdout.strip()


def test_mount_is_read_only_and_reference_counted(podpy_bb: Podpy) -> None:
    _two_images(podpy_bb)
    path = podpy_bb("image", "mount", "localhost/child").stdout.strip()
    assert path.endswith("/merged") and _is_mount(path)
    with open(os.path.join(path, "child.txt")) as f:
        assert f.read() == "child\n"
    assert os.path.exists(os.path.join(path, "bin", "busybox"))
    try:
        open(os.path.join(path, "new"), "w").close()
        raise AssertionError("the image mount is writable")
    except OSError:
        pass
    assert podpy_bb("image", "mount", "localhost/child").stdout.strip() == path
    child_id = podpy_bb("image", "inspect", "--format", "{{.Id}}", "localhost/child").stdout.strip()
    # two references: the first unmount keeps it mounted
    assert podpy_bb("image", "unmount", "localhost/child").stdout.strip() == child_id
    assert _is_mount(path)
    listing = podpy_bb("image", "mount").stdout
    assert listing == f"localhost/child:latest  {path}\n"
    assert podpy_bb("image", "unmount", "localhost/child").stdout.strip() == child_id
    assert not _is_mount(path)
    # not mounted any more: nothing printed, success
    assert podpy_bb("image", "unmount", "localhost/child").stdout == ""
    assert podpy_bb("image", "mount").stdout == ""


def test_single_layer_image_mount_all_json_and_unmount_all(podpy_bb: Podpy) -> None:
    _two_images(podpy_bb)
    path = podpy_bb("image", "mount", "busybox").stdout.strip()
    assert os.path.exists(os.path.join(path, "bin", "busybox"))
    out = podpy_bb("image", "mount", "-a").stdout.splitlines()
    assert len(out) == 2 and {line.split()[0] for line in out} == {"localhost/busybox:latest", "localhost/child:latest"}
    data = json.loads(podpy_bb("image", "mount", "--format", "json").stdout)
    assert sorted(d["Repositories"][0] for d in data) == ["localhost/busybox:latest", "localhost/child:latest"]
    assert set(data[0]) == {"id", "Names", "Repositories", "mountpoint"}
    assert all(_is_mount(d["mountpoint"]) for d in data)
    ids = podpy_bb("image", "unmount", "-a").stdout.split()
    assert len(ids) == 2 and all(len(i) == 64 for i in ids)
    assert not any(_is_mount(d["mountpoint"]) for d in data)
    assert podpy_bb("image", "mount").stdout == ""


def test_mount_unknown_image_and_rmi_of_mounted_image(podpy_bb: Podpy) -> None:
    bad = podpy_bb("image", "mount", "nosuch", check=False)
    assert bad.returncode == 125 and "nosuch: image not known" in bad.stderr
    bad = podpy_bb("image", "unmount", "nosuch", check=False)
    assert bad.returncode == 125 and "nosuch: image not known" in bad.stderr
    _two_images(podpy_bb)
    path = podpy_bb("image", "mount", "localhost/child").stdout.strip()
    podpy_bb("rmi", "localhost/child")
    assert not _is_mount(path) and not os.path.exists(path)


def test_tree_and_whatrequires(podpy_bb: Podpy) -> None:
    child = _two_images(podpy_bb)
    out = podpy_bb("image", "tree", "localhost/child").stdout.splitlines()
    assert out[0] == f"Image ID: {child[:12]}"
    assert out[1] == "Tags:     [localhost/child:latest]"
    assert out[2].startswith("Size:     ") and out[3] == "Image Layers"
    assert out[4].startswith("├── ID: ") and out[4].endswith(" Top Layer of: [localhost/busybox:latest]")
    assert out[5].startswith("└── ID: ") and out[5].endswith(" Top Layer of: [localhost/child:latest]")
    assert out[6:] == [""]  # Podman ends the tree with an empty line
    out = podpy_bb("image", "tree", "--whatrequires", "busybox").stdout.splitlines()
    assert out[1] == "Tags:     [localhost/busybox:latest]"
    assert [line[:4] for line in out[4:]] == ["├── ", "└── ", ""]
    assert out[5].endswith("Top Layer of: [localhost/child:latest]")
    out = podpy_bb("image", "tree", "--whatrequires", "localhost/child").stdout.splitlines()
    assert len(out) == 6 and out[4].startswith("└── ")
    bad = podpy_bb("image", "tree", "nosuch", check=False)
    assert bad.returncode == 125
