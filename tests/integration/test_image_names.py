"""tag, untag, rmi, image exists: names and reference-counted layers."""

from __future__ import annotations

import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _layer_dirs(podpy: Podpy) -> list[str]:
    overlay = os.path.join(podpy.root, "overlay")
    return sorted(d for d in os.listdir(overlay) if d != "l")


def test_tag_untag_and_rmi_of_a_name(podpy_bb: Podpy) -> None:
    podpy_bb("tag", "busybox", "mybox", "quay.io/me/box:1")
    names = podpy_bb("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    assert sorted(names) == ["localhost/busybox:latest", "localhost/mybox:latest", "quay.io/me/box:1"]
    assert podpy_bb("image", "exists", "mybox").returncode == 0
    podpy_bb("untag", "busybox", "quay.io/me/box:1")
    assert podpy_bb("image", "exists", "quay.io/me/box:1", check=False).returncode == 1
    out = podpy_bb("rmi", "mybox").stdout
    assert out == "Untagged: localhost/mybox:latest\n"
    assert podpy_bb("images", "-q").stdout.strip() != ""
    podpy_bb("run", "--rm", "busybox", "true")


def test_rmi_deletes_image_and_layers_and_respects_users(podpy_bb: Podpy) -> None:
    layers = _layer_dirs(podpy_bb)
    assert len(layers) == 1
    podpy_bb("create", "--name", "user", "busybox", "true")
    busy = podpy_bb("rmi", "busybox", check=False)
    assert busy.returncode == 2 and busy.stderr.startswith("Error: image used by ")
    missing = podpy_bb("rmi", "nothere", check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ")
    assert podpy_bb("rmi", "-i", "nothere").returncode == 0
    image_id = podpy_bb("images", "-q", "--no-trunc").stdout.strip()
    forced = podpy_bb("rmi", "-f", "busybox").stdout.splitlines()
    assert forced == ["Untagged: localhost/busybox:latest", f"Deleted: {image_id}"]
    assert podpy_bb("ps", "-a", "-q").stdout == "" and podpy_bb("images", "-q").stdout == ""
    assert [d for d in _layer_dirs(podpy_bb) if d in layers] == []
    assert os.listdir(os.path.join(podpy_bb.root, "overlay", "l")) == []


def test_shared_layers_survive_until_the_last_image(podpy_bb: Podpy, busybox_layout: str) -> None:
    import shutil
    import tempfile

    # a second image on top of the same base layer
    from tests.support.images import busybox_layer, write_oci_layout

    base = tempfile.mkdtemp(dir="/var/tmp")
    try:
        import io
        import tarfile

        extra = io.BytesIO()
        with tarfile.open(fileobj=extra, mode="w") as tar:
            info = tarfile.TarInfo("etc/extra")
            info.size = 2
            tar.addfile(info, io.BytesIO(b"x\n"))
        write_oci_layout(os.path.join(base, "two"), "localhost/two:latest", [busybox_layer(), extra.getvalue()],
                         {"Cmd": ["sh"]})
        podpy_bb("load", "-i", os.path.join(base, "two"))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert len(_layer_dirs(podpy_bb)) == 2
    podpy_bb("rmi", "busybox")
    assert len(_layer_dirs(podpy_bb)) == 2  # the base layer is still two's
    assert podpy_bb("run", "--rm", "two", "cat", "/etc/extra").stdout == "x\n"
    podpy_bb("rmi", "two")
    assert _layer_dirs(podpy_bb) == []


def test_history(podpy: Podpy) -> None:
    podpy("run", "--rm", "hello")
    lines = podpy("history", "hello").stdout.splitlines()
    assert lines[0].split()[:4] == ["ID", "CREATED", "CREATED", "BY"]
    assert "podpy build: COPY hello /hello" in lines[1] and len(lines) == 2
    image_id = podpy("images", "-q", "--no-trunc").stdout.strip()
    assert podpy("history", "-q", "--no-trunc", "hello").stdout.strip() == image_id
    sized = podpy("history", "--format", "{{.Size}}", "-H", "false", "hello").stdout.strip()
    assert int(sized) > 8000
    missing = podpy("history", "nothere", check=False)
    assert missing.returncode == 125 and missing.stderr.startswith("Error: ")


def test_images_filters_and_sort(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "hello")
    podpy_bb("tag", "busybox", "zeta")

    def names(*args: str) -> list[str]:
        return podpy_bb("images", *args, "--format", "{{.Repository}}:{{.Tag}}").stdout.split()

    assert names("--filter", "reference=hello") == ["localhost/hello:latest"]
    # the filter selects images; every name of a selected image is listed
    assert sorted(names("--filter", "reference=*box*")) == ["localhost/busybox:latest", "localhost/zeta:latest"]
    assert names("--filter", "label=org.opencontainers.image.title=podpy hello") == ["localhost/hello:latest"]
    assert names("--sort", "repository") == ["localhost/busybox:latest", "localhost/hello:latest",
                                             "localhost/zeta:latest"]
    assert names("--filter", "dangling=true") == []
    podpy_bb("untag", "busybox")
    dangling = podpy_bb("images", "--filter", "dangling=true", "--format", "{{.ID}} {{.Repository}}").stdout
    assert dangling.split()[1] == "<none>"
    bad = podpy_bb("images", "--filter", "colour=red", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: ")


def test_image_prune(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "hello")
    podpy_bb("create", "--name", "keeper", "busybox", "true")
    assert podpy_bb("image", "prune", "-f").stdout == ""
    hello_id = podpy_bb("images", "-q", "--no-trunc", "--filter", "reference=hello").stdout.strip()
    assert podpy_bb("image", "prune", "-a", "-f").stdout.split() == [hello_id]
    assert podpy_bb("images", "--format", "{{.Repository}}").stdout.split() == ["localhost/busybox"]
    podpy_bb("rm", "keeper")
    podpy_bb("untag", "busybox")
    assert len(podpy_bb("image", "prune", "-f").stdout.split()) == 1
    assert podpy_bb("images", "-q").stdout == ""


def test_export_import_round_trip(podpy_bb: Podpy, tmp_path: object) -> None:
    import subprocess
    import tarfile

    podpy_bb("run", "--name", "src", "busybox", "sh", "-c", "echo made-inside > /etc/marker")
    archive = os.path.join(str(tmp_path), "rootfs.tar")
    podpy_bb("export", "-o", archive, "src")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "etc/marker" in names and "bin/busybox" in names
    image_id = podpy_bb("import", "--change", "CMD cat /etc/marker", "--change", "ENV GREETING=hi",
                        "-m", "round trip", archive, "exported").stdout.strip()
    assert len(image_id) == 64
    assert podpy_bb("run", "--rm", "exported").stdout == "made-inside\n"
    assert podpy_bb("run", "--rm", "exported", "sh", "-c", "echo $GREETING").stdout == "hi\n"
    assert "round trip" in podpy_bb("history", "--format", "{{.Comment}}", "exported").stdout
    # stdin, gzip-compressed, and the same content gives the same layer
    gz = archive + ".gz"
    subprocess.run(["gzip", "-k", archive], check=True)
    overlay = os.path.join(podpy_bb.root, "overlay")
    before = sorted(os.listdir(overlay))
    with open(gz, "rb") as f:
        proc = subprocess.run([*podpy_bb.argv, "import", "-", "again"], stdin=f, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(overlay)) == before  # the same content gives the same layer, stored once
    podpy_bb("rm", "src")
    bad = podpy_bb("import", os.path.join(str(tmp_path), "missing.tar"), check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: ")
