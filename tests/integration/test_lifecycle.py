"""create / start / stop / kill / wait through the real CLI."""

from __future__ import annotations

import os
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _state(podpy: Podpy, name: str) -> str:
    return podpy("inspect", "--format", "{{.State.Status}}", name).stdout.strip()


def test_create_start_stop_start_again(podpy_bb: Podpy) -> None:
    cid = podpy_bb("create", "--name", "life", "busybox", "sleep", "60").stdout.strip()
    assert len(cid) == 64 and _state(podpy_bb, "life") == "created"
    assert podpy_bb("ps", "-a", "--format", "{{.Status}}").stdout.strip() == "Created"
    assert podpy_bb("start", "life").stdout.strip() == "life"
    assert _state(podpy_bb, "life") == "running"
    started = time.monotonic()
    assert podpy_bb("stop", "-t", "1", "life").stdout.strip() == "life"
    assert time.monotonic() - started < 8
    assert _state(podpy_bb, "life") == "exited"
    # sleep as PID 1 ignores SIGTERM: stop had to SIGKILL it
    assert podpy_bb("inspect", "--format", "{{.State.ExitCode}}", "life").stdout.strip() == "137"
    podpy_bb("start", "life")
    assert _state(podpy_bb, "life") == "running"
    podpy_bb("rm", "-f", "life")


def test_kill_and_wait(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "target", "busybox", "sh", "-c",
             "trap 'exit 42' TERM; while true; do sleep 0.1; done")
    time.sleep(0.3)
    assert podpy_bb("kill", "-s", "TERM", "target").stdout.strip() == "target"
    assert podpy_bb("wait", "target").stdout.strip() == "42"
    result = podpy_bb("kill", "target", check=False)
    assert result.returncode == 125 and "can only kill running containers" in result.stderr
    podpy_bb("rm", "target")


def test_wait_returns_exit_code_and_start_attach(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "five", "busybox", "sh", "-c", "echo hi; exit 5")
    attached = podpy_bb("start", "-a", "five", check=False)
    assert attached.returncode == 5 and attached.stdout == "hi\n"
    assert podpy_bb("wait", "five").stdout.strip() == "5"
    podpy_bb("rm", "five")


def test_stop_all_and_missing(podpy_bb: Podpy) -> None:
    for name in ("a1", "a2"):
        podpy_bb("run", "-d", "--name", name, "busybox", "sleep", "60")
    podpy_bb("stop", "-a", "-t", "0")
    assert sorted(podpy_bb("ps", "-a", "--format", "{{.Names}} {{.State}}").stdout.splitlines()) == [
        "a1 exited", "a2 exited"]
    missing = podpy_bb("stop", "nothere", check=False)
    assert missing.returncode == 125 and missing.stderr.startswith("Error: ")
    assert podpy_bb("stop", "--ignore", "nothere").returncode == 0


def test_logs_follow_until_exit(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "ticker", "busybox", "sh", "-c", "for i in 1 2 3; do echo tick$i; sleep 0.3; done")
    followed = podpy_bb("logs", "-f", "ticker", timeout=30)
    assert followed.stdout == "tick1\ntick2\ntick3\n"
    podpy_bb("rm", "ticker")


def test_exists_and_rename(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "old", "busybox", "true")
    assert podpy_bb("container", "exists", "old").returncode == 0
    assert podpy_bb("container", "exists", "nope", check=False).returncode == 1
    podpy_bb("rename", "old", "new")
    assert podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout == "new\n"
    assert podpy_bb("inspect", "--format", "{{.Name}}", "new").stdout == "new\n"
    podpy_bb("create", "--name", "other", "busybox", "true")
    clash = podpy_bb("rename", "new", "other", check=False)
    assert clash.returncode == 125 and "already in use" in clash.stderr
    podpy_bb("rm", "new", "other")


