"""End to end through the real CLI: real runc, real overlayfs, the real monitor."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def test_run_hello_offline_on_fresh_store(podpy: Podpy) -> None:
    result = podpy("run", "--rm", "hello")
    assert result.returncode == 0
    assert "Hello from podpy!" in result.stdout
    assert podpy("ps", "-a", "-q").stdout == ""
    assert "localhost/hello" in podpy("images").stdout


def test_exit_code_is_the_containers(podpy_bb: Podpy) -> None:
    result = podpy_bb("run", "--rm", "localhost/busybox", "sh", "-c", "exit 3", check=False)
    assert result.returncode == 3
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_stdout_stderr_and_logs(podpy_bb: Podpy) -> None:
    result = podpy_bb("run", "--name", "talker", "busybox", "sh", "-c", "echo out; echo err >&2; printf tail")
    assert result.stdout == "out\ntail"
    assert result.stderr == "err\n"
    logs = podpy_bb("logs", "talker")
    assert logs.stdout == "out\ntail" and logs.stderr == "err\n"
    assert podpy_bb("logs", "--tail", "1", "talker").stdout == "tail"
    podpy_bb("rm", "talker")


def test_ps_lists_containers_from_other_runs(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "first", "busybox", "true")
    podpy_bb("run", "--name", "second", "busybox", "sh", "-c", "exit 2", check=False)
    lines = podpy_bb("ps", "-a", "--format", "{{.ID}} {{.Status}}").stdout.splitlines()
    assert len(lines) == 2
    assert any(line.split(" ", 1)[1].startswith("Exited (2)") for line in lines)
    assert any(line.split(" ", 1)[1].startswith("Exited (0)") for line in lines)
    names = podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert sorted(names) == ["first", "second"]
    table = podpy_bb("ps", "-a").stdout.splitlines()
    assert table[0].split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]


def test_detached_run_ps_logs_rm(podpy_bb: Podpy) -> None:
    cid = podpy_bb("run", "-d", "--name", "sleeper", "busybox", "sh", "-c", "echo started; sleep 60").stdout.strip()
    assert len(cid) == 64
    running = podpy_bb("ps", "--format", "{{.ID}} {{.State}}").stdout.split()
    assert running == [cid[:12], "running"]
    inspect = podpy_bb.json("inspect", "sleeper")
    assert isinstance(inspect, list) and inspect[0]["State"]["Running"] is True and inspect[0]["State"]["Pid"] > 0
    assert inspect[0]["Id"] == cid and inspect[0]["Name"] == "sleeper"
    rm = podpy_bb("rm", "sleeper", check=False)
    assert rm.returncode == 2 and rm.stderr.startswith("Error: ")
    assert "started" in podpy_bb("logs", "sleeper").stdout
    assert podpy_bb("rm", "-f", "sleeper").stdout.strip() == "sleeper"
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_detached_rm_is_removed_by_the_exit_command(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--rm", "--name", "quick", "busybox", "true")
    for _ in range(100):
        if podpy_bb("ps", "-a", "-q").stdout == "":
            break
        subprocess.run(["sleep", "0.1"])
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def _mount_options(cid: str) -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split(" - ")[1] for line in f if f"/{cid}/merged " in line]


def test_rm_containers_mount_volatile(podpy_bb: Podpy) -> None:
    """--rm containers skip the upper filesystem's sync at unmount (Podman does the same)."""
    throwaway = podpy_bb("run", "-d", "--rm", "busybox", "sleep", "60").stdout.strip()
    kept = podpy_bb("run", "-d", "busybox", "sleep", "60").stdout.strip()
    assert any("volatile" in opts for opts in _mount_options(throwaway))
    assert _mount_options(kept) and not any("volatile" in opts for opts in _mount_options(kept))
    podpy_bb("rm", "-f", throwaway, kept)
    assert podpy_bb("run", "--rm", "busybox", "sh", "-c", "echo x > /f; cat /f").stdout == "x\n"


