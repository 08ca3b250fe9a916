"""IPv6 (dual stack, NAT66), macvlan and ipvlan, connect with static addresses, UDP and ranged published
ports, a killed setup.

Every bridge, namespace and address is one the test makes (unique names, random subnets) and removes.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from tests.conftest import needs_root
from tests.integration import test_network
from tests.integration.test_network import _gone, _http_get, _links, _network, _new_links, _table, _unique, _unique6
from tests.support.podpy import Podpy, podpy_env

pytestmark = needs_root
server_ns = test_network.server_ns


def _table6_exists(podpy: Podpy) -> bool:
    return subprocess.run(["nft", "list", "table", "ip6", _table(podpy)], capture_output=True).returncode == 0


def _wget(podpy: Podpy, network: str, url: str) -> str:
    """A one-shot client container on ``network`` (retried while the server starts)."""
    for _ in range(30):
        res = podpy("run", "--rm", "--network", network, "busybox", "busybox", "timeout", "5", "wget", "-q",
                    "-O-", url, check=False)
        if res.returncode == 0:
            return res.stdout
        time.sleep(0.2)
    raise AssertionError(f"wget {url} failed: {res.stderr}")


HTTPD = "mkdir -p /www && echo {0} > /www/index.html && exec httpd -f -p 8080 -h /www"


def test_network_create_ipv6_subnets(podpy: Podpy) -> None:
    bridge, subnet = _unique()
    v6 = _unique6()
    podpy("network", "create", "--subnet", subnet, "--subnet", v6, "-o", f"com.docker.network.bridge.name={bridge}",
          "dual")
    data = json.loads(podpy("network", "inspect", "dual").stdout)[0]
    assert data["subnets"] == [{"subnet": subnet, "gateway": subnet.replace(".0/24", ".1")},
                               {"subnet": v6, "gateway": v6.replace("::/64", "::1")}]
    assert data["ipv6_enabled"] is True
    # --ipv6 alone: an IPv4 subnet from the pool and a random ULA /64 (as Podman 4.3 with netavark).
    podpy("network", "create", "--ipv6", "auto6")
    subnets = json.loads(podpy("network", "inspect", "auto6").stdout)[0]["subnets"]
    assert len(subnets) == 2 and "." in subnets[0]["subnet"]
    assert subnets[1]["subnet"].startswith("fd") and subnets[1]["subnet"].endswith("::/64")
    # An IPv6 subnet alone: IPv6 only; with --ipv6 an IPv4 one is added.
    only6 = _unique6()
    podpy("network", "create", "--subnet", only6, "only6")
    data = json.loads(podpy("network", "inspect", "only6").stdout)[0]
    assert [s["subnet"] for s in data["subnets"]] == [only6] and data["ipv6_enabled"] is True
    plus4 = _unique6()
    podpy("network", "create", "--ipv6", "--subnet", plus4, "plus4")
    subnets = json.loads(podpy("network", "inspect", "plus4").stdout)[0]["subnets"]
    assert subnets[0]["subnet"] == plus4 and "." in subnets[1]["subnet"]
    bad = podpy("network", "create", "--subnet", _unique6(), "--gateway", "10.0.0.1", "badgw", check=False)
    assert bad.returncode == 125 and "not in subnet" in bad.stderr
    clash = podpy("network", "create", "--subnet", v6, "clash", check=False)
    assert clash.returncode == 125 and "already used" in clash.stderr


def test_ipv6_dual_stack_containers(podpy_bb: Podpy, server_ns: tuple[str, str, str]) -> None:
    before = _links()
    v6 = _unique6()
    bridge, subnet = _network(podpy_bb, "dual", "--subnet", v6)
    base6 = v6.split("::")[0]
    port = random.randint(20000, 39999)
    podpy_bb("run", "-d", "--name", "web6", "--network", "dual", "-p", f"{port}:8080", "busybox", "sh", "-c",
             HTTPD.format("over-v6"))
    settings = json.loads(podpy_bb("inspect", "web6").stdout)[0]["NetworkSettings"]
    ip6 = settings["GlobalIPv6Address"]
    assert ip6.startswith(base6 + "::") and settings["GlobalIPv6PrefixLen"] == 64
    assert settings["IPv6Gateway"] == f"{base6}::1" and settings["IPAddress"].startswith(subnet[:-4])
    assert settings["Networks"]["dual"]["GlobalIPv6Address"] == ip6
    addrs = podpy_bb("exec", "web6", "/bin/busybox", "ip", "-o", "addr", "show", "eth0").stdout
    assert f"inet6 {ip6}/64" in addrs and f"inet {settings['IPAddress']}/24" in addrs
    routes = podpy_bb("exec", "web6", "/bin/busybox", "ip", "-6", "route").stdout
    assert f"default via {base6}::1" in routes
    assert _wget(podpy_bb, "dual", f"http://[{ip6}]:8080/index.html") == "over-v6\n"  # container to container
    assert _table6_exists(podpy_bb)
    # Out through NAT66 (the server has no route back to the subnet), and a published port over IPv6.
    out = _wget(podpy_bb, "dual", f"http://[{server_ns[2]}]:8000/index.html")
    assert out == "outside\n"
    assert _http_get(f"http://[{base6}::1]:{port}/index.html") == "over-v6\n"
    # Both of this store's tables flushed away (never the host's ruleset), then network reload.
    for family in ("ip", "ip6"):
        subprocess.run(["nft", "delete", "table", family, _table(podpy_bb)], check=True)
    with pytest.raises(OSError):
        _http_get(f"http://[{base6}::1]:{port}/index.html", wait=1)
    podpy_bb("network", "reload", "web6")
    assert _http_get(f"http://[{base6}::1]:{port}/index.html") == "over-v6\n"
    podpy_bb("rm", "-f", "web6")
    assert _gone(podpy_bb, bridge) and not _table6_exists(podpy_bb) and _new_links(before) == set()


def test_internal_dual_stack_network_cannot_reach_out(podpy_bb: Podpy, server_ns: tuple[str, str, str]) -> None:
    _network(podpy_bb, "closed6", "--internal", "--subnet", _unique6())
    _network(podpy_bb, "open6", "--subnet", _unique6())
    for target in (server_ns[0], f"[{server_ns[2]}]"):
        url = f"http://{target}:8000/index.html"
        assert _wget(podpy_bb, "open6", url) == "outside\n"  # the same address is reachable from elsewhere
        res = podpy_bb("run", "--rm", "--network", "closed6", "busybox", "busybox", "timeout", "3", "wget", "-q",
                       "-O-", url, check=False)
        assert res.returncode != 0


@pytest.fixture
def parent_link() -> Iterator[tuple[str, str]]:
    """A veth pair: one end on the host (the parent of macvlan/ipvlan networks), the other in a namespace of
    its own at .200 of a fresh /24 serving HTTP on port 8000. Yields (parent, /24 prefix)."""
    _, subnet = _unique()
    base = subnet.rsplit(".", 1)[0]
    ns = f"podpytest{random.randbytes(3).hex()}"
    parent = f"pp{random.randbytes(4).hex()}"
    cmds = [["ip", "netns", "add", ns], ["ip", "link", "add", parent, "type", "veth", "peer", "name", "eth0",
                                         "netns", ns],
            ["ip", "link", "set", parent, "up"], ["ip", "-n", ns, "addr", "add", f"{base}.200/24", "dev", "eth0"],
            ["ip", "-n", ns, "link", "set", "eth0", "up"], ["ip", "-n", ns, "link", "set", "lo", "up"]]
    server = None
    try:
        for cmd in cmds:
            subprocess.run(cmd, check=True, capture_output=True)
        server = subprocess.Popen(["ip", "netns", "exec", ns, "busybox", "sh", "-c",
                                   "mkdir -p /tmp/$$ && echo peer > /tmp/$$/index.html && "
                                   "exec busybox httpd -f -p 8000 -h /tmp/$$"])
        yield parent, base
    finally:
        if server is not None:
            server.kill()
            server.wait()
        subprocess.run(["ip", "link", "del", parent], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@pytest.mark.parametrize("driver", ["macvlan", "ipvlan"])
def test_macvlan_and_ipvlan(podpy_bb: Podpy, parent_link: tuple[str, str], driver: str) -> None:
    parent, base = parent_link
    probe = f"pq{random.randbytes(4).hex()}"
    made = subprocess.run(["ip", "link", "add", "link", parent, "name", probe, "type", driver], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"this kernel has no {driver}: {made.stderr.decode().strip()}")
    subprocess.run(["ip", "link", "del", probe], check=True)
    mode = "private" if driver == "macvlan" else "l2"
    missing = podpy_bb("network", "create", "-d", driver, "-o", f"parent={parent}", "nosub", check=False)
    assert missing.returncode == 125 and "needs at least one subnet" in missing.stderr
    podpy_bb("network", "create", "-d", driver, "-o", f"parent={parent}", "-o", "mode=bridge"
             if driver == "macvlan" else f"mode={mode}", "--subnet", f"{base}.0/24", "lan")
    data = json.loads(podpy_bb("network", "inspect", "lan").stdout)[0]
    assert data["driver"] == driver and data["network_interface"] == parent
    assert data["options"] == {"mode": "bridge" if driver == "macvlan" else mode}
    assert data["subnets"] == [{"subnet": f"{base}.0/24", "gateway": f"{base}.1"}]
    assert podpy_bb("network", "ls", "--filter", f"driver={driver}", "-q").stdout.split() == ["lan"]
    podpy_bb("run", "-d", "--name", "srv", "--network", "lan", "--ip", f"{base}.10", "busybox", "sh", "-c",
             HTTPD.format(driver))
    sandbox = json.loads(podpy_bb("inspect", "srv").stdout)[0]["NetworkSettings"]["SandboxKey"]
    link = subprocess.run(["nsenter", f"--net={sandbox}", "ip", "-d", "-o", "link", "show", "eth0"],
                          capture_output=True, text=True, check=True).stdout
    assert f" {driver} mode {mode if driver == 'ipvlan' else 'bridge'} " in link
    addrs = podpy_bb("exec", "srv", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth0").stdout
    assert f"inet {base}.10/24" in addrs
    assert _wget(podpy_bb, "lan", f"http://{base}.10:8080/index.html") == f"{driver}\n"  # container to container
    assert _wget(podpy_bb, "lan", f"http://{base}.200:8000/index.html") == "peer\n"  # out through the parent
    # Live connect and disconnect of a container on the default bridge.
    podpy_bb("run", "-d", "--name", "hub", "busybox", "sleep", "300")
    podpy_bb("network", "connect", "--ip", f"{base}.20", "lan", "hub")
    addrs = podpy_bb("exec", "hub", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth1").stdout
    assert f"inet {base}.20/24" in addrs
    got = podpy_bb("exec", "hub", "/bin/busybox", "wget", "-q", "-O-", f"http://{base}.200:8000/index.html").stdout
    assert got == "peer\n"
    podpy_bb("network", "disconnect", "lan", "hub")
    assert "eth1" not in podpy_bb("exec", "hub", "/bin/busybox", "ip", "-o", "link").stdout
    podpy_bb("rm", "-f", "-t", "0", "hub")
    podpy_bb("network", "rm", "-f", "lan")
    assert os.path.exists(f"/sys/class/net/{parent}")  # the parent stays
    bad = podpy_bb("network", "create", "-d", driver, "-o", "parent=nosuchlink0", "--subnet", "10.1.1.0/24", "x",
                   check=False)
    assert bad.returncode == 125 and "does not exist" in bad.stderr
    bad = podpy_bb("network", "create", "-d", "overlay", "y", check=False)
    assert bad.returncode == 125 and "unsupported driver" in bad.stderr


def test_connect_with_static_addresses(podpy_bb: Podpy) -> None:
    before = _links()
    first, _ = _network(podpy_bb, "one")
    v6 = _unique6()
    second, subnet2 = _network(podpy_bb, "two", "--subnet", v6)
    base2, base6 = subnet2.rsplit(".", 1)[0], v6.split("::")[0]
    podpy_bb("run", "-d", "--name", "hub", "--network", "one", "busybox", "sleep", "300")
    bad = podpy_bb("network", "connect", "--ip", "10.255.255.9", "two", "hub", check=False)
    assert bad.returncode == 125 and "not in any subnet" in bad.stderr
    podpy_bb("network", "connect", "--ip", f"{base2}.77", "--ip6", f"{base6}::77", "--mac-address",
             "92:d0:c6:0a:29:77", "--alias", "hub2", "two", "hub")
    out = podpy_bb("exec", "hub", "/bin/busybox", "ip", "addr", "show", "eth1").stdout
    assert f"inet {base2}.77/24" in out and f"inet6 {base6}::77/64" in out and "92:d0:c6:0a:29:77" in out
    net = json.loads(podpy_bb("inspect", "hub").stdout)[0]["NetworkSettings"]["Networks"]["two"]
    assert (net["IPAddress"], net["GlobalIPv6Address"], net["MacAddress"]) == \
        (f"{base2}.77", f"{base6}::77", "92:d0:c6:0a:29:77")
    podpy_bb("run", "-d", "--name", "other", "--network", "two", "busybox", "sleep", "300")
    taken = podpy_bb("network", "connect", "--ip", f"{base2}.77", "two", "other", check=False)
    assert taken.returncode != 0
    podpy_bb("network", "disconnect", "two", "hub")
    assert "eth1" not in podpy_bb("exec", "hub", "/bin/busybox", "ip", "-o", "link").stdout
    podpy_bb("network", "connect", "--ip", f"{base2}.78", "two", "hub")
    podpy_bb("stop", "-t", "0", "hub")
    podpy_bb("start", "hub")  # the static address is kept in the config
    out = podpy_bb("exec", "hub", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth1").stdout
    assert f"inet {base2}.78/24" in out
    podpy_bb("rm", "-f", "-t", "0", "hub", "other")
    assert _gone(podpy_bb, first, second) and _new_links(before) == set()


_UDP_SERVER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
print("ready", flush=True)
data, peer = s.recvfrom(100)
s.sendto(b"pong:" + data, peer)
"""


