"""Pure parts of networking: -p parsing, address arithmetic, the nftables script."""

from __future__ import annotations

import ipaddress

import pytest

from podpy.engine.local.runspec import parse_publish
from podpy.errors import UsageError
from podpy.network import ipam, nft
from podpy.network.records import Network, PortRule, Subnet


def test_parse_publish() -> None:
    assert parse_publish("80") == [{"host_ip": "", "host_port": 0, "container_port": 80, "protocol": "tcp"}]
    assert parse_publish("8080:80/udp") == [{"host_ip": "", "host_port": 8080, "container_port": 80,
                                             "protocol": "udp"}]
    assert parse_publish("127.0.0.1:8000-8001:80-81") == [
        {"host_ip": "127.0.0.1", "host_port": 8000, "container_port": 80, "protocol": "tcp"},
        {"host_ip": "127.0.0.1", "host_port": 8001, "container_port": 81, "protocol": "tcp"}]
    assert parse_publish("127.0.0.1::80")[0]["host_port"] == 0
    for bad in ("80/sctp", "1-3:80-81", "a:b:c:d", "70000", "x.y:1:2", "0"):
        with pytest.raises(UsageError):
            parse_publish(bad)


def test_addresses() -> None:
    sub = ipam.make_subnet("10.5.0.0/24")
    assert sub.gateway == "10.5.0.1"
    assert ipam.next_address(sub, []) == "10.5.0.2"
    assert ipam.next_address(sub, ["10.5.0.2", "10.5.0.3"]) == "10.5.0.4"
    ranged = ipam.make_subnet("10.5.0.0/24", "10.5.0.254", "10.5.0.128/25")
    assert (ranged.range_start, ranged.range_end) == ("10.5.0.128", "10.5.0.254")
    assert ipam.next_address(ranged, []) == "10.5.0.128"
    full = ipam.make_subnet("10.5.0.0/30")
    assert ipam.next_address(full, ["10.5.0.2"]) is None
    with pytest.raises(UsageError):
        ipam.make_subnet("10.5.0.0/24", "10.6.0.1")
    with pytest.raises(UsageError):
        ipam.check_static(sub, "10.5.0.1")  # the gateway
    assert ipam.check_mac("92:D0:C6:0A:29:33") == "92:d0:c6:0a:29:33"
    with pytest.raises(UsageError):
        ipam.check_mac("01:00:00:00:00:00")
    assert int(ipam.random_mac().split(":")[0], 16) & 3 == 2


def test_free_subnet_avoids_taken_networks() -> None:
    taken = [ipaddress.IPv4Network("10.88.0.0/16"), ipaddress.IPv4Network("10.89.0.0/24")]
    assert ipam.free_subnet("10.88.0.0/16", taken) == "10.89.1.0/24"
    assert ipam.free_subnet("10.77.0.0/16", taken) == "10.77.0.0/16"
    assert ipam.free_subnet("", taken, start=5) == "10.89.5.0/24"
    assert ipam.free_subnet("", taken, start=256) == "10.89.1.0/24"  # wraps around


def test_ruleset() -> None:
    net = Network(name="n", id="x", driver="bridge", interface="podpy3", created="",
                  subnets=[Subnet("10.5.0.0/24", "10.5.0.1")])
    closed = Network(name="c", id="y", driver="bridge", interface="podpy4", created="",
                     subnets=[Subnet("10.6.0.0/24", "10.6.0.1")], internal=True)
    script = nft.ruleset("t", [net, closed], [PortRule("127.0.0.1", 8080, "10.5.0.2", 80, "tcp"),
                                              PortRule("", 53, "10.5.0.2", 53, "udp")])
    assert script.startswith("table ip t {}\ndelete table ip t\ntable ip6 t {}\ndelete table ip6 t\n")
    assert "table ip6 t {\n" not in script  # no IPv6 network: no IPv6 table
    assert "ip saddr 10.5.0.0/24 ip daddr != 10.5.0.0/24 masquerade" in script
    assert "10.6.0.0/24 ip daddr != 10.6.0.0/24 masquerade" not in script
    assert 'iifname "podpy4" oifname != "podpy4" drop' in script
    assert "ip daddr 127.0.0.1 tcp dport 8080 dnat to 10.5.0.2:80" in script
    assert "    udp dport 53 dnat to 10.5.0.2:53" in script
    assert nft.ruleset("t", []) == "table ip t {}\ndelete table ip t\ntable ip6 t {}\ndelete table ip6 t\n"


def test_ipv6_addresses_and_ruleset() -> None:
    sub = ipam.make_subnet("fd12:3456:789a::/64")
    assert sub.gateway == "fd12:3456:789a::1" and ipam.is_ipv6(sub) and ipam.prefix_len(sub) == 64
    assert ipam.next_address(sub, ["fd12:3456:789a::2"]) == "fd12:3456:789a::3"
    assert ipam.check_static(sub, "fd12:3456:789a::10") == "fd12:3456:789a::10"
    with pytest.raises(UsageError):
        ipam.check_static(sub, "10.0.0.2")
    with pytest.raises(UsageError):
        ipam.make_subnet("fd12:3456:789a::/64", "10.0.0.1")
    taken = [ipaddress.IPv6Network("fd00::/64"), ipaddress.IPv4Network("10.0.0.0/8")]
    free = ipaddress.IPv6Network(ipam.free_ipv6_subnet(taken))
    assert free.prefixlen == 64 and free.subnet_of(ipaddress.IPv6Network("fd00::/8"))
    assert ipam.overlaps(ipaddress.IPv6Network("fd00::/48"), taken)
    assert not ipam.overlaps(ipaddress.IPv4Network("11.0.0.0/8"), taken)
    dual = Network(name="d", id="z", driver="bridge", interface="podpy5", created="",
                   subnets=[Subnet("10.7.0.0/24", "10.7.0.1"), sub])
    script = nft.ruleset("t", [dual], [PortRule("", 8080, "10.7.0.2", 80, "tcp", "fd12:3456:789a::2"),
                                       PortRule("127.0.0.1", 8081, "10.7.0.2", 81, "tcp", "fd12:3456:789a::2")])
    v6 = script[script.index("table ip6 t {\n"):]
    assert "ip6 saddr fd12:3456:789a::/64 ip6 daddr != fd12:3456:789a::/64 masquerade" in v6
    assert "tcp dport 8080 dnat to [fd12:3456:789a::2]:80" in v6 and "8081" not in v6
    assert "10.7.0.0/24" not in v6