def test_twenty_concurrent_runs(podpy_bb: Podpy) -> None:
    def one(i: int) -> int:
        return podpy_bb("run", "--rm", "busybox", "sh", "-c", f"exit {i % 5}", check=False, timeout=300).returncode

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(one, range(20)))
    assert codes == [i % 5 for i in range(20)]
    assert podpy_bb("ps", "-a", "-q").stdout == ""


def test_twenty_concurrent_runs_on_fresh_store_load_hello_once(podpy: Podpy) -> None:
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: podpy("run", "--rm", "hello", check=False, timeout=300), range(20)))
    assert [r.returncode for r in results] == [0] * 20, [r.stderr for r in results if r.returncode]
    assert len(podpy("images", "-q").stdout.split()) == 1


def test_process_settings(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "-u", "tester", "-w", "/tmp", "-e", "FOO=bar", "--hostname", "box",
                   "busybox", "sh", "-c", "id -u; id -G; pwd; echo $FOO; hostname; echo $HOME").stdout.split("\n")
    assert out[:6] == ["1000", "1000 2000", "/tmp", "bar", "box", "/home"]


@pytest.mark.parametrize(("mode", "expect_host_links"), [("none", False), ("host", True)])
def test_network_modes(podpy_bb: Podpy, mode: str, expect_host_links: bool) -> None:
    links = podpy_bb("run", "--rm", "--network", mode, "busybox", "ls", "/sys/class/net").stdout.split()
    assert "lo" in links
    # Other users of this host make and delete links meanwhile: any host link seen is enough.
    assert bool(set(links) & set(os.listdir("/sys/class/net")) - {"lo"}) is expect_host_links
    if mode == "none":
        assert links == ["lo"]


def test_bad_input(podpy_bb: Podpy) -> None:
    r = podpy_bb("frobnicate", check=False)
    assert r.returncode == 125 and r.stderr.startswith("Error: unrecognized command")
    r = podpy_bb("run", "--no-such-flag", "busybox", check=False)
    assert r.returncode == 125 and r.stderr.startswith("Error: unknown flag: --no-such-flag")
    r = podpy_bb("run", "--rm", "--pull", "never", "localhost/nothere", check=False)
    assert r.returncode == 125 and r.stderr.startswith("Error: ") and len(r.stderr.splitlines()) == 1
    assert "image not known" in r.stderr
    podpy_bb("run", "--name", "dup", "busybox", "true")
    r = podpy_bb("run", "--name", "dup", "busybox", "true", check=False)
    assert r.returncode == 125 and "already in use" in r.stderr and len(r.stderr.splitlines()) == 1
    r = podpy_bb("run", "busybox", "/bin/nope", check=False)
    assert r.returncode == 127 and r.stderr.startswith("Error: ") and len(r.stderr.splitlines()) == 1
    r = podpy_bb("run", "busybox", "/bin/notexec", check=False)
    assert r.returncode == 126 and r.stderr.startswith("Error: ")
    assert podpy_bb("ps", "-a", "--format", "{{.Names}}").stdout.split() == ["dup"]
    r = podpy_bb("rm", "nothere", check=False)
    assert r.returncode == 1 and r.stderr.startswith("Error: ")


def test_inspect_and_images_formats(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "fmt", "-l", "k=v", "busybox", "true")
    assert podpy_bb("inspect", "--format", '{{index .Config.Labels "k"}}', "fmt").stdout == "v\n"
    assert podpy_bb("inspect", "--format", "{{.State.ExitCode}} {{.Name}}", "fmt").stdout == "0 fmt\n"
    images = json.loads(podpy_bb("images", "--format", "json").stdout)
    assert images[0]["Names"] == ["localhost/busybox:latest"]
    assert podpy_bb("images", "--format", "{{.Repository}}:{{.Tag}}").stdout == "localhost/busybox:latest\n"
    image = podpy_bb.json("image", "inspect", "busybox")
    assert isinstance(image, list) and image[0]["Config"]["Cmd"] == ["sh"]


