"""Network commands and the bridge datapath: containers on podpy's own bridges, NAT, leases, cleanup.

Every address is inside bridges and namespaces the tests make; each test's networks get their own bridge
name and subnet, so that tests running beside each other (or podman's podman0) never meet.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root


def _links() -> set[str]:
    return set(os.listdir("/sys/class/net"))


def _new_links(before: set[str], wait: float = 5) -> set[str]:
    """Links made since ``before``; a removed namespace's veths go asynchronously, so wait a little."""
    deadline = time.monotonic() + wait
    while (left := _links() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _table(podpy: Podpy) -> str:
    return f"podpy_{zlib.crc32(podpy.root.encode()):08x}"


def _table_exists(podpy: Podpy) -> bool:
    return subprocess.run(["nft", "list", "table", "ip", _table(podpy)], capture_output=True).returncode == 0


def _gone(podpy: Podpy, *bridges: str) -> bool:
    """The bridges and the table are gone (a teardown's child deletes them just after the command returns)."""
    deadline = time.monotonic() + 5
    while _table_exists(podpy) or set(bridges) & _links():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _unique() -> tuple[str, str]:
    """A bridge name and a /24 nobody uses here."""
    taken = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True).stdout
    while True:
        subnet = f"10.{random.randint(150, 250)}.{random.randint(0, 255)}.0/24"
        if subnet.rsplit(".", 1)[0] + "." not in taken:
            return f"pt{random.randbytes(4).hex()}", subnet


def _unique6() -> str:
    """A random unique-local /64 (the host's own are elsewhere: collisions are 1 in 2**56)."""
    import ipaddress

    return str(ipaddress.IPv6Network((b"\xfd" + random.randbytes(7) + bytes(8), 64)))


def _network(podpy: Podpy, name: str, *extra: str) -> tuple[str, str]:
    bridge, subnet = _unique()
    podpy("network", "create", "--subnet", subnet, "-o", f"com.docker.network.bridge.name={bridge}", *extra, name)
    return bridge, subnet


def test_network_commands(podpy: Podpy) -> None:
    ls = podpy("network", "ls").stdout.splitlines()
    assert ls[0].split() == ["NETWORK", "ID", "NAME", "DRIVER"]
    assert ls[1].split() == ["2f259bab93aa", "podman", "bridge"]
    default = json.loads(podpy("network", "inspect", "podman").stdout)[0]
    assert default["id"] == "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
    assert default["network_interface"] == f"pd{zlib.crc32(podpy.root.encode()):08x}-0"  # a test store's own
    assert default["dns_enabled"] is False
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True).stdout
    prefix = default["subnets"][0]["subnet"].split("/")[0].rsplit(".", 1)[0]
    assert f" dev {default['network_interface']} " in routes or prefix + "." not in routes  # no clash

    bridge, subnet = _network(podpy, "front", "--label", "tier=web", "-o", "mtu=1400", "--gateway",
                              "", "--internal")
    data = json.loads(podpy("network", "inspect", "front").stdout)[0]
    assert data["name"] == "front" and data["driver"] == "bridge" and data["network_interface"] == bridge
    assert data["subnets"] == [{"subnet": subnet, "gateway": subnet.replace(".0/24", ".1")}]
    assert data["internal"] is True and data["dns_enabled"] is True and data["ipv6_enabled"] is False
    assert data["labels"] == {"tier": "web"} and data["options"]["mtu"] == "1400"
    assert data["ipam_options"] == {"driver": "host-local"}
    assert len(data["id"]) == 64 and data["created"].endswith("Z")

    dup = podpy("network", "create", "--subnet", subnet, "front", check=False)
    assert dup.returncode == 125 and "already exists" in dup.stderr
    assert podpy("network", "create", "--ignore", "front").stdout.strip() == "front"
    clash = podpy("network", "create", "--subnet", subnet, "other", check=False)
    assert clash.returncode == 125 and "already used" in clash.stderr
    ranged_bridge, ranged = _unique()
    base = ranged.rsplit(".", 1)[0]
    podpy("network", "create", "--subnet", ranged, "--gateway", f"{base}.254", "--ip-range", f"{base}.128/25",
          "-o", f"com.docker.network.bridge.name={ranged_bridge}", "ranged")
    sub = json.loads(podpy("network", "inspect", "ranged").stdout)[0]["subnets"][0]
    assert sub == {"subnet": ranged, "gateway": f"{base}.254",
                   "lease_range": {"start_ip": f"{base}.128", "end_ip": f"{base}.254"}}

    assert podpy("network", "ls", "-q", "--filter", "label=tier=web").stdout.split() == ["front"]
    assert podpy("network", "ls", "--format", "{{.Name}}", "--filter", "name=^ra").stdout.split() == ["ranged"]
    assert podpy("network", "ls", "--filter", "driver=bridge", "-q").stdout.split() == ["podman", "front", "ranged"]
    full = podpy("network", "ls", "--no-trunc", "--format", "{{.ID}}").stdout.split()
    assert all(len(i) == 64 for i in full)
    assert [n["name"] for n in json.loads(podpy("network", "ls", "--format", "json").stdout)] == \
        ["podman", "front", "ranged"]

    assert podpy("network", "exists", "front").returncode == 0
    assert podpy("network", "exists", "nothere", check=False).returncode == 1
    missing = podpy("network", "rm", "nothere", check=False)
    assert missing.returncode == 1 and "network not found" in missing.stderr
    refused = podpy("network", "rm", "podman", check=False)
    assert refused.returncode != 0 and "cannot be removed" in refused.stderr
    assert podpy("network", "rm", "ranged").stdout.strip() == "ranged"
    assert podpy("network", "prune", "-f").stdout.split() == ["front"]
    assert podpy("network", "ls", "-q").stdout.split() == ["podman"]


