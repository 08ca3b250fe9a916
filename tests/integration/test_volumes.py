"""Named and anonymous volumes through the real CLI."""

from __future__ import annotations

import json
import os

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _inspect(podpy: Podpy, name: str) -> dict[str, object]:
    data = json.loads(podpy("volume", "inspect", name).stdout)
    assert len(data) == 1
    return dict(data[0])


def test_create_ls_inspect_rm(podpy: Podpy) -> None:
    assert podpy("volume", "create", "--label", "k=v", "v1").stdout.strip() == "v1"
    dup = podpy("volume", "create", "v1", check=False)
    assert dup.returncode == 125 and "volume with name v1 already exists" in dup.stderr
    assert podpy("volume", "create", "--ignore", "v1").stdout.strip() == "v1"
    anon = podpy("volume", "create").stdout.strip()
    assert len(anon) == 64
    data = _inspect(podpy, "v1")
    assert data["Driver"] == "local" and data["Scope"] == "local" and data["Labels"] == {"k": "v"}
    assert data["Mountpoint"] == os.path.join(podpy.root, "volumes", "v1", "_data")
    assert os.path.isdir(str(data["Mountpoint"]))
    assert set(data) == {"Name", "Driver", "Mountpoint", "CreatedAt", "Labels", "Scope", "Options", "MountCount",
                         "NeedsCopyUp", "NeedsChown"}
    assert podpy("volume", "ls", "-q", "--filter", "label=k=v").stdout.split() == ["v1"]
    assert podpy("volume", "ls", "--format", "{{.Name}} {{.Driver}}").stdout.split("\n")[0] == "v1 local"
    assert podpy("volume", "exists", "v1").returncode == 0
    assert podpy("volume", "exists", "nope", check=False).returncode == 1
    missing = podpy("volume", "rm", "nope", check=False)
    assert missing.returncode == 1 and 'no volume with name "nope" found' in missing.stderr
    assert podpy("volume", "rm", "v1", anon).stdout.split() == ["v1", anon]
    assert not os.path.exists(os.path.join(podpy.root, "volumes", "v1"))
    assert podpy("volume", "ls", "-q").stdout == ""


def test_data_survives_and_is_shared(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "-v", "data:/data", "busybox", "sh", "-c", "echo hello > /data/f")
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["data"]
    podpy_bb("run", "-d", "--name", "a", "-v", "data:/data", "busybox", "sleep", "60")
    podpy_bb("run", "--name", "b", "--mount", "type=volume,source=data,target=/mnt", "busybox",
             "sh", "-c", "echo from-b >> /mnt/f")
    assert podpy_bb("exec", "a", "cat", "/data/f").stdout.split() == ["hello", "from-b"]
    ro = podpy_bb("run", "--rm", "-v", "data:/data:ro", "busybox", "touch", "/data/x", check=False)
    assert ro.returncode != 0
    mounts = json.loads(podpy_bb("inspect", "a").stdout)[0]["Mounts"]
    assert [(m["Type"], m["Name"], m["Destination"], m["Driver"], m["RW"]) for m in mounts] == [
        ("volume", "data", "/data", "local", True)]
    busy = podpy_bb("volume", "rm", "data", check=False)
    assert busy.returncode == 2 and "volume data is being used by the following container(s)" in busy.stderr
    podpy_bb("rm", "b")
    assert podpy_bb("volume", "rm", "-f", "data").stdout.strip() == "data"
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_copy_up_and_nocopy(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "-v", "bins:/bin", "busybox", "/bin/busybox", "ls", "/bin").stdout.split()
    assert "busybox" in out
    assert os.path.exists(os.path.join(podpy_bb.root, "volumes", "bins", "_data", "busybox"))
    assert _inspect(podpy_bb, "bins")["NeedsCopyUp"] is False
    podpy_bb("volume", "create", "empty")
    podpy_bb("run", "--rm", "-v", "empty:/etc:nocopy", "busybox", "true")
    assert not os.path.exists(os.path.join(podpy_bb.root, "volumes", "empty", "_data", "passwd"))
    podpy_bb("volume", "rm", "bins", "empty")


