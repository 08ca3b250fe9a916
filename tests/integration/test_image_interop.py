"""Issue 3's interoperability list: 128 layers, whiteouts and opaque directories, skopeo reading our archives."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile

import pytest
from tests.conftest import needs_root
from tests.support.images import busybox_layer, write_oci_layout
from tests.support.podpy import Podpy

pytestmark = needs_root


def _layer(files: dict[str, bytes | None], dirs: tuple[str, ...] = ()) -> bytes:
    """A layer tar: None content means a whiteout entry for that path."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in dirs:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        for name, data in files.items():
            if data is None:
                head, tail = os.path.split(name)
                info = tarfile.TarInfo(os.path.join(head, f".wh.{tail}"))
                data = b""
            else:
                info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_an_image_of_128_layers_runs(podpy: Podpy, tmp_path: object) -> None:
    layers = [busybox_layer()] + [_layer({f"layers/l{i:03d}": f"{i}\n".encode()}, ("layers",))
                                  for i in range(127)]
    layout = os.path.join(str(tmp_path), "deep")
    write_oci_layout(layout, "localhost/deep:latest", layers, {"Cmd": ["sh"]})
    podpy("load", "-i", layout)
    out = podpy("run", "--rm", "localhost/deep", "sh", "-c", "ls /layers | wc -l; cat /layers/l126").stdout
    assert out.split() == ["127", "126"]


def test_whiteouts_and_opaque_directories(podpy: Podpy, tmp_path: object) -> None:
    base = _layer({"data/keep": b"keep\n", "data/gone": b"gone\n", "tree/old/a": b"a\n", "tree/old/b": b"b\n"},
                  ("data", "tree", "tree/old"))
    upper = _layer({"data/gone": None, "tree/old/.wh..wh..opq": b"", "tree/old/new": b"new\n"})
    layout = os.path.join(str(tmp_path), "wh")
    write_oci_layout(layout, "localhost/wh:latest", [busybox_layer(), base, upper], {"Cmd": ["sh"]})
    podpy("load", "-i", layout)
    out = podpy("run", "--rm", "localhost/wh", "sh", "-c", "ls /data; echo --; ls /tree/old").stdout
    assert out.split() == ["keep", "--", "new"]


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo is not installed")
def test_skopeo_reads_our_archives(podpy_bb: Podpy, tmp_path: object) -> None:
    archive = os.path.join(str(tmp_path), "bb.tar")
    podpy_bb("save", "--format", "oci-archive", "-o", archive, "localhost/busybox")
    proc = subprocess.run(["skopeo", "inspect", f"oci-archive:{archive}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["Architecture"]
    docker = os.path.join(str(tmp_path), "bb-docker.tar")
    podpy_bb("save", "--format", "docker-archive", "-o", docker, "localhost/busybox")
    proc = subprocess.run(["skopeo", "inspect", f"docker-archive:{docker}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
