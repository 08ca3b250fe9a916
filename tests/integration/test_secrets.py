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
