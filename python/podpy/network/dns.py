"""Name resolution between containers through aardvark-dns (Debian's package, as Podman uses it).

podpy writes aardvark's configuration itself (one file per network under the runroot: the gateways on the
first line, then `ID IPv4 IPv6 name,alias…` per container) and signals the daemon: SIGHUP reloads it,
and podpy stops it once no network is left. Its `run` daemonizes in ~10 ms, so a first start costs little.
"""

from __future__ import annotations

import os
import signal
import subprocess

from podpy.errors import PodpyError

CANDIDATES = ("/usr/libexec/podman/aardvark-dns", "/usr/lib/podman/aardvark-dns",
              "/usr/local/libexec/podman/aardvark-dns")
PID_FILE = "aardvark.pid"
SEARCH_DOMAIN = "dns.podman"


class DnsError(PodpyError):
    code = "dns"


def binary() -> str:
    import shutil

    found = next((p for p in CANDIDATES if os.access(p, os.X_OK)), None) or shutil.which("aardvark-dns")
    if not found:
        raise DnsError("aardvark-dns not found: install the aardvark-dns package (or create the network with "
                       "--disable-dns)")
    return found


def write_network(config_dir: str, network: str, gateways: list[str],
                  entries: list[tuple[str, str, str, list[str]]]) -> None:
    """The network's file (served on ``gateways``); ``entries``: (container ID, IPv4, IPv6, names); none: the
    file goes."""
    from podpy.util.atomic import atomic_write_text

    path = os.path.join(config_dir, network)
    if not entries:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    os.makedirs(config_dir, mode=0o700, exist_ok=True)
    lines = [",".join(gateways)] + [f"{cid} {ip} {ip6} {','.join(names)}" for cid, ip, ip6, names in entries]
    atomic_write_text(path, "\n".join(lines) + "\n", fsync=False)


def _running_pid(config_dir: str) -> int:
    try:
        with open(os.path.join(config_dir, PID_FILE)) as f:
            pid = int(f.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0
    if pid <= 0:
        return 0
    try:
        with open(f"/proc/{pid}/comm") as f:
            return pid if f.read().strip().startswith("aardvark") else 0
    except FileNotFoundError:
        return 0


def reload(config_dir: str) -> None:
    """Make the daemon serve the current files: SIGHUP it, or start it when some network needs it."""
    pid = _running_pid(config_dir)
    if not os.path.isdir(config_dir) or not [n for n in os.listdir(config_dir) if n != PID_FILE]:
        if pid:
            # Left to itself it exits some time after a reload finds nothing to serve; a start in between
            # would signal a daemon on its way out. It keeps no state: stop it now.
            os.kill(pid, signal.SIGKILL)
            try:
                os.unlink(os.path.join(config_dir, PID_FILE))
            except FileNotFoundError:
                pass
        return
    if pid:
        os.kill(pid, signal.SIGHUP)
        return
    proc = subprocess.run([binary(), "--config", config_dir, "-p", "53", "run"], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise DnsError(f"aardvark-dns: {proc.stderr.decode(errors='replace').strip()}")


def resolv_conf(gateway: str, host_text: str) -> str:
    """The container's resolv.conf: the network's resolver first, the host's search and options kept."""
    search = [SEARCH_DOMAIN]
    options: list[str] = []
    for line in host_text.splitlines():
        parts = line.split()
        if parts[:1] == ["search"]:
            search += parts[1:]
        elif parts[:1] == ["options"]:
            options += parts[1:]
    text = f"search {' '.join(search)}\nnameserver {gateway}\n"
    if options:
        text += f"options {' '.join(options)}\n"
    return text