def test_anonymous_volumes(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "-v", "/scratch", "busybox", "sh", "-c", "echo x > /scratch/f")
    assert podpy_bb("volume", "ls", "-q").stdout == ""
    podpy_bb("run", "--name", "keep", "-v", "/scratch", "busybox", "true")
    names = podpy_bb("volume", "ls", "-q").stdout.split()
    assert len(names) == 1 and len(names[0]) == 64
    podpy_bb("rm", "-v", "keep")
    assert podpy_bb("volume", "ls", "-q").stdout == ""


def test_prune_keeps_used(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "unused")
    podpy_bb("create", "--name", "user", "-v", "used:/u", "busybox", "true")
    assert podpy_bb("volume", "prune", "-f").stdout.split() == ["unused"]
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["used"]
    podpy_bb("rm", "user")
    podpy_bb("volume", "rm", "used")


def test_tmpfs_volume(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "tv")
    out = podpy_bb("run", "--rm", "-v", "tv:/t", "busybox", "sh", "-c", "grep ' /t ' /proc/mounts").stdout
    assert "tmpfs" in out
    podpy_bb("volume", "rm", "tv")
    assert not os.path.exists(os.path.join(podpy_bb.root, "volumes", "tv"))


def test_image_volumes_are_anonymous_and_copied_up(podpy_bb: Podpy) -> None:
    import shutil
    import tempfile

    from tests.support.images import busybox_layer, write_oci_layout

    base = tempfile.mkdtemp(prefix="podpy-img-")
    try:
        write_oci_layout(os.path.join(base, "withvol"), "localhost/withvol:latest", [busybox_layer()],
                         {"Cmd": ["sh"], "Volumes": {"/etc": {}}})
        podpy_bb("load", "-i", os.path.join(base, "withvol"))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    podpy_bb("run", "--name", "iv", "withvol", "cat", "/etc/passwd")
    names = podpy_bb("volume", "ls", "-q").stdout.split()
    assert len(names) == 1
    assert os.path.exists(os.path.join(podpy_bb.root, "volumes", names[0], "_data", "passwd"))
    podpy_bb("rm", "-v", "iv")
    assert podpy_bb("volume", "ls", "-q").stdout == ""
    podpy_bb("run", "--rm", "withvol", "true")
    assert podpy_bb("volume", "ls", "-q").stdout == ""


def test_U_chowns_to_the_container_user(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "-v", "owned:/data", "busybox", "sh", "-c", "mkdir /data/d && touch /data/d/f")
    out = podpy_bb("run", "--rm", "--user", "1000:1000", "-v", "owned:/data:U", "busybox", "sh", "-c",
                   "stat -c '%u:%g' /data /data/d /data/d/f && touch /data/mine").stdout.split()
    assert out == ["1000:1000"] * 3
    podpy_bb("volume", "rm", "owned")


def test_failed_create_leaves_no_anonymous_volume(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "taken", "busybox", "true")
    dup = podpy_bb("create", "--name", "taken", "-v", "/anon", "busybox", "true", check=False)
    assert dup.returncode == 125 and "already in use" in dup.stderr
    assert podpy_bb("volume", "ls", "-q").stdout == ""
    podpy_bb("rm", "taken")


