"""Secrets through the real CLI: stored for root only, delivered as a file or env, never in inspect or images."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import tarfile

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root

DATA = "t0p-s3cret-value"


def test_create_ls_inspect_rm(podpy: Podpy, tmp_path: object) -> None:
    sid = podpy("secret", "create", "--label", "k=v", "s1", "-", input=DATA).stdout.strip()
    assert len(sid) == 25
    path = os.path.join(podpy.root, "secrets", "filedriver", sid)
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    dup = podpy("secret", "create", "s1", "-", input="x", check=False)
    assert dup.returncode == 125 and "s1: secret name in use" in dup.stderr
    src = os.path.join(str(tmp_path), "data")
    with open(src, "w") as f:
        f.write("other")
    new_id = podpy("secret", "create", "--replace", "s1", src).stdout.strip()
    assert new_id != sid and not os.path.exists(path)
    info = json.loads(podpy("secret", "inspect", "s1").stdout)[0]
    assert info["ID"] == new_id and info["Spec"]["Name"] == "s1" and info["Spec"]["Driver"]["Name"] == "file"
    assert info["Spec"]["Labels"] == {}  # the replacement has the labels of its own create
    assert "other" not in podpy("secret", "inspect", "s1").stdout
    assert podpy("secret", "ls", "-q").stdout.split() == [new_id]
    assert podpy("secret", "ls", "--format", "{{.Name}}", "--filter", "name=s1").stdout.split() == ["s1"]
    assert podpy("secret", "exists", "s1").returncode == 0
    assert podpy("secret", "exists", "nope", check=False).returncode == 1
    missing = podpy("secret", "rm", "nope", check=False)
    assert missing.returncode == 125 and 'no secret with name or id "nope"' in missing.stderr
    podpy("secret", "create", "s2", "-", input="y")
    assert len(podpy("secret", "rm", "-a").stdout.split()) == 2
    assert podpy("secret", "ls", "-q").stdout == ""


def test_secret_as_file_and_env_not_in_inspect_commit_export(podpy_bb: Podpy) -> None:
    podpy_bb("secret", "create", "pw", "-", input=DATA)
    out = podpy_bb("run", "--rm", "--secret", "pw", "busybox", "cat", "/run/secrets/pw").stdout
    assert out == DATA
    out = podpy_bb("run", "--rm", "--secret", "pw,target=other,mode=0400,uid=1000", "busybox", "sh", "-c",
                   "stat -c '%a %u' /run/secrets/other; cat /run/secrets/other").stdout
    assert out == "400 1000\n" + DATA
    out = podpy_bb("run", "--rm", "--secret", "pw,type=env,target=PASSWORD", "busybox", "sh", "-c",
                   "echo $PASSWORD").stdout
    assert out.strip() == DATA
    podpy_bb("run", "--name", "keep", "--secret", "pw", "--secret", "pw,type=env,target=PW", "busybox", "sh", "-c",
             "test -n \"$PW\" && cat /run/secrets/pw > /dev/null")
    inspect_out = podpy_bb("inspect", "keep").stdout
    assert DATA not in inspect_out
    env = json.loads(inspect_out)[0]["Config"]["Env"]
    assert not any(e.startswith("PW=") for e in env)
    export = subprocess.run([*podpy_bb.argv, "export", "keep"], capture_output=True, check=True,
                            env=podpy_env()).stdout
    assert DATA.encode() not in export
    with tarfile.open(fileobj=io.BytesIO(export)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                f = tar.extractfile(member)
                assert f is not None and DATA.encode() not in f.read()
    podpy_bb("commit", "keep", "localhost/withsecret")
    saved = subprocess.run([*podpy_bb.argv, "save", "localhost/withsecret"], capture_output=True, check=True,
                            env=podpy_env()).stdout
    assert DATA.encode() not in saved
    assert DATA not in podpy_bb("image", "inspect", "localhost/withsecret").stdout
    after = podpy_bb("run", "--rm", "localhost/withsecret", "sh", "-c", "cat /run/secrets/pw; echo $PW",
                     check=False).stdout
    assert DATA not in after
    podpy_bb("rm", "keep")
    podpy_bb("rmi", "localhost/withsecret")
    missing = podpy_bb("run", "--rm", "--secret", "nope", "busybox", "true", check=False)
    assert missing.returncode == 125 and 'no secret with name or id "nope"' in missing.stderr
    assert podpy_bb("ps", "-a", "-q").stdout == ""
    bad = podpy_bb("run", "--rm", "--secret", "pw,type=bogus", "busybox", "true", check=False)
    assert bad.returncode == 125
    podpy_bb("secret", "rm", "pw")


def _files(directory: str) -> list[str]:
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def test_env_source_driver_opts_and_errors(podpy: Podpy, tmp_path: object) -> None:
    env = dict(podpy_env(), MY_SECRET=DATA)
    res = subprocess.run([*podpy.argv, "secret", "create", "--env", "fromenv", "MY_SECRET"], capture_output=True,
                         text=True, env=env, check=True)
    sid = res.stdout.strip()
    with open(os.path.join(podpy.root, "secrets", "filedriver", sid)) as f:
        assert f.read() == DATA
    unset = podpy("secret", "create", "--env", "s2", "NOT_SET_ANYWHERE", check=False)
    assert unset.returncode == 125
    assert unset.stderr == "Error: cannot create store secret data: environment variable NOT_SET_ANYWHERE is not set\n"
    custom = os.path.join(str(tmp_path), "store")
    cid = podpy("secret", "create", "--driver-opts", f"path={custom}", "--label", "a=1,b=2", "custom", "-",
                input="c").stdout.strip()
    assert _files(custom) == [cid] and stat.S_IMODE(os.stat(os.path.join(custom, cid)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(custom).st_mode) == 0o700
    info = json.loads(podpy("secret", "inspect", "custom").stdout)[0]
    assert info["Spec"]["Driver"] == {"Name": "file", "Options": {"path": custom}}
    assert info["Spec"]["Labels"] == {"a": "1", "b": "2"}
    before = _files(os.path.join(podpy.root, "secrets", "filedriver"))
    for args, message in [
        (["a-", "-"], "Error: only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be "
                      "[a-zA-Z0-9]: a-: invalid secret name\n"),
        (["x" * 65, "-"], "Error: only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must "
                          f"be [a-zA-Z0-9]: {'x' * 65}: invalid secret name\n"),
        (["--driver", "bogus", "d", "-"], "Error: invalid driver\n"),
        (["fromenv", "-"], "Error: fromenv: secret name in use\n"),
        (["nofile", "/nonexistent"], "Error: open /nonexistent: no such file or directory\n"),
    ]:
        res2 = podpy("secret", "create", *args, check=False, input="data")
        assert (res2.returncode, res2.stderr) == (125, message), args
    empty = podpy("secret", "create", "empty", "-", input="", check=False)
    assert empty.returncode == 125 and "secret data must be larger than 0" in empty.stderr
    assert _files(os.path.join(podpy.root, "secrets", "filedriver")) == before
    assert sorted(podpy("secret", "ls", "--format", "{{.Name}}").stdout.split()) == ["custom", "fromenv"]
    assert podpy("secret", "exists", "a-", check=False).returncode == 1
    podpy("secret", "rm", "custom", "fromenv")
    assert _files(custom) == [] and before == [sid] and _files(os.path.join(podpy.root, "secrets", "filedriver")) == []


def test_ls_inspect_formats(podpy: Podpy) -> None:
    one = podpy("secret", "create", "one", "-", input="1").stdout.strip()
    two = podpy("secret", "create", "two", "-", input="2").stdout.strip()
    table = podpy("secret", "ls").stdout.splitlines()
    assert table[0].split() == ["ID", "NAME", "DRIVER", "CREATED", "UPDATED"] and len(table) == 3
    assert len(podpy("secret", "ls", "--noheading").stdout.splitlines()) == 2
    assert podpy("secret", "ls", "--filter", f"id={two[:6]}", "-q").stdout.split() == [two]
    assert podpy("secret", "ls", "--filter", "name=^o", "--format", "{{.ID}} {{.Name}} {{.Driver}}").stdout == \
        f"{one} one file\n"
    bad = podpy("secret", "ls", "--filter", "label=a", check=False)
    assert bad.returncode == 125 and bad.stderr == 'Error: invalid filter "label"\n'
    assert podpy("secret", "inspect", "--format", "{{.Spec.Name}}={{.ID}}", "one", "two").stdout.split() == [
        f"one={one}", f"two={two}"]
    partial = podpy("secret", "inspect", "one", "nope", check=False)
    assert partial.returncode == 125 and json.loads(partial.stdout)[0]["ID"] == one
    assert partial.stderr == 'Error: inspecting secret: no secret with name or id "nope": no such secret\n'
    assert "1" not in json.loads(podpy("secret", "inspect", "one").stdout)[0]["Spec"].values()
    assert podpy("secret", "inspect", "--showsecret", "one", check=False).returncode == 125
    podpy("secret", "create", "--label", "k=v", "three", "-", input="3")
    pretty = podpy("secret", "inspect", "--pretty", "three").stdout.splitlines()
    assert pretty[0].startswith("ID:              ") and pretty[1:5] == [
        "Name:              three", "Labels:", " - k=v", "Driver:            file"]
    assert pretty[5].startswith("Created at:        20") and pretty[5].endswith(" +0000 UTC")
    assert "3" not in "".join(pretty[1:5])
    podpy("secret", "rm", "-a")


def test_secret_options_and_removal_while_in_use(podpy_bb: Podpy) -> None:
    podpy_bb("secret", "create", "pw", "-", input=DATA)
    out = podpy_bb("run", "--rm", "--secret", "pw,type=mount,target=/etc/app.key,uid=12,gid=34,mode=0440", "busybox",
                   "sh", "-c", "stat -c '%a %u %g' /etc/app.key; cat /etc/app.key").stdout
    assert out == "440 12 34\n" + DATA
    bad = podpy_bb("run", "--rm", "--secret", "pw,type=env,uid=1", "busybox", "true", check=False)
    assert bad.returncode == 125 and bad.stderr.count("Error:") == 1
    podpy_bb("create", "--name", "user", "--secret", "pw", "busybox", "cat", "/run/secrets/pw")
    podpy_bb("secret", "create", "--replace", "pw", "-", input="rotated")
    assert podpy_bb("start", "-a", "user").stdout == "rotated"  # a replaced secret is found by its name
    assert podpy_bb("secret", "rm", "pw").returncode == 0  # Podman 4.3 does not hold a used secret back
    start = podpy_bb("start", "-a", "user", check=False)
    assert start.returncode == 125 and 'no secret with name or id "pw"' in start.stderr
    assert podpy_bb("logs", "user").stdout == "rotated"  # the failed start wrote nothing
    podpy_bb("rm", "user")
