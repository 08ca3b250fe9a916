"""The small files every container gets: /etc/hosts, /etc/hostname, /etc/resolv.conf, /run/.containerenv."""

from __future__ import annotations

import os

from podpy.specgen.oci import HostFiles

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.state.records import ContainerConfig


def _host_resolv_conf(network_mode: str) -> str:
    try:
        with open("/etc/resolv.conf", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return ""
    if network_mode == "host":
        return text
    # A local resolver on the host's loopback is unreachable from a private network namespace.
    lines = [ln for ln in text.splitlines()
             if not (ln.split()[:1] == ["nameserver"] and ln.split()[1:2] and
                     (ln.split()[1].startswith("127.") or ln.split()[1] == "::1"))]
    return "\n".join(lines) + "\n"


def _resolv_conf(network_mode: str, dns_server: str, config: ContainerConfig | None) -> str:
    text = _host_resolv_conf(network_mode)
    if dns_server:
        from podpy.network.dns import resolv_conf

        text = resolv_conf(dns_server, text)
    if config is None or not (config.dns_servers or config.dns_search or config.dns_options):
        return text
    # --dns, --dns-search and --dns-option replace the matching lines (--dns-search=. clears the search list).
    kept = {"nameserver": [ln for ln in text.splitlines() if ln.startswith("nameserver")],
            "search": [ln for ln in text.splitlines() if ln.startswith("search")],
            "options": [ln for ln in text.splitlines() if ln.startswith("options")]}
    if config.dns_servers:
        kept["nameserver"] = [f"nameserver {s}" for s in config.dns_servers]
    if config.dns_search:
        kept["search"] = [] if config.dns_search == ["."] else [f"search {' '.join(config.dns_search)}"]
    if config.dns_options:
        kept["options"] = [f"options {' '.join(config.dns_options)}"]
    return "".join(line + "\n" for key in ("search", "nameserver", "options") for line in kept[key])


def write_etc_files(userdata: str, *, container_id: str, name: str, image: str, hostname: str,
                    network_mode: str, ip: str = "", gateway: str = "", dns_server: str = "",
                    config: ContainerConfig | None = None) -> HostFiles:
    """``ip``: the container's address on its (first) bridge network; ``gateway``: that network's gateway;
    ``dns_server``: the network's resolver (aardvark-dns on the gateway) when it has DNS."""
    files = HostFiles(hosts=os.path.join(userdata, "hosts"), hostname=os.path.join(userdata, "hostname"),
                      resolv_conf=os.path.join(userdata, "resolv.conf"),
                      containerenv=os.path.join(userdata, ".containerenv"))
    hosts = "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n"
    if ip:
        hosts += f"{ip}\t{hostname} {name}\n"
        if gateway:
            hosts += f"{gateway}\thost.containers.internal\n"
    elif network_mode != "host":
        hosts += f"127.0.1.1\t{hostname} {name}\n"
    for entry in config.add_hosts if config is not None else ():
        host, _, addr = entry.partition(":")
        hosts += f"{addr}\t{host}\n"
    contents = {
        files.hosts: hosts,
        files.hostname: hostname + "\n",
        files.resolv_conf: _resolv_conf(network_mode, dns_server, config),
        files.containerenv: (f'engine="podpy"\nname="{name}"\nid="{container_id}"\n'
                             f'image="{image}"\nimageid=""\nrootless=0\n'),
    }
    for path, text in contents.items():
        with open(path, "w") as f:
            f.write(text)
    return files
