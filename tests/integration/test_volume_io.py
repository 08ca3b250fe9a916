"""`volume export/import/mount/unmount` and volumes that are mounted (tmpfs, device binds) through the real CLI."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import tarfile
import tempfile

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root


def _data(podpy: Podpy, name: str) -> str:
    return os.path.join(podpy.root, "volumes", name, "_data")


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f]


def _mount_count(podpy: Podpy, name: str) -> int:
    return int(podpy("volume", "inspect", "--format", "{{.MountCount}}", name).stdout)


def test_export_import_round_trip(podpy_bb: Podpy, tmp_path: object) -> None:
    podpy_bb("run", "--rm", "-v", "src:/d", "busybox", "sh", "-c",
             "mkdir /d/sub && echo one > /d/sub/f && echo two > /d/g && chown 1000:1001 /d/g && ln -s sub/f /d/l")
    out = subprocess.run([*podpy_bb.argv, "volume", "export", "src"], capture_output=True, check=True,
                         env=podpy_env()).stdout
    with tarfile.open(fileobj=io.BytesIO(out)) as tar:
        names = sorted(m.name for m in tar.getmembers())
        owner = tar.getmember("g").uid, tar.getmember("g").gid
        assert {m.uname for m in tar.getmembers()} == {""}
    assert names == ["g", "l", "sub", "sub/f"] and owner == (1000, 1001)
    path = os.path.join(str(tmp_path), "src.tar")
    assert podpy_bb("volume", "export", "-o", path, "src").stdout == ""
    podpy_bb("volume", "create", "dst")
    assert podpy_bb("volume", "import", "dst", path).stdout == ""
    got = podpy_bb("run", "--rm", "-v", "dst:/d", "busybox", "sh", "-c",
                   "cat /d/sub/f /d/g /d/l; stat -c %u:%g /d/g").stdout.split()
    assert got == ["one", "two", "one", "1000:1001"]
    podpy_bb("volume", "create", "gz")
    subprocess.run([*podpy_bb.argv, "volume", "import", "gz", "-"], input=gzip.compress(out), check=True,
                   env=podpy_env())
    assert sorted(os.listdir(_data(podpy_bb, "gz"))) == ["g", "l", "sub"]
    podpy_bb("volume", "rm", "src", "dst", "gz")


def test_export_import_errors_leave_nothing(podpy: Podpy, tmp_path: object) -> None:
    out_path = os.path.join(str(tmp_path), "out.tar")
    missing = podpy("volume", "export", "-o", out_path, "nope", check=False)
    assert missing.returncode == 125 and missing.stderr == "Error: no such volume nope\n"
    assert not os.path.exists(out_path)
    assert podpy("volume", "import", "nope", "-", check=False, input="").stderr == "Error: no such volume nope\n"
    podpy("volume", "create", "v")
    nofile = podpy("volume", "import", "v", "/nonexistent.tar", check=False)
    assert nofile.returncode == 125 and nofile.stderr == "Error: open /nonexistent.tar: no such file or directory\n"
    garbage = os.path.join(str(tmp_path), "garbage")
    with open(garbage, "w") as f:
        f.write("not a tar\n")
    bad = podpy("volume", "import", "v", garbage, check=False)
    assert bad.returncode == 125 and bad.stderr.count("Error:") == 1
    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w") as tar:
        first = tarfile.TarInfo("harmless")
        first.size = 1
        tar.addfile(first, io.BytesIO(b"h"))
        info = tarfile.TarInfo("../../escaped")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    res = subprocess.run([*podpy.argv, "volume", "import", "v", "-"], input=evil.getvalue(), capture_output=True,
                         env=podpy_env())
    assert res.returncode == 125
    assert not os.path.exists(os.path.join(podpy.root, "volumes", "escaped"))
    assert not os.path.exists(os.path.join(podpy.root, "escaped"))
    assert os.listdir(_data(podpy, "v")) == []  # refused whole: not even the harmless first entry
    assert os.listdir(os.path.join(podpy.root, "volumes", "v")) == ["_data"]  # no spool file left
    assert podpy("volume", "export", "v", check=False).returncode == 0  # stdout is a pipe here
    podpy("volume", "rm", "v")


def test_mount_unmount_counts(podpy: Podpy) -> None:
    podpy("volume", "create", "plain")
    assert podpy("volume", "mount", "plain").stdout.strip() == _data(podpy, "plain")
    assert podpy("volume", "unmount", "plain").stdout.strip() == "plain"
    podpy("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=2m,nodev", "tv")
    data = _data(podpy, "tv")
    assert not os.path.ismount(data) and _mount_count(podpy, "tv") == 0
    assert podpy("volume", "mount", "tv").stdout.strip() == data
    podpy("volume", "mount", "tv")
    assert os.path.ismount(data) and _mount_count(podpy, "tv") == 2
    podpy("volume", "unmount", "tv")
    assert os.path.ismount(data) and _mount_count(podpy, "tv") == 1
    podpy("volume", "unmount", "tv")
    assert not os.path.ismount(data) and _mount_count(podpy, "tv") == 0
    assert podpy("volume", "unmount", "tv").stdout.strip() == "tv"  # nothing left to undo: no error, as Podman
    missing = podpy("volume", "mount", "nope", check=False)
    assert missing.returncode == 125 and missing.stderr == 'Error: no volume with name "nope" found: no such volume\n'
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as t:
        info = tarfile.TarInfo("f")
        info.size = 2
        t.addfile(info, io.BytesIO(b"ok"))

    def import_tv() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*podpy.argv, "volume", "import", "tv", "-"], input=tar.getvalue().decode("latin-1"),
                              capture_output=True, text=True, env=podpy_env(), encoding="latin-1")

    refused = import_tv()  # the data would vanish with the unmount that follows
    assert refused.returncode == 125 and "is a tmpfs that is not mounted" in refused.stderr
    podpy("volume", "mount", "tv")
    assert import_tv().returncode == 0
    with open(os.path.join(data, "f")) as f:
        assert f.read() == "ok"
    podpy("volume", "rm", "tv", "plain")  # removal unmounts
    assert not os.path.exists(os.path.join(podpy.root, "volumes", "tv"))


def test_tmpfs_volume_lives_while_a_container_uses_it(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "tv")
    out = podpy_bb("run", "--rm", "-v", "tv:/t", "busybox", "sh", "-c",
                   "grep ' /t ' /proc/mounts; df -k /t | tail -1").stdout
    assert out.startswith("tmpfs /t tmpfs") and "size=1024k" in out
    assert not os.path.ismount(_data(podpy_bb, "tv")) and _mount_count(podpy_bb, "tv") == 0
    podpy_bb("run", "-d", "--name", "a", "-v", "tv:/t", "busybox", "sh", "-c", "echo a > /t/f; sleep 60")
    podpy_bb("run", "-d", "--name", "b", "-v", "tv:/t", "busybox", "sleep", "60")
    assert _mount_count(podpy_bb, "tv") == 2
    podpy_bb("stop", "-t", "0", "a")
    assert podpy_bb("exec", "b", "cat", "/t/f").stdout == "a\n"  # b still holds the tmpfs
    assert os.path.ismount(_data(podpy_bb, "tv")) and _mount_count(podpy_bb, "tv") == 1
    podpy_bb("stop", "-t", "0", "b")
    assert not os.path.ismount(_data(podpy_bb, "tv")) and _mount_count(podpy_bb, "tv") == 0
    podpy_bb("rm", "a", "b")
    podpy_bb("volume", "rm", "tv")


def test_device_bind_volume(podpy_bb: Podpy) -> None:
    host = tempfile.mkdtemp(prefix="podpy-vdev-")
    try:
        with open(os.path.join(host, "from-host"), "w") as f:
            f.write("h\n")
        podpy_bb("volume", "create", "-o", "type=none", "-o", f"device={host}", "-o", "o=bind", "bv")
        out = podpy_bb("run", "--rm", "-v", "bv:/b", "busybox", "sh", "-c", "cat /b/from-host; echo c > /b/from-ctr")
        assert out.stdout == "h\n"
        with open(os.path.join(host, "from-ctr")) as f:
            assert f.read() == "c\n"
        assert _data(podpy_bb, "bv") not in _mount_points()
        assert json.loads(podpy_bb("volume", "inspect", "bv").stdout)[0]["Options"] == {
            "type": "none", "device": host, "o": "bind"}
        podpy_bb("volume", "rm", "bv")
        assert os.path.exists(os.path.join(host, "from-ctr"))  # the device's data is not the volume's to delete
    finally:
        import shutil

        shutil.rmtree(host, ignore_errors=True)


def test_parallel_starts_mount_a_tmpfs_volume_once(podpy_bb: Podpy) -> None:
    from concurrent.futures import ThreadPoolExecutor

    podpy_bb("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "pt")
    names = [f"p{i}" for i in range(4)]
    with ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(lambda n: podpy_bb("run", "-d", "--name", n, "-v", "pt:/t", "busybox", "sleep", "60"), names))
    data = _data(podpy_bb, "pt")
    assert _mount_points().count(data) == 1 and _mount_count(podpy_bb, "pt") == 4
    podpy_bb("rm", "-f", *names)
    assert data not in _mount_points() and _mount_count(podpy_bb, "pt") == 0
    podpy_bb("volume", "rm", "pt")