def test_rm_of_a_network_in_use(podpy_bb: Podpy) -> None:
    _network(podpy_bb, "busy")
    podpy_bb("create", "--name", "user", "--network", "busy", "busybox", "true")
    refused = podpy_bb("network", "rm", "busy", check=False)
    assert refused.returncode == 2 and "associated containers" in refused.stderr
    assert podpy_bb("network", "prune", "-f").stdout.strip() == ""
    assert podpy_bb("network", "rm", "-f", "busy").stdout.strip() == "busy"
    assert podpy_bb("ps", "-aq").stdout.strip() == ""
    missing = podpy_bb("create", "--network", "nowhere", "busybox", "true", check=False)
    assert missing.returncode == 125 and "network not found" in missing.stderr


@pytest.fixture
def server_ns() -> Iterator[tuple[str, str, str]]:
    """A namespace behind a bridge of its own, serving HTTP on port 8000 (no route back to podpy's subnets):
    its IPv4 address, IPv4 /24 prefix and IPv6 address."""
    bridge, subnet = _unique()
    base = subnet.rsplit(".", 1)[0]
    base6 = _unique6().split("::")[0]
    ns = f"podpytest{random.randbytes(3).hex()}"
    veth = f"pv{random.randbytes(4).hex()}"
    www = tempfile.mkdtemp(prefix="podpy-www-")
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("outside\n")
    cmds = [["ip", "netns", "add", ns], ["ip", "link", "add", bridge, "type", "bridge"],
            ["ip", "addr", "add", f"{base}.1/24", "dev", bridge], ["ip", "link", "set", bridge, "up"],
            ["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns],
            ["ip", "link", "set", veth, "master", bridge, "up"],
            ["ip", "-n", ns, "addr", "add", f"{base}.2/24", "dev", "eth0"],
            ["ip", "addr", "add", f"{base6}::1/64", "dev", bridge, "nodad"],
            ["ip", "-n", ns, "addr", "add", f"{base6}::2/64", "dev", "eth0", "nodad"],
            ["ip", "-n", ns, "link", "set", "eth0", "up"], ["ip", "-n", ns, "link", "set", "lo", "up"]]
    server = None
    try:
        for cmd in cmds:
            subprocess.run(cmd, check=True, capture_output=True)
        server = subprocess.Popen(["ip", "netns", "exec", ns, "busybox", "httpd", "-f", "-p", "8000", "-h", www])
        yield f"{base}.2", base, f"{base6}::2"
    finally:
        if server is not None:
            server.kill()
            server.wait()
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)
        subprocess.run(["ip", "link", "del", veth], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        import shutil

        shutil.rmtree(www, ignore_errors=True)


def test_containers_reach_each_other_and_out_through_nat(podpy_bb: Podpy, server_ns: tuple[str, str, str]
                                                         ) -> None:
    before = _links()
    bridge, subnet = _network(podpy_bb, "app")
    base = subnet.rsplit(".", 1)[0]
    web_ip = f"{base}.50"
    podpy_bb("run", "-d", "--name", "web", "--network", "app", "--ip", web_ip, "--mac-address",
             "92:d0:c6:0a:29:33", "busybox", "sh", "-c",
             "mkdir /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www")
    assert bridge in _links() and _table_exists(podpy_bb)
    addr = podpy_bb("exec", "web", "/bin/busybox", "ip", "addr", "show", "eth0").stdout
    assert f"inet {web_ip}/24" in addr and "92:d0:c6:0a:29:33" in addr
    inspected = json.loads(podpy_bb("inspect", "web").stdout)[0]
    settings = inspected["NetworkSettings"]
    assert settings["IPAddress"] == web_ip and settings["Gateway"] == f"{base}.1" and settings["IPPrefixLen"] == 24
    assert settings["Networks"]["app"]["MacAddress"] == "92:d0:c6:0a:29:33"
    assert inspected["HostConfig"]["NetworkMode"] == "bridge"
    hosts = podpy_bb("exec", "web", "/bin/busybox", "cat", "/etc/hosts").stdout
    assert f"{web_ip}\t" in hosts and " web" in hosts
    taken = podpy_bb("run", "--rm", "--network", "app", "--ip", web_ip, "busybox", "true", check=False)
    assert taken.returncode != 0 and "already allocated" in taken.stderr

    got = ""
    for _ in range(50):
        res = podpy_bb("run", "--rm", "--network", "app", "busybox", "busybox", "timeout", "5", "wget", "-q",
                       "-O-", f"http://{web_ip}:8080/index.html", check=False)
        got = res.stdout
        if res.returncode == 0:
            break
        time.sleep(0.1)
    assert got == "hello-from-web\n"

    server_ip = server_ns[0]
    out = podpy_bb("run", "--rm", "--network", "app", "busybox", "busybox", "timeout", "5", "wget", "-q",
                   "-O-", f"http://{server_ip}:8000/index.html").stdout
    assert out == "outside\n"

    podpy_bb("rm", "-f", "web")
    assert _gone(podpy_bb) and _new_links(before) == set()
    netns_dir = os.path.join(podpy_bb.runroot, "netns")
    assert not os.path.isdir(netns_dir) or os.listdir(netns_dir) == []


def test_internal_network_cannot_reach_out(podpy_bb: Podpy, server_ns: tuple[str, str, str]) -> None:
    _network(podpy_bb, "closed", "--internal")
    res = podpy_bb("run", "--rm", "--network", "closed", "busybox", "busybox", "timeout", "3", "wget", "-q",
                   "-O-", f"http://{server_ns[0]}:8000/index.html", check=False)
    assert res.returncode != 0


def test_parallel_runs_get_distinct_addresses(podpy_bb: Podpy) -> None:
    before = _links()
    _network(podpy_bb, "many")

    def run(i: int) -> str:
        return podpy_bb("run", "-d", "--name", f"c{i}", "--network", "many", "busybox", "sleep", "60").stdout

    def address(i: int) -> str:
        out = podpy_bb("exec", f"c{i}", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth0").stdout
        return out.split()[3]

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(run, range(20)))
        addrs = list(pool.map(address, range(20)))
    assert len(set(addrs)) == 20
    podpy_bb("rm", "-f", *[f"c{i}" for i in range(20)])
    assert _gone(podpy_bb) and _new_links(before) == set()


def test_stale_leases_are_reclaimed_and_stop_releases(podpy_bb: Podpy) -> None:
    bridge, subnet = _network(podpy_bb, "small")
    base = subnet.rsplit(".", 1)[0]
    podpy_bb("run", "-d", "--name", "a", "--network", "small", "busybox", "sleep", "60")
    ip_a = podpy_bb("exec", "a", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth0").stdout.split()[3]
    assert ip_a == f"{base}.2/24"
    podpy_bb("stop", "-t", "0", "a")
    assert _gone(podpy_bb, bridge)
    podpy_bb("run", "-d", "--name", "b", "--network", "small", "busybox", "sleep", "60")
    ip_b = podpy_bb("exec", "b", "/bin/busybox", "ip", "-4", "-o", "addr", "show", "eth0").stdout.split()[3]
    assert ip_b == f"{base}.2/24"
    podpy_bb("rm", "-f", "a", "b")
    assert _gone(podpy_bb, bridge)

    # A lease left by a container that vanished (a crash between start and cleanup) is taken back.
    import sqlite3

    with sqlite3.connect(os.path.join(podpy_bb.root, "podpy.db")) as db:
        db.execute("INSERT INTO net_leases(network, ip, container_id, mac) VALUES('small', ?, 'gone', '')",
                   (f"{base}.2",))
    out = podpy_bb("run", "--rm", "--network", "small", "busybox", "busybox", "ip", "-4", "-o", "addr", "show",
                   "eth0").stdout
    assert out.split()[3] == f"{base}.2/24"


def test_default_bridge_and_none(podpy_bb: Podpy) -> None:
    before = _links()
    out = podpy_bb("run", "--rm", "--network", "bridge", "busybox", "busybox", "ip", "-4", "-o", "addr").stdout
    subnet = json.loads(podpy_bb("network", "inspect", "podman").stdout)[0]["subnets"][0]["subnet"]
    assert subnet.rsplit(".", 1)[0] in out
    # Without --network: Podman's rootful default, the default network (containers.conf netns="private").
    out = podpy_bb("run", "--rm", "busybox", "busybox", "ip", "-4", "-o", "addr", "show", "eth0").stdout
    assert subnet.rsplit(".", 1)[0] in out
    podpy_bb("create", "--name", "dflt", "busybox", "true")
    host_config = json.loads(podpy_bb("inspect", "dflt").stdout)[0]["HostConfig"]
    assert host_config["NetworkMode"] == "bridge"
    podpy_bb("rm", "dflt")
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
        conf.write('[containers]\nnetns = "none"\n')
        conf.flush()
        from tests.support.podpy import podpy_env

        res = subprocess.run([*podpy_bb.argv, "run", "--rm", "busybox", "busybox", "ip", "-o", "link"],
                             env=dict(podpy_env(), CONTAINERS_CONF=conf.name), capture_output=True, text=True,
                             check=True)
        assert "eth0" not in res.stdout and "lo" in res.stdout
    out = podpy_bb("run", "--rm", "--network", "none", "busybox", "busybox", "ip", "-o", "link").stdout
    assert "eth0" not in out and "lo" in out
    bad = podpy_bb("run", "--rm", "--network", "none", "--ip", "10.1.2.3", "busybox", "true", check=False)
    assert bad.returncode == 125
    assert _new_links(before) == set()


def _http_get(url: str, wait: float = 5) -> str:
    import urllib.request

    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return str(resp.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_published_ports(podpy_bb: Podpy) -> None:
    before = _links()
    bridge, subnet = _network(podpy_bb, "pub")
    gateway = subnet.replace(".0/24", ".1")
    local, anywhere = random.randint(20000, 29999), random.randint(30000, 39999)
    podpy_bb("run", "-d", "--name", "pweb", "--network", "pub", "-p", f"127.0.0.1:{local}:8080", "-p",
             f"{anywhere}:8080", "-p", "9090/udp", "busybox", "sh", "-c",
             "mkdir /www && echo published > /www/index.html && exec httpd -f -p 8080 -h /www")
    lines = podpy_bb("port", "pweb").stdout.splitlines()
    assert lines[:2] == [f"8080/tcp -> 127.0.0.1:{local}", f"8080/tcp -> 0.0.0.0:{anywhere}"]
    assert lines[2].startswith("9090/udp -> 0.0.0.0:")
    assert podpy_bb("port", "pweb", "8080/tcp").stdout.splitlines() == [f"127.0.0.1:{local}", f"0.0.0.0:{anywhere}"]
    bindings = json.loads(podpy_bb("inspect", "pweb").stdout)[0]["HostConfig"]["PortBindings"]
    assert bindings["8080/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": str(local)},
                                    {"HostIp": "", "HostPort": str(anywhere)}]
    assert _http_get(f"http://127.0.0.1:{local}/index.html") == "published\n"
    assert _http_get(f"http://{gateway}:{anywhere}/index.html") == "published\n"
    assert _http_get(f"http://127.0.0.1:{anywhere}/index.html") == "published\n"
    # A firewall flush (only our own table here: the host's rules are not ours to flush), then reload.
    subprocess.run(["nft", "delete", "table", "ip", _table(podpy_bb)], check=True)
    with pytest.raises(OSError):
        _http_get(f"http://127.0.0.1:{local}/index.html")
    cid = podpy_bb("inspect", "--format", "{{.Id}}", "pweb").stdout.strip()
    assert podpy_bb("network", "reload", "pweb").stdout.strip() == cid
    assert _http_get(f"http://127.0.0.1:{local}/index.html") == "published\n"
    assert podpy_bb("network", "reload", "--all").stdout.strip() == cid
    podpy_bb("rm", "-f", "pweb")
    assert _gone(podpy_bb) and _new_links(before) == set()
    refused = podpy_bb("run", "--rm", "--network", "none", "-p", "80", "busybox", "true", check=False)
    assert refused.returncode == 125 and "bridge network" in refused.stderr


def test_containers_resolve_each_other_by_name(podpy_bb: Podpy) -> None:
    _, subnet = _network(podpy_bb, "named")
    gateway = subnet.replace(".0/24", ".1")
    podpy_bb("run", "-d", "--name", "srv", "--network", "named", "--network-alias", "web.alias", "busybox", "sh", "-c",
             "mkdir /www && echo by-name > /www/index.html && exec httpd -f -p 8080 -h /www")
    resolv = podpy_bb("exec", "srv", "/bin/busybox", "cat", "/etc/resolv.conf").stdout
    assert f"nameserver {gateway}" in resolv and "dns.podman" in resolv
    out = podpy_bb("run", "--rm", "--network", "named", "busybox", "sh", "-c",
                   "for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://srv:8080/index.html && break; sleep 0.2; "
                   "done").stdout
    assert out == "by-name\n"
    out = podpy_bb("run", "--rm", "--network", "named", "busybox", "busybox", "wget", "-q", "-O-",
                   "http://web.alias:8080/index.html").stdout
    assert out == "by-name\n"
    aliases = json.loads(podpy_bb("inspect", "srv").stdout)[0]["NetworkSettings"]["Networks"]["named"]["Aliases"]
    assert "web.alias" in aliases
    pid_file = os.path.join(podpy_bb.runroot, "aardvark", "aardvark.pid")
    with open(pid_file) as f:
        pid = int(f.read())
    podpy_bb("rm", "-f", "srv")
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}")  # the resolver stops with its last container
    # The default network has no DNS (as Podman's): the host's resolvers.
    resolv = podpy_bb("run", "--rm", "--network", "bridge", "busybox", "cat", "/etc/resolv.conf").stdout
    assert "dns.podman" not in resolv


def test_dns_flags_and_add_host(podpy_bb: Podpy) -> None:
    out = podpy_bb("run", "--rm", "--dns", "10.9.9.9", "--dns-search", "example.com", "--dns-option", "ndots:2",
                   "--add-host", "db:10.1.2.3", "busybox", "sh", "-c", "cat /etc/resolv.conf /etc/hosts").stdout
    assert "search example.com\nnameserver 10.9.9.9\noptions ndots:2\n" in out
    assert "10.1.2.3\tdb\n" in out
    bad = podpy_bb("run", "--rm", "--add-host", "nocolon", "busybox", "true", check=False)
    assert bad.returncode == 125 and "--add-host" in bad.stderr


def test_connect_and_disconnect_live(podpy_bb: Podpy) -> None:
    before = _links()
    first, _ = _network(podpy_bb, "one")
    second, subnet2 = _network(podpy_bb, "two")
    base2 = subnet2.rsplit(".", 1)[0]
    podpy_bb("run", "-d", "--name", "hub", "--network", "one", "busybox", "sleep", "60")
    podpy_bb("run", "-d", "--name", "peer", "--network", "two", "busybox", "sh", "-c",
             "mkdir /www && echo on-two > /www/index.html && exec httpd -f -p 8080 -h /www")
    peer_ip = json.loads(podpy_bb("inspect", "peer").stdout)[0]["NetworkSettings"]["IPAddress"]
    podpy_bb("network", "connect", "--alias", "hub2", "two", "hub")
    networks = json.loads(podpy_bb("inspect", "hub").stdout)[0]["NetworkSettings"]["Networks"]
    assert set(networks) == {"one", "two"} and networks["two"]["IPAddress"].startswith(base2 + ".")
    addrs = podpy_bb("exec", "hub", "/bin/busybox", "ip", "-4", "-o", "addr").stdout
    assert " eth1 " in addrs and networks["two"]["IPAddress"] in addrs
    got = podpy_bb("exec", "hub", "/bin/busybox", "wget", "-q", "-O-", f"http://{peer_ip}:8080/index.html").stdout
    assert got == "on-two\n"
    again = podpy_bb("network", "connect", "two", "hub", check=False)
    assert again.returncode == 125 and "already connected" in again.stderr
    podpy_bb("network", "disconnect", "two", "hub")
    assert " eth1 " not in podpy_bb("exec", "hub", "/bin/busybox", "ip", "-4", "-o", "addr").stdout
    assert set(json.loads(podpy_bb("inspect", "hub").stdout)[0]["NetworkSettings"]["Networks"]) == {"one"}
    podpy_bb("rm", "-f", "hub", "peer")
    assert _gone(podpy_bb, first, second) and _new_links(before) == set()


def test_publish_all_exposed_ports(podpy_bb: Podpy) -> None:
    import shutil

    from tests.support.images import busybox_layer, write_oci_layout

    base = tempfile.mkdtemp(prefix="podpy-img-")
    try:
        write_oci_layout(os.path.join(base, "exposed"), "localhost/exposed:latest", [busybox_layer()],
                         {"Cmd": ["sh"], "ExposedPorts": {"8080/tcp": {}, "9999/udp": {}}})
        podpy_bb("load", "-i", os.path.join(base, "exposed"))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    before = _links()
    _network(podpy_bb, "exp")
    podpy_bb("run", "-d", "--name", "exp", "--network", "exp", "-P", "exposed", "sh", "-c",
             "mkdir /www && echo exposed > /www/index.html && exec httpd -f -p 8080 -h /www")
    ports = json.loads(podpy_bb("inspect", "exp").stdout)[0]["NetworkSettings"]["Ports"]
    assert set(ports) == {"8080/tcp", "9999/udp"}
    assert int(ports["9999/udp"][0]["HostPort"]) > 0
    tcp_port = int(ports["8080/tcp"][0]["HostPort"])
    assert _http_get(f"http://127.0.0.1:{tcp_port}/index.html") == "exposed\n"
    podpy_bb("rm", "-f", "exp")
    assert _gone(podpy_bb) and _new_links(before) == set()
