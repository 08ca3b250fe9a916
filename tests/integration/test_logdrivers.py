"""--log-driver k8s-file|json-file|none|passthrough and --log-opt max-size/path/tag, with real containers."""

from __future__ import annotations

import os
import subprocess
import time

from tests.conftest import needs_root
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root


def _log_config(podpy: Podpy, name: str) -> dict[str, object]:
    config = podpy.json("inspect", name)[0]["HostConfig"]["LogConfig"]  # type: ignore[index]
    assert isinstance(config, dict)
    return config


def test_json_file_is_k8s_file_as_in_podman_4_3(podpy_bb: Podpy) -> None:
    run = podpy_bb("run", "--name", "jf", "--log-driver", "json-file", "busybox", "sh",
                   "-c", "echo out; echo err >&2; printf 'no newline'")
    assert run.stdout == "out\nno newline"
    config = _log_config(podpy_bb, "jf")
    assert config["Type"] == "json-file" and config["Tag"] == "" and config["Size"] == "0B"
    path = str(config["Path"])
    assert path.endswith("/userdata/ctr.log")
    with open(path, encoding="utf-8") as f:
        records = sorted(line.split(" ", 1)[1] for line in f)
    assert records == ["stderr F err\n", "stdout F out\n", "stdout P no newline\n"]
    logs = podpy_bb("logs", "jf")
    assert logs.stdout == "out\nno newline" and logs.stderr == "err\n"
    stamped = podpy_bb("logs", "-t", "jf").stdout.splitlines()[0]
    assert stamped.endswith(" out")
    podpy_bb("rm", "jf")
    # conmon refuses a tag for k8s-file (so for json-file): the container cannot start.
    for driver in ("json-file", "k8s-file"):
        tagged = podpy_bb("run", "--rm", "--log-driver", driver, "--log-opt", "tag=web", "busybox", "true",
                          check=False)
        assert tagged.returncode == 126 and "k8s-file doesn't support --log-tag" in tagged.stderr


def test_k8s_file_is_the_default_and_path_option(podpy_bb: Podpy, tmp_path: object) -> None:
    podpy_bb("run", "--name", "kf", "busybox", "echo", "hi")
    config = _log_config(podpy_bb, "kf")
    assert config["Type"] == "k8s-file" and config["Size"] == "0B"
    with open(str(config["Path"]), encoding="utf-8") as f:
        assert f.read().split(" ", 1)[1] == "stdout F hi\n"
    custom = os.path.join(str(tmp_path), "my.log")
    podpy_bb("run", "--name", "kp", "--log-opt", f"path={custom}", "--log-opt", "max-size=1mb", "busybox",
             "echo", "there")
    config = _log_config(podpy_bb, "kp")
    assert config["Path"] == custom and config["Size"] == "1MB"
    with open(custom, encoding="utf-8") as f:
        assert f.read().endswith(" stdout F there\n")
    assert podpy_bb("logs", "kp").stdout == "there\n"
    podpy_bb("rm", "kf", "kp")


def test_max_size_restarts_the_log_as_conmon(podpy_bb: Podpy) -> None:
    script = "for i in $(seq 1 40); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done"
    podpy_bb("run", "--name", "rot", "--log-opt", "max-size=1000", "busybox", "sh", "-c", script)
    config = _log_config(podpy_bb, "rot")
    assert config["Size"] == "1kB"
    path = str(config["Path"])
    assert os.path.getsize(path) <= 1000
    lines = podpy_bb("logs", "rot").stdout.splitlines()
    # Each record is 96 bytes here: ten fit, the file restarted at line 31.
    assert len(lines) == 10 and lines[-1].startswith("line-40-") and lines[0].startswith("line-31-")
    assert not os.path.exists(path + ".tmp")
    podpy_bb("rm", "rot")


def test_logs_follow_across_a_rotation(podpy_bb: Podpy) -> None:
    script = ("sleep 0.5; for i in $(seq 1 40); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
              "sleep 0.02; done")
    for driver in ("k8s-file", "json-file"):
        name = f"follow-{driver}"
        podpy_bb("run", "-d", "--name", name, "--log-driver", driver, "--log-opt", "max-size=1000", "busybox",
                 "sh", "-c", script)
        followed = podpy_bb("logs", "-f", name, timeout=60).stdout.splitlines()
        assert followed == [f"line-{i}-" + "x" * 42 for i in range(1, 41)], driver
        podpy_bb("rm", name)


def test_none_driver(podpy_bb: Podpy) -> None:
    run = podpy_bb("run", "--name", "quiet", "--log-driver", "none", "busybox", "echo", "shown")
    assert run.stdout == "shown\n"
    assert _log_config(podpy_bb, "quiet") == {"Type": "none", "Config": None, "Path": "", "Tag": "", "Size": "0B"}
    logs = podpy_bb("logs", "quiet", check=False)
    assert logs.returncode == 125
    assert logs.stderr == ("Error: this container is using the 'none' log driver, cannot read logs: "
                           "this container is not logging output\n")
    podpy_bb("rm", "quiet")


def test_passthrough_hands_over_the_cli_streams(podpy_bb: Podpy) -> None:
    proc = subprocess.run([*podpy_bb.argv, "run", "--name", "pt", "--log-driver", "passthrough", "busybox", "sh",
                           "-c", "cat; echo err >&2; exit 3"], input=b"from stdin\n", capture_output=True,
                          env=podpy_env(), timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, b"from stdin\n", b"err\n")
    logs = podpy_bb("logs", "pt", check=False)
    assert logs.returncode == 125 and "'passthrough' log driver" in logs.stderr
    assert _log_config(podpy_bb, "pt")["Path"] == ""
    # Detached, the container keeps the CLI's stdout: Podman prints no ID then.
    out = os.path.join(os.path.dirname(podpy_bb.root), "detached.out")
    with open(out, "wb") as f:
        proc = subprocess.run([*podpy_bb.argv, "run", "-d", "--name", "ptd", "--log-driver", "passthrough",
                               "busybox", "sh", "-c", "sleep 0.3; echo late"], stdout=f, env=podpy_env(),
                              timeout=60)
    assert proc.returncode == 0
    assert podpy_bb("wait", "ptd").stdout == "0\n"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and os.path.getsize(out) == 0:
        time.sleep(0.05)
    with open(out, "rb") as f:
        assert f.read() == b"late\n"
    podpy_bb("rm", "pt", "ptd")


def test_bad_log_flags(podpy_bb: Podpy) -> None:
    cases = [
        (["--log-driver", "bogus"], "Error: running container create option: invalid log driver: invalid argument"),
        (["--log-opt", "max-size"], 'Error: invalid log option "max-size"'),
        (["--log-opt", "max-size=xx"], "Error: invalid size: 'xx'"),
    ]
    for flags, message in cases:
        result = podpy_bb("run", *flags, "busybox", "true", check=False)
        assert (result.returncode, result.stderr.strip()) == (125, message)
    assert podpy_bb("ps", "-a", "-q").stdout == ""