def test_published_udp_port_and_port_ranges(podpy_bb: Podpy) -> None:
    before = _links()
    _network(podpy_bb, "pubu")
    udp_port, tcp_port = random.randint(20000, 29999), random.randint(30000, 39998)
    podpy_bb("run", "-d", "--name", "udp", "--network", "pubu", "-p", f"127.0.0.1:{udp_port}:9999/udp", "-p",
             f"127.0.0.1:{tcp_port}-{tcp_port + 1}:8080-8081", "busybox", "sh", "-c",
             "mkdir /a /b && echo eighty > /a/index.html && echo eighty-one > /b/index.html && "
             "httpd -p 8080 -h /a && httpd -p 8081 -h /b && exec sleep 300")
    assert podpy_bb("port", "udp").stdout.splitlines() == [
        f"9999/udp -> 127.0.0.1:{udp_port}", f"8080/tcp -> 127.0.0.1:{tcp_port}",
        f"8081/tcp -> 127.0.0.1:{tcp_port + 1}"]
    assert _http_get(f"http://127.0.0.1:{tcp_port}/index.html") == "eighty\n"
    assert _http_get(f"http://127.0.0.1:{tcp_port + 1}/index.html") == "eighty-one\n"
    # The UDP server runs in the container's network namespace (busybox has no UDP listener).
    sandbox = json.loads(podpy_bb("inspect", "udp").stdout)[0]["NetworkSettings"]["SandboxKey"]
    server = subprocess.Popen(["nsenter", f"--net={sandbox}", "python3", "-c", _UDP_SERVER],
                              stdout=subprocess.PIPE, text=True, env=podpy_env())
    try:
        assert server.stdout is not None and server.stdout.readline() == "ready\n"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.settimeout(5)
            client.sendto(b"ping", ("127.0.0.1", udp_port))
            assert client.recvfrom(100)[0] == b"pong:ping"
        assert server.wait(timeout=5) == 0
    finally:
        server.kill()
        server.wait()
    podpy_bb("rm", "-f", "-t", "0", "udp")
    assert _gone(podpy_bb) and _new_links(before) == set()


