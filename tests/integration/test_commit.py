"""podpy commit: a container's changes become an image that runs, deletions included."""

from __future__ import annotations

import json
import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def test_commit_then_run_sees_changes_and_deletions(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "c1", "-e", "FOO=bar", "localhost/busybox", "sh", "-c",
             "echo hello > /greeting; rm /etc/group; rm -rf /home; mkdir /home; touch /home/only")
    image_id = podpy_bb("commit", "-q", "-m", "my message", "-a", "someone",
                        "-c", "CMD [\"cat\", \"/greeting\"]", "-c", "LABEL a=b", "c1", "localhost/committed").stdout
    image_id = image_id.strip()
    assert len(image_id) == 64
    assert podpy_bb("run", "--rm", "localhost/committed").stdout == "hello\n"
    out = podpy_bb("run", "--rm", "localhost/committed", "sh", "-c",
                   "test -e /etc/group && echo present || echo gone; ls /home; echo $FOO").stdout.split()
    assert out == ["gone", "only", "bar"]
    info = podpy_bb.json("image", "inspect", "localhost/committed")
    assert isinstance(info, list)
    image = info[0]
    assert image["Id"] == image_id
    assert image["Config"]["Labels"] == {"a": "b"}
    assert image["Author"] == "someone"
    assert len(image["RootFS"]["Layers"]) == 2
    history = podpy_bb("history", "--format", "{{.Comment}}", "localhost/committed").stdout.splitlines()
    assert history[0] == "my message"


def test_commit_squash_docker_format_and_save(podpy_bb: Podpy, tmp_path: object) -> None:
    podpy_bb("run", "--name", "c2", "localhost/busybox", "sh", "-c", "echo 1 > /one")
    podpy_bb("commit", "-q", "--squash", "--format", "docker", "c2", "localhost/squashed")
    info = podpy_bb.json("image", "inspect", "localhost/squashed")
    assert isinstance(info, list)
    assert len(info[0]["RootFS"]["Layers"]) == 1
    assert info[0]["ManifestType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert podpy_bb("run", "--rm", "localhost/squashed", "cat", "/one").stdout == "1\n"
    # The committed layer was unpacked with a tar-split record: save reproduces its diffID.
    path = os.path.join(str(tmp_path), "s.tar")
    podpy_bb("save", "-o", path, "localhost/squashed")
    import tarfile

    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest[0]["Layers"] == [info[0]["RootFS"]["Layers"][0][7:] + ".tar"]


def test_commit_of_a_running_container_with_pause(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "c3", "localhost/busybox", "sh", "-c", "echo up > /state; sleep 600")
    podpy_bb("wait", "--condition", "running", "c3")
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "/state" not in podpy_bb("diff", "c3").stdout:
        time.sleep(0.1)
    podpy_bb("commit", "-q", "-p", "c3", "localhost/live")
    inspect = podpy_bb.json("inspect", "c3")
    assert isinstance(inspect, list) and inspect[0]["State"]["Status"] == "running"
    assert podpy_bb("run", "--rm", "localhost/live", "cat", "/state").stdout == "up\n"
    podpy_bb("rm", "-f", "-t", "0", "c3")


def test_commit_errors(podpy_bb: Podpy) -> None:
    result = podpy_bb("commit", "nope", "localhost/x", check=False)
    assert result.returncode == 125
    podpy_bb("create", "--name", "c4", "localhost/busybox", "true")
    result = podpy_bb("commit", "-c", "BOGUS x", "c4", "localhost/x", check=False)
    assert result.returncode == 125 and "BOGUS" in result.stderr


def test_commit_leaves_out_mount_point_files(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "mp", "localhost/busybox", "sh", "-c", "echo hi > /made")
    podpy_bb("commit", "-q", "mp", "localhost/mp-image")
    changes = podpy_bb("image", "diff", "localhost/mp-image").stdout.splitlines()
    assert "A /made" in changes
    assert not any(line.endswith(("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/run/.containerenv"))
                   for line in changes)
    podpy_bb("rm", "mp")
    podpy_bb("rmi", "localhost/mp-image")