def test_reboot_marks_running_containers_exited(podpy_bb: Podpy) -> None:
    podpy_bb("run", "-d", "--name", "survivor", "busybox", "sleep", "60")
    db = sqlite3.connect(os.path.join(podpy_bb.root, "podpy.db"))
    with db:
        db.execute("UPDATE meta SET value='previous-boot' WHERE key='boot_id'")
        db.execute("UPDATE containers SET boot_id='previous-boot'")
    db.close()
    status = podpy_bb("ps", "-a", "--format", "{{.State}}").stdout.split()
    assert status == ["exited"]
    podpy_bb("rm", "-f", "survivor")


def test_info_reports_the_probe(podpy: Podpy) -> None:
    text = podpy("info").stdout
    assert "ociRuntime:" in text and "cgroupManager: cgroupfs" in text
    data = podpy.json("info", "--format", "json")
    assert isinstance(data, dict)
    host = data["host"]
    assert host["ociRuntime"]["name"] in ("runc", "crun")
    assert host["cgroupVersion"] in ("v1", "v2")
    assert any("OCI runtime" in reason for reason in host["probeReasons"])
    assert data["store"]["graphRoot"] == podpy.root
    line = podpy("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Store.GraphRoot}}").stdout
    assert line == f"{host['ociRuntime']['name']} {podpy.root}\n"


def test_debug_log_level_says_why(podpy: Podpy) -> None:
    result = podpy("--log-level", "debug", "run", "--rm", "hello")
    assert "level=debug" in result.stderr and "host probe: OCI runtime" in result.stderr
    assert "Hello from podpy!" in result.stdout


def test_load_refuses_corrupt_layout_and_leaves_nothing(podpy: Podpy, busybox_layout: str, tmp_path: object) -> None:
    import shutil

    broken = os.path.join(str(tmp_path), "broken")
    shutil.copytree(busybox_layout, broken)
    with open(os.path.join(broken, "index.json")) as f:
        index = json.load(f)
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    with open(os.path.join(broken, "blobs", "sha256", manifest_digest)) as f:
        manifest = json.load(f)
    layer = os.path.join(broken, "blobs", "sha256", manifest["layers"][0]["digest"].split(":")[1])
    with open(layer, "r+b") as f:
        f.seek(100)
        f.write(b"corrupt!")
    result = podpy("load", "-i", broken, check=False)
    assert result.returncode == 125 and result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert podpy("images", "-q").stdout == ""
    overlay = os.path.join(podpy.root, "overlay")
    assert [d for d in os.listdir(overlay) if d != "l"] == [] and os.listdir(os.path.join(overlay, "l")) == []
    podpy("load", "-i", busybox_layout)
    assert podpy("images", "--format", "{{.Repository}}").stdout == "localhost/busybox\n"


def test_missing_workdir_is_created_for_the_user(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "-w", "/new/deep/dir", "-u", "1000:1000", "busybox", "sh", "-c",
                   "pwd; busybox stat -c '%u:%g' /new/deep/dir").stdout
    assert out == "/new/deep/dir\n1000:1000\n"


def test_rootfs_runs_in_an_exploded_directory(podpy: Podpy, tmp_path: object) -> None:
    import shutil as _shutil

    root = os.path.join(str(tmp_path), "rootfs")
    os.makedirs(os.path.join(root, "bin"))
    _shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    os.symlink("busybox", os.path.join(root, "bin", "sh"))
    with open(os.path.join(root, "marker"), "w") as f:
        f.write("exploded\n")
    out = podpy("run", "--rm", "--rootfs", root, "/bin/sh", "-c", "cat /marker; echo new > /written")
    assert out.stdout == "exploded\n"
    assert os.path.exists(os.path.join(root, "written"))  # no overlay: the directory itself
    cid = podpy("create", "--name", "rf", "--rootfs", root, "/bin/sh", "-c", "exit 4").stdout.strip()
    assert podpy.json("inspect", "rf")[0]["ImageName"] == root
    assert podpy("start", "-a", "rf", check=False).returncode == 4
    podpy("rm", cid)
    assert os.path.exists(os.path.join(root, "marker"))  # rm leaves the directory alone
    bad = podpy("run", "--rm", "--rootfs", os.path.join(root, "nope"), "/bin/sh", check=False)
    assert bad.returncode == 125 and "not a directory" in bad.stderr