def test_killed_setup_leaves_nothing_that_breaks_the_next_run(podpy_bb: Podpy) -> None:
    """kill -9 of `run` at points through its network setup; the next run works and rm leaves nothing."""
    before = _links()
    bridge, subnet = _network(podpy_bb, "killed")
    for i, delay in enumerate((0.15, 0.25, 0.35, 0.45, 0.6)):
        proc = subprocess.Popen([*podpy_bb.argv, "run", "-d", "--name", f"k{i}", "--network", "killed", "busybox",
                                 "sleep", "300"], env=podpy_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
    out = podpy_bb("run", "--rm", "--network", "killed", "busybox", "busybox", "ip", "-4", "-o", "addr", "show",
                   "eth0").stdout
    assert subnet.rsplit(".", 1)[0] + "." in out
    leftovers = podpy_bb("ps", "-aq").stdout.split()
    if leftovers:
        podpy_bb("rm", "-f", "-t", "0", *leftovers)
    # The kernel destroys the removed namespaces (and the veths in them) in the background, in batches.
    assert _gone(podpy_bb, bridge) and _new_links(before, wait=30) == set()
    netns_dir = os.path.join(podpy_bb.runroot, "netns")
    assert not os.path.isdir(netns_dir) or os.listdir(netns_dir) == []