def test_ps_filters(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "ok", "-l", "team=a", "busybox", "true")
    podpy_bb("run", "--name", "bad", "-l", "team=b", "busybox", "sh", "-c", "exit 3", check=False)
    podpy_bb("run", "-d", "--name", "up", "-l", "team=a", "busybox", "sleep", "60")

    def names(*filters: str) -> list[str]:
        args = [arg for f in filters for arg in ("--filter", f)]
        return sorted(podpy_bb("ps", "-a", *args, "--format", "{{.Names}}").stdout.split())

    assert names("label=team=a") == ["ok", "up"]
    assert names("status=exited") == ["bad", "ok"]
    assert names("exited=3") == ["bad"]
    assert names("name=^u") == ["up"]
    assert names("label=team=a", "status=running") == ["up"]
    assert names("status=running", "status=exited") == ["bad", "ok", "up"]
    assert podpy_bb("ps", "--filter", "status=exited", "--format", "{{.Names}}").stdout.split() != []
    bad = podpy_bb("ps", "--filter", "colour=red", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: ")
    podpy_bb("rm", "-f", "ok", "bad", "up")


def test_exec(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "host", "-e", "BASE=1", "busybox", "sleep", "60")
    out = podpy_bb("exec", "host", "sh", "-c", "echo $BASE; echo err >&2; exit 4", check=False)
    assert (out.returncode, out.stdout, out.stderr) == (4, "1\n", "err\n")
    who = podpy_bb("exec", "-u", "tester", "-w", "/tmp", "-e", "X=y", "host", "sh", "-c", "id -u; pwd; echo $X")
    assert who.stdout == "1000\n/tmp\ny\n"
    piped = podpy_bb("exec", "-i", "host", "cat", input="through stdin\n")
    assert piped.stdout == "through stdin\n"
    missing = podpy_bb("exec", "host", "/bin/nope", check=False)
    assert missing.returncode == 127 and missing.stderr.startswith("Error: ") and len(missing.stderr.splitlines()) == 1
    noexec = podpy_bb("exec", "host", "/bin/notexec", check=False)
    assert noexec.returncode == 126 and noexec.stderr.startswith("Error: ")
    podpy_bb("stop", "-t", "0", "host")
    stopped = podpy_bb("exec", "host", "true", check=False)
    assert stopped.returncode == 125 and "running containers" in stopped.stderr
    podpy_bb("rm", "host")


def test_pause_unpause_restart(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "frozen", "busybox", "sleep", "60")
    assert podpy_bb("pause", "frozen").stdout.strip() == "frozen"
    assert _state(podpy_bb, "frozen") == "paused"
    again = podpy_bb("pause", "frozen", check=False)
    assert again.returncode == 125 and again.stderr.startswith("Error: ")
    podpy_bb("unpause", "frozen")
    assert _state(podpy_bb, "frozen") == "running"
    pid_before = podpy_bb("inspect", "--format", "{{.State.Pid}}", "frozen").stdout
    podpy_bb("restart", "-t", "0", "frozen")
    assert _state(podpy_bb, "frozen") == "running"
    assert podpy_bb("inspect", "--format", "{{.State.Pid}}", "frozen").stdout != pid_before
    podpy_bb("pause", "frozen")
    started = time.monotonic()
    podpy_bb("rm", "-f", "frozen")
    assert time.monotonic() - started < 5


def test_top(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "busy", "busybox", "sh", "-c", "sleep 100 & sleep 100")
    time.sleep(0.3)
    lines = podpy_bb("top", "busy").stdout.splitlines()
    assert lines[0].split() == ["USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) >= 2 and {r[0] for r in rows} == {"root"}
    assert rows[0][1:3] == ["1", "0"] and rows[0][7] in ("sh", "sleep")
    assert all(r[2] == "1" for r in rows[1:])
    custom = podpy_bb("top", "busy", "pid,comm").stdout.splitlines()
    assert custom[0].split() == ["PID", "COMMAND"] and custom[1].split()[0] == "1"
    podpy_bb("rm", "-f", "busy")


def test_container_prune(podpy_bb: Podpy) -> None:
    done = podpy_bb("create", "--name", "done", "busybox", "true").stdout.strip()
    podpy_bb("run", "-d", "--name", "alive", "busybox", "sleep", "60")
    assert podpy_bb("container", "prune", "-f").stdout.split() == [done]
    assert podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout.split() == ["alive"]
    podpy_bb("rm", "-f", "alive")


def test_mount_and_umount(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "m", "busybox", "true")
    path = podpy_bb("mount", "m").stdout.strip()
    assert os.path.isfile(os.path.join(path, "bin", "busybox"))
    assert podpy_bb("mount").stdout.split()[1] == path
    podpy_bb("umount", "m")
    assert not os.path.exists(os.path.join(path, "bin", "busybox"))
    assert podpy_bb("mount").stdout == ""
    podpy_bb("rm", "m")


def test_start_of_a_mounted_container_mounts_once(podpy_bb: Podpy) -> None:
    podpy_bb("create", "--name", "pre", "busybox", "true")
    path = podpy_bb("mount", "pre").stdout.strip()
    podpy_bb("start", "-a", "pre")
    with open("/proc/self/mountinfo") as f:
        assert not any(line.split()[4] == path for line in f)
    podpy_bb("rm", "pre")


def test_bind_mounts_and_tmpfs(podpy_bb: Podpy, tmp_path: object) -> None:
    host = os.path.join(str(tmp_path), "shared")
    os.makedirs(host)
    with open(os.path.join(host, "in"), "w") as f:
        f.write("from host\n")
    out = podpy_bb("run", "--rm", "-v", f"{host}:/data", "--tmpfs", "/scratch", "busybox", "sh", "-c",
                   "cat /data/in; echo from container > /data/out; touch /scratch/x; mount | grep -c ' /scratch '")
    assert out.stdout.split("\n")[:2] == ["from host", "1"]
    with open(os.path.join(host, "out")) as f:
        assert f.read() == "from container\n"
    ro = podpy_bb("run", "--rm", "-v", f"{host}:/data:ro", "busybox", "touch", "/data/nope", check=False)
    assert ro.returncode != 0 and not os.path.exists(os.path.join(host, "nope"))
    podpy_bb("create", "--name", "withmount", "-v", f"{host}:/data:ro,z", "busybox", "cat", "/data/in")
    mounts = podpy_bb.json("inspect", "withmount")
    assert isinstance(mounts, list)
    assert mounts[0]["Mounts"][0]["Destination"] == "/data" and mounts[0]["Mounts"][0]["RW"] is False
    assert podpy_bb("start", "-a", "withmount").stdout == "from host\n"  # the mount survives into start
    assert podpy_bb("ps", "-a", "--format", "{{.Mounts}}").stdout.strip() == "[/data]"
    podpy_bb("rm", "withmount")
    missing = podpy_bb("run", "--rm", "-v", "/no/such/dir:/x", "busybox", "true", check=False)
    assert missing.returncode == 125 and missing.stderr.startswith("Error: statfs /no/such/dir")
    bad = podpy_bb("run", "--rm", "-v", "my vol:/x", "busybox", "true", check=False)
    assert bad.returncode == 125 and bad.stderr == ('Error: creating named volume "my vol": running volume create '
                                                    "option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                                                    "invalid argument\n")
    assert podpy_bb("volume", "ls", "-q").stdout == ""
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_replace_cidfile_env_and_label_files(podpy_bb: Podpy, tmp_path: object) -> None:
    base = str(tmp_path)
    env_file = os.path.join(base, "env")
    with open(env_file, "w") as f:
        f.write("# comment\nFROM_FILE=yes\n\nSECOND=2\n")
    label_file = os.path.join(base, "labels")
    with open(label_file, "w") as f:
        f.write("team=core\n")
    cidfile = os.path.join(base, "cid")
    cid = podpy_bb("create", "--name", "r", "--cidfile", cidfile, "--env-file", env_file, "--label-file",
                   label_file, "busybox", "sh", "-c", "echo $FROM_FILE$SECOND").stdout.strip()
    with open(cidfile) as f:
        assert f.read() == cid
    again = podpy_bb("create", "--cidfile", cidfile, "busybox", "true", check=False)
    assert again.returncode == 125 and "container id file exists" in again.stderr
    assert podpy_bb("start", "-a", "r").stdout == "yes2\n"
    assert podpy_bb("inspect", "--format", '{{index .Config.Labels "team"}}', "r").stdout == "core\n"
    clash = podpy_bb("create", "--name", "r", "busybox", "true", check=False)
    assert clash.returncode == 125
    new_id = podpy_bb("create", "--replace", "--name", "r", "busybox", "true").stdout.strip()
    assert new_id != cid and podpy_bb("ps", "-a", "--format", "{{.ID}}", "--no-trunc").stdout.split() == [new_id]
    podpy_bb("rm", "r")


def test_wait_after_rm_returns_the_real_exit_code(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--rm", "--name", "brief", "busybox", "sh", "-c", "sleep 0.5; exit 9")
    assert podpy_bb("wait", "brief").stdout.strip() == "9"
    for _ in range(100):
        if podpy_bb("ps", "-a", "-q").stdout == "":
            break
        time.sleep(0.05)
    assert podpy_bb("wait", "brief").stdout.strip() == "9"  # removed by its exit command: the code is kept


def test_restart_all_running_and_latest(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "up", "busybox", "sleep", "600")
    podpy_bb("create", "--name", "down", "busybox", "true")
    assert podpy_bb("restart", "--all", "--running").stdout.split() == [podpy_bb.json("inspect", "up")[0]["Id"]]
    assert podpy_bb.json("inspect", "down")[0]["State"]["Status"] == "created"
    assert podpy_bb("restart", "--running", "up", check=False).returncode == 125
    podpy_bb("restart", "-t", "0", "--latest")  # the newest container: "down"
    assert podpy_bb("wait", "down").stdout == "0\n"
    podpy_bb("rm", "-f", "-t", "0", "up", "down")
