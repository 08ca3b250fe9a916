"""Pods: create/ps/rm, members sharing the infra container's namespaces, pod-level limits, namespace joins."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


@pytest.fixture
def pp(podpy_bb: Podpy) -> Iterator[Podpy]:
    """The busybox store; every pod is removed (with its containers) afterwards."""
    yield podpy_bb
    podpy_bb("pod", "rm", "-a", "-f", check=False)


def _cgroup_dirs(pod_id: str) -> list[str]:
    root = "/sys/fs/cgroup"
    found = []
    for hierarchy in os.listdir(root):
        path = os.path.join(root, hierarchy, "podpy", f"pod-{pod_id}")
        if os.path.isdir(path):
            found.append(path)
    if os.path.isdir(os.path.join(root, "podpy", f"pod-{pod_id}")):
        found.append(os.path.join(root, "podpy", f"pod-{pod_id}"))
    return found


def test_create_ps_inspect_rm(pp: Podpy) -> None:
    pod_id = pp("pod", "create", "--name", "p1", "--label", "a=b").stdout.strip()
    assert len(pod_id) == 64
    rows = pp("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}").stdout.splitlines()
    assert rows == ["p1 Created 1"]
    data = pp.json("pod", "inspect", "p1")
    assert isinstance(data, dict)
    assert data["Id"] == pod_id and data["SharedNamespaces"] == ["ipc", "net", "uts"]
    assert data["Labels"] == {"a": "b"} and data["Containers"][0]["Id"] == data["InfraContainerID"]
    assert pp("pod", "exists", "p1", check=False).returncode == 0
    assert pp("pod", "exists", "nope", check=False).returncode == 1
    infra = pp("rm", data["InfraContainerID"], check=False)
    assert infra.returncode == 125 and "infra container of pod" in infra.stderr
    header = pp("pod", "ps").stdout.splitlines()[0].split()
    assert header[:4] == ["POD", "ID", "NAME", "STATUS"]
    names = pp("pod", "ps", "--ctr-names", "--format", "{{.ContainerNames}}").stdout.strip()
    assert names == f"{pod_id[:12]}-infra"
    assert pp("pod", "rm", "p1").stdout.strip() == pod_id
    assert pp("pod", "ps", "-q").stdout == "" and pp("ps", "-aq").stdout == ""
    assert _cgroup_dirs(pod_id) == []


def test_members_share_localhost_and_hostname(pp: Podpy) -> None:
    pp("pod", "create", "--name", "web")
    pp("run", "-d", "--pod", "web", "--name", "srv", "busybox", "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc")
    fetched = ""
    for _ in range(50):
        result = pp("run", "--rm", "--pod", "web", "busybox", "sh", "-c",
                    "wget -q -O- http://127.0.0.1:8080/hostname && hostname", check=False)
        if result.returncode == 0:
            fetched = result.stdout
            break
        time.sleep(0.1)
    assert fetched == "web\nweb\n"
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Running"
    assert pp("ps", "--format", "{{.Names}}", "--filter", "name=srv").stdout.strip() == "srv"
    in_pod = pp("ps", "-a", "--filter", "pod=web", "--format", "{{.Names}}").stdout.split()
    assert len(in_pod) == 2 and "srv" in in_pod
    assert pp("ps", "-a", "--filter", "pod=nope", "-q").stdout == ""


def test_run_pod_new_and_stop_start(pp: Podpy) -> None:
    pp("run", "-d", "--pod", "new:fresh", "--name", "sleeper", "busybox", "sleep", "60")
    assert pp("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}").stdout.strip() == \
        "fresh Running 2"
    assert pp("pod", "stop", "-t", "0", "fresh").stdout.strip()
    statuses = pp("pod", "ps", "--ctr-status", "--format", "{{.Status}} {{.ContainerStatuses}}").stdout.strip()
    assert statuses == "Exited exited,exited"
    pp("pod", "start", "fresh")
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Running"
    assert pp("pod", "ps", "--filter", "status=running", "-q").stdout.strip()
    assert pp("pod", "ps", "--filter", "status=exited", "-q").stdout.strip() == ""


def test_pod_memory_limit_oom(pp: Podpy) -> None:
    pp("pod", "create", "--name", "small", "--memory", "32m")
    result = pp("run", "--pod", "small", "--name", "hog", "busybox", "sh", "-c",
                "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived", check=False)
    assert result.returncode == 137 and "survived" not in result.stdout
    assert pp("inspect", "--format", "{{.State.OOMKilled}}", "hog").stdout.strip() == "true"
    assert pp.json("pod", "inspect", "small")["memory_limit"] == 32 * 1024 * 1024  # type: ignore[index]


def test_pod_rm_force_leaves_nothing(pp: Podpy) -> None:
    pod_id = pp("pod", "create", "--name", "gone", "-p", "80").stdout.strip()  # a bridge netns, a free host port
    pp("run", "-d", "--pod", "gone", "--name", "m1", "busybox", "sleep", "60")
    pp("run", "-d", "--pod", "gone", "--name", "m2", "busybox", "sleep", "60")
    pids = [int(pp("inspect", "--format", "{{.State.Pid}}", n).stdout) for n in ("m1", "m2")]
    infra = pp.json("pod", "inspect", "gone")["InfraContainerID"]  # type: ignore[index]
    pids.append(int(pp("inspect", "--format", "{{.State.Pid}}", infra).stdout))
    refused = pp("pod", "rm", "gone", check=False)
    assert refused.returncode == 125 and "running" in refused.stderr
    assert pp("pod", "rm", "-f", "gone").stdout.strip() == pod_id
    assert pp("ps", "-aq").stdout == "" and pp("pod", "ps", "-q").stdout == ""
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}")
    with open("/proc/mounts") as f:
        assert pp.root not in f.read()
    netns_dir = os.path.join(pp.runroot, "netns")
    assert not os.path.isdir(netns_dir) or os.listdir(netns_dir) == []
    for _ in range(50):  # the kernel deletes the namespace's veth pair in the background
        if not [link for link in os.listdir("/sys/class/net") if link.startswith(f"vp{infra[:7]}")]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the infra container's veth is still there")
    assert _cgroup_dirs(pod_id) == []


def test_network_container_join(pp: Podpy) -> None:
    pp("run", "-d", "--name", "holder", "--hostname", "holder", "busybox", "busybox", "httpd", "-f", "-p", "8081",
       "-h", "/etc")
    out = ""
    for _ in range(50):
        result = pp("run", "--rm", "--network", "container:holder", "--uts", "container:holder", "busybox",
                    "sh", "-c", "wget -q -O- http://127.0.0.1:8081/hostname && hostname", check=False)
        if result.returncode == 0:
            out = result.stdout
            break
        time.sleep(0.1)
    assert out == "holder\nholder\n"
    pp("create", "--name", "joiner", "--network", "container:holder", "busybox", "true")
    refused = pp("rm", "-f", "holder", check=False)
    assert refused.returncode == 125 and "dependent containers" in refused.stderr
    pp("rm", "joiner")
    pp("rm", "-f", "holder")


def test_bad_and_duplicate_names(pp: Podpy) -> None:
    bad = pp("pod", "create", "--name", "b@d", check=False)
    assert bad.returncode == 125 and len(bad.stderr.splitlines()) == 1 and "names must match" in bad.stderr
    pp("pod", "create", "--name", "dup")
    again = pp("pod", "create", "--name", "dup", check=False)
    assert again.returncode == 125 and again.stderr.strip() == \
        'Error: adding pod to state: name "dup" is in use: pod already exists'
    pp("create", "--name", "ctrname", "busybox", "true")
    clash = pp("pod", "create", "--name", "ctrname", check=False)
    assert clash.returncode == 125 and len(clash.stderr.splitlines()) == 1
    clash2 = pp("create", "--name", "dup", "busybox", "true", check=False)
    assert clash2.returncode == 125 and "already in use" in clash2.stderr
    missing = pp("run", "--pod", "nope", "busybox", "true", check=False)
    assert missing.returncode == 125 and "no pod with name or ID nope found" in missing.stderr
    assert pp("pod", "ps", "--format", "{{.Name}}").stdout.split() == ["dup"]
    assert sorted(pp("ps", "-a", "--format", "{{.Names}}").stdout.split()) == sorted(
        ["ctrname", pp.json("pod", "inspect", "dup")["Containers"][0]["Name"]])  # type: ignore[index]
    pp("rm", "ctrname")


def test_exit_policy_infra_false_replace_and_ps_pod(pp: Podpy) -> None:
    pp("pod", "create", "--name", "ep", "--exit-policy", "stop")
    pp("run", "--pod", "ep", "busybox", "true")
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Exited"
    first = pp("pod", "create", "--name", "ep", "--replace").stdout.strip()
    assert pp("pod", "ps", "-q", "--no-trunc").stdout.strip() == first
    pp("pod", "create", "--name", "bare", "--infra=false")
    assert pp.json("pod", "inspect", "bare")["CreateInfra"] is False  # type: ignore[index]
    refused = pp("pod", "create", "--infra=false", "--share", "net", check=False)
    assert refused.returncode == 125 and "without an infra container" in refused.stderr
    pp("run", "-d", "--pod", "bare", "--name", "lone", "busybox", "sleep", "60")
    rows = pp("ps", "--pod", "--format", "{{.Names}} {{.PodName}} {{.IsInfra}}").stdout.splitlines()
    assert rows == ["lone bare false"]
    ports = pp("run", "--pod", "ep", "-p", "8000:80", "busybox", "true", check=False)
    assert ports.returncode == 125 and "must be defined when the pod is created" in ports.stderr


def test_pause_kill_top_stats(pp: Podpy) -> None:
    pp("run", "-d", "--pod", "new:ops", "--name", "worker", "busybox", "sleep", "60")
    pp("pod", "pause", "ops")
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Paused"
    pp("pod", "unpause", "ops")
    top = pp("pod", "top", "ops").stdout
    assert "podpy-pause" in top and "sleep 60" in top
    stats = pp("pod", "stats", "--no-stream", "--format", "{{.Name}} {{.PIDS}}", "ops").stdout.split("\n")
    assert "worker 1" in stats
    pp("pod", "kill", "ops")
    for _ in range(50):
        if pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Exited":
            break
        time.sleep(0.1)
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Exited"
    assert pp("pod", "prune", "-f").stdout.strip()
    assert pp("pod", "ps", "-q").stdout == "" and pp("ps", "-aq").stdout == ""


def test_members_share_hosts_and_resolv_conf(pp: Podpy) -> None:
    pp("pod", "create", "--name", "hx", "--add-host", "foo:1.2.3.4", "--dns", "9.9.9.9", "--hostname", "hh")
    pp("create", "--pod", "hx", "--name", "first", "busybox", "true")
    pp("start", "first")
    out = pp("run", "--rm", "--pod", "hx", "--name", "second", "busybox", "sh", "-c",
             "cat /etc/hosts /etc/resolv.conf; hostname").stdout
    assert "1.2.3.4\tfoo" in out and "nameserver 9.9.9.9" in out and out.endswith("hh\n")
    assert "\tfirst\n" in out and "\tsecond\n" in out  # members reach each other by name


def test_rm_all_takes_pods_along(pp: Podpy) -> None:
    pp("pod", "create", "--name", "ra")
    pp("create", "--pod", "ra", "--name", "member", "busybox", "true")
    pp("create", "--name", "lone", "busybox", "true")
    removed = pp("rm", "-a").stdout.split()
    assert len(removed) == 3
    assert pp("ps", "-aq").stdout == "" and pp("pod", "ps", "-q").stdout == ""


def test_share_plus_and_run_rm_new_pod(pp: Podpy) -> None:
    pp("pod", "create", "--name", "sp", "--share", "+pid")
    assert pp.json("pod", "inspect", "sp")["SharedNamespaces"] == ["ipc", "net", "pid", "uts"]  # type: ignore[index]
    procs = pp("run", "--rm", "--pod", "sp", "busybox", "ps", "-o", "pid,comm").stdout
    assert "1 podpy-pause" in procs
    pp("run", "--rm", "--pod", "new:tmp", "busybox", "true")
    assert pp("pod", "ps", "--format", "{{.Name}}").stdout.split() == ["sp"]


def test_pod_cpuset_and_shares(pp: Podpy) -> None:
    pp("pod", "create", "--name", "cs", "--cpuset-cpus", "0", "--cpu-shares", "512")
    out = pp("run", "--rm", "--pod", "cs", "busybox", "sh", "-c", "grep Cpus_allowed_list /proc/self/status").stdout
    assert out.split() == ["Cpus_allowed_list:", "0"]
    data = pp.json("pod", "inspect", "cs")
    assert isinstance(data, dict) and data["cpuset_cpus"] == "0" and data["cpu_shares"] == 512


def test_infra_options_pod_id_file_limits_logs_restart(pp: Podpy, tmp_path: object) -> None:
    id_file = os.path.join(str(tmp_path), "pod.id")
    pod_id = pp("pod", "create", "--name", "opts", "--network", "none", "--infra-name", "opts-infra",
                "--infra-command", "/podpy-pause", "--pod-id-file", id_file, "--pids-limit", "64",
                "--cpus", "0.5").stdout.strip()
    with open(id_file) as f:
        assert f.read().strip() == pod_id
    info = pp("pod", "inspect", "opts", "--format", "{{.InfraContainerID}}").stdout.strip()
    infra = pp("inspect", "opts-infra", "--format", "{{.Id}} {{.Config.Entrypoint}}").stdout.split(" ", 1)
    assert infra[0] == info and "/podpy-pause" in infra[1]
    pp("run", "-d", "--pod", "opts", "--name", "talker", "busybox", "sh", "-c",
       "echo hello from the pod; sleep 60")
    limits = [d for d in _cgroup_dirs(pod_id) if os.path.exists(os.path.join(d, "pids.max"))]
    assert limits
    with open(os.path.join(limits[0], "pids.max")) as f:
        assert f.read().strip() == "64"
    for _ in range(50):
        if "hello from the pod" in pp("pod", "logs", "opts").stdout:
            break
        time.sleep(0.1)
    assert "hello from the pod" in pp("pod", "logs", "opts").stdout
    pp("pod", "restart", "opts")
    assert pp("pod", "ps", "--format", "{{.Status}}").stdout.strip() == "Running"
    assert pp("ps", "--filter", "name=talker", "--format", "{{.Status}}").stdout.startswith("Up")