def test_ls_filters_and_errors(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "--label", "tier=db", "--label", "bare", "alpha")
    podpy_bb("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "beta")
    podpy_bb("create", "--name", "user", "-v", "alpha:/a", "busybox", "true")

    def names(*filters: str) -> list[str]:
        args = [a for f in filters for a in ("--filter", f)]
        return podpy_bb("volume", "ls", "-q", *args).stdout.split()

    assert names("dangling=true") == ["beta"] and names("dangling=false") == ["alpha"]
    assert names("name=^al") == ["alpha"] and names("name=a$") == ["alpha", "beta"]
    assert names("label=tier=db") == ["alpha"] and names("label=bare") == ["alpha"] and names("label=tier=x") == []
    assert names("driver=local") == ["alpha", "beta"] and names("scope=local") == ["alpha", "beta"]
    assert names("opt=type=tmpfs") == ["beta"]
    assert names("until=2000-01-01") == [] and names("until=-1h") == ["alpha", "beta"]
    assert names("name=a", "dangling=false") == ["alpha"]
    table = podpy_bb("volume", "ls").stdout.splitlines()
    assert table[0].split() == ["DRIVER", "VOLUME", "NAME"] and [r.split() for r in table[1:]] == [
        ["local", "alpha"], ["local", "beta"]]
    assert podpy_bb("volume", "ls", "--noheading").stdout.splitlines()[0].split() == ["local", "alpha"]
    assert podpy_bb("volume", "ls", "--format", "{{.Name}}:{{.Scope}}").stdout.split() == ["alpha:local", "beta:local"]
    assert [v["Name"] for v in json.loads(podpy_bb("volume", "ls", "--format", "json").stdout)] == ["alpha", "beta"]
    bad = podpy_bb("volume", "ls", "--filter", "bogus=1", check=False)
    assert bad.returncode == 125 and bad.stderr == 'Error: "bogus" is an invalid volume filter\n'
    podpy_bb("rm", "user")
    podpy_bb("volume", "rm", "-a")


def test_prune_filters(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "--label", "keep=no", "a")
    podpy_bb("volume", "create", "--label", "keep=yes", "b")
    podpy_bb("volume", "create", "c")
    podpy_bb("create", "--name", "user", "-v", "d:/d", "--label", "keep=no", "busybox", "true")
    assert podpy_bb("volume", "prune", "-f", "--filter", "label=keep=no").stdout.split() == ["a"]
    assert podpy_bb("volume", "prune", "-f", "--filter", "until=2000-01-01").stdout == ""
    bad = podpy_bb("volume", "prune", "-f", "--filter", "name=b", check=False)
    assert bad.returncode == 125 and bad.stderr == 'Error: "name" is an invalid volume filter\n'
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["b", "c", "d"]
    assert podpy_bb("volume", "prune", "-f", "--filter", "until=-1m").stdout.split() == ["b", "c"]
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["d"]  # in use: never pruned
    podpy_bb("volume", "create", "p")
    asked = podpy_bb("volume", "prune", input="n\n").stdout.splitlines()
    assert asked[1:] == ["p", "Are you sure you want to continue? [y/N] "]
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["d", "p"]
    assert podpy_bb("volume", "prune", input="y\n").stdout.splitlines()[-1].endswith("[y/N] p")
    podpy_bb("rm", "user")
    podpy_bb("volume", "rm", "d")


def test_rm_all_and_force(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "free")
    podpy_bb("run", "-d", "--name", "holder", "-v", "busy:/b", "busybox", "sleep", "60")
    res = podpy_bb("volume", "rm", "-a", check=False)
    assert res.returncode == 2 and res.stdout.split() == ["free"]
    assert res.stderr.count("Error:") == 1 and "volume busy is being used" in res.stderr
    assert podpy_bb("volume", "ls", "-q").stdout.split() == ["busy"]
    for order in (["busy", "nope"], ["nope", "busy"]):  # missing ones are looked up first; in use wins the code
        mixed = podpy_bb("volume", "rm", *order, check=False)
        assert mixed.returncode == 2 and [line.split(":")[1] for line in mixed.stderr.splitlines()] == [
            ' no volume with name "nope" found', " volume busy is being used by the following container(s)"]
    assert podpy_bb("volume", "rm", "nope", check=False).returncode == 1
    assert podpy_bb("volume", "rm", "-f", "-a").stdout.split() == ["busy"]
    assert podpy_bb("ps", "-a", "-q").stdout == ""
    assert podpy_bb("volume", "rm", check=False).returncode == 125


def test_create_errors_leave_nothing(podpy: Podpy) -> None:
    for args, message in [
        (["bad name"], "Error: running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                       "invalid argument\n"),
        (["-o", "bogus=1", "v"], "Error: invalid mount option bogus for driver 'local': invalid argument\n"),
        (["-o", "uid=abc", "v"], "Error: cannot convert uid abc to integer: invalid argument\n"),
        (["-o", "size=1m", "v"], "Error: volume options size and inodes not supported. Filesystem does not support "
                                 "Project Quota\n"),
        (["--driver", "foo", "v"], "Error: volume v uses volume plugin foo but it could not be retrieved: no volume "
                                   "plugin with name foo available: required plugin missing\n"),
    ]:
        res = podpy("volume", "create", *args, check=False)
        assert (res.returncode, res.stderr) == (125, message), args
    assert podpy("volume", "ls", "-q").stdout == ""
    vdir = os.path.join(podpy.root, "volumes")
    assert not os.path.isdir(vdir) or os.listdir(vdir) == []


def test_uid_gid_and_nocopy_options(podpy_bb: Podpy) -> None:
    podpy_bb("volume", "create", "-o", "uid=1000", "-o", "gid=1001", "owned")
    assert podpy_bb("run", "--rm", "-v", "owned:/o", "busybox", "stat", "-c", "%u:%g", "/o").stdout.strip() == \
        "1000:1001"
    podpy_bb("volume", "create", "-o", "nocopy", "nc")
    podpy_bb("run", "--rm", "-v", "nc:/etc", "busybox", "true")
    assert os.listdir(os.path.join(podpy_bb.root, "volumes", "nc", "_data")) == []
    podpy_bb("run", "--rm", "--mount", "type=volume,src=mnc,dst=/etc,volume-nocopy", "busybox", "true")
    assert os.listdir(os.path.join(podpy_bb.root, "volumes", "mnc", "_data")) == []
    ro = podpy_bb("run", "--rm", "--mount", "type=volume,src=mnc,dst=/m,ro", "busybox", "touch", "/m/x", check=False)
    assert ro.returncode == 1 and "Read-only file system" in ro.stderr
    podpy_bb("volume", "rm", "owned", "nc", "mnc")


def test_copy_up_happens_once(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--rm", "-v", "etc:/etc", "busybox", "rm", "/etc/passwd")
    out = podpy_bb("run", "--rm", "-v", "etc:/etc", "busybox", "ls", "/etc").stdout.split()
    assert "group" in out and "passwd" not in out  # the emptied file does not come back
    podpy_bb("volume", "create", "filled")
    with open(os.path.join(podpy_bb.root, "volumes", "filled", "_data", "mine"), "w") as f:
        f.write("x")
    assert podpy_bb("run", "--rm", "-v", "filled:/etc", "busybox", "ls", "/etc").stdout.split() == ["mine"]
    podpy_bb("volume", "rm", "etc", "filled")


def test_concurrent_writers_and_data_survives_removal(podpy_bb: Podpy) -> None:
    script = "i=0; while [ $i -lt 200 ]; do echo $0-$i >> /s/log; i=$((i+1)); done"
    podpy_bb("run", "-d", "--name", "w1", "-v", "shared:/s", "busybox", "sh", "-c", script, "one")
    podpy_bb("run", "-d", "--name", "w2", "-v", "shared:/s", "busybox", "sh", "-c", script, "two")
    assert podpy_bb("wait", "w1", "w2").stdout.split() == ["0", "0"]
    podpy_bb("rm", "w1", "w2")
    lines = podpy_bb("run", "--rm", "-v", "shared:/s", "busybox", "cat", "/s/log").stdout.split()
    assert len(lines) == 400
    assert sorted(lines) == sorted([f"one-{i}" for i in range(200)] + [f"two-{i}" for i in range(200)])
    podpy_bb("volume", "rm", "shared")
