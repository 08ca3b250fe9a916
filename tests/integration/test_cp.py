"""podpy cp in both directions, tar streams, Docker's naming rules, and symlinks that try to leave the root."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

BB = "localhost/busybox"


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def test_copy_out_and_in_with_a_stopped_and_a_running_container(podpy_bb: Podpy, tmp_path: object) -> None:
    host = str(tmp_path)
    podpy_bb("run", "--name", "src", BB, "sh", "-c",
             "mkdir -p /data/sub && echo hello > /data/f && echo deep > /data/sub/g && ln -s /etc /data/etclink")
    podpy_bb("cp", "src:/data/f", host)
    assert _read(os.path.join(host, "f")) == "hello\n"
    podpy_bb("cp", "src:/data/f", os.path.join(host, "renamed"))
    assert _read(os.path.join(host, "renamed")) == "hello\n"
    podpy_bb("cp", "src:/data", host)
    assert _read(os.path.join(host, "data", "sub", "g")) == "deep\n"
    assert os.readlink(os.path.join(host, "data", "etclink")) == "/etc"  # copied as a link, not followed
    os.mkdir(os.path.join(host, "contents"))
    podpy_bb("cp", "src:/data/.", os.path.join(host, "contents"))
    assert sorted(os.listdir(os.path.join(host, "contents"))) == ["etclink", "f", "sub"]

    cid = podpy_bb("run", "-d", "--name", "dst", "--user", "1000:1000", BB, "sleep", "600").stdout.strip()
    with open(os.path.join(host, "in.txt"), "w") as f:
        f.write("into the container\n")
    podpy_bb("cp", os.path.join(host, "in.txt"), "dst:/tmp/")
    assert podpy_bb("exec", cid, "cat", "/tmp/in.txt").stdout == "into the container\n"
    owner = podpy_bb("exec", cid, "busybox", "stat", "-c", "%u:%g", "/tmp/in.txt").stdout.strip()
    assert owner == "1000:1000"  # --archive (default): the container's primary uid/gid
    podpy_bb("cp", "--archive=false", os.path.join(host, "data"), "dst:/tmp/copied")
    assert podpy_bb("exec", cid, "cat", "/tmp/copied/sub/g").stdout == "deep\n"
    podpy_bb("rm", "-f", "src", "dst")


def test_tar_streams(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "t", BB, "true")
    payload = io.BytesIO()
    with tarfile.open(fileobj=payload, mode="w") as tar:
        data = b"streamed\n"
        info = tarfile.TarInfo("dir/file.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    proc = subprocess.run([*podpy_bb.argv, "cp", "-", "t:/"], input=payload.getvalue(), capture_output=True,
                          env=podpy_env())
    assert proc.returncode == 0, proc.stderr
    out = subprocess.run([*podpy_bb.argv, "cp", "t:/dir", "-"], capture_output=True, env=podpy_env())
    assert out.returncode == 0, out.stderr
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
        member = tar.extractfile("dir/file.txt")
        assert member is not None and member.read() == b"streamed\n"
    podpy_bb("rm", "t")


def test_symlinks_never_lead_out_of_the_container(podpy_bb: Podpy, tmp_path: object) -> None:
    host = str(tmp_path)
    secret = os.path.join(host, "secret")
    with open(secret, "w") as f:
        f.write("host secret\n")
    podpy_bb("run", "--name", "evil", BB, "sh", "-c",
             f"ln -s {host} /hostdir && ln -s ../../../../../../{secret.lstrip('/')} /up && mkdir /box")
    # Reading through links resolves inside the container's root: the host's file is not there.
    assert podpy_bb("cp", "evil:/hostdir/secret", os.path.join(host, "out1"), check=False).returncode != 0
    assert podpy_bb("cp", "evil:/up/", os.path.join(host, "out2"), check=False).returncode != 0
    assert not os.path.exists(os.path.join(host, "out1")) and not os.path.exists(os.path.join(host, "out2"))
    # Writing through a link lands inside the container, never on the host.
    with open(os.path.join(host, "payload"), "w") as f:
        f.write("x\n")
    podpy_bb("cp", os.path.join(host, "payload"), "evil:/hostdir/", check=False)
    assert _read(secret) == "host secret\n" and not os.path.exists(os.path.join(host, "hostdir"))
    evil_tar = io.BytesIO()
    with tarfile.open(fileobj=evil_tar, mode="w") as tar:
        info = tarfile.TarInfo("../../../../../../../tmp/podpy-escape-test")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    proc = subprocess.run([*podpy_bb.argv, "cp", "-", "evil:/box"], input=evil_tar.getvalue(), capture_output=True,
                          env=podpy_env())
    assert proc.returncode == 125 and proc.stderr.startswith(b"Error: ")
    assert not os.path.exists("/tmp/podpy-escape-test")
    hardlink_tar = io.BytesIO()
    with tarfile.open(fileobj=hardlink_tar, mode="w") as tar:
        info = tarfile.TarInfo("h")
        info.type = tarfile.LNKTYPE
        info.linkname = "../../../../../../../" + secret.lstrip("/")
        tar.addfile(info)
    proc = subprocess.run([*podpy_bb.argv, "cp", "-", "evil:/box"], input=hardlink_tar.getvalue(),
                          capture_output=True, env=podpy_env())
    assert proc.returncode == 125 and os.stat(secret).st_nlink == 1
    podpy_bb("rm", "evil")


def test_bad_arguments(podpy_bb: Podpy) -> None:
    for args in (["/a", "/b"], ["x:/a", "y:/b"], ["nosuch:/a", "/tmp"]):
        result = podpy_bb("cp", *args, check=False)
        assert result.returncode == 125 and result.stderr.startswith("Error: ")
    podpy_bb("create", "--name", "c", BB, "true")
    missing = podpy_bb("cp", "c:/no/such/file", "/tmp/x", check=False)
    assert missing.returncode == 125 and "could not be found" in missing.stderr
    podpy_bb("rm", "c")
