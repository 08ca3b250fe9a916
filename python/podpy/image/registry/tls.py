"""TLS settings per registry: system CAs, ``certs.d/HOST:PORT`` (``*.crt`` CAs, ``*.cert``/``*.key`` client
pairs, as containers-certs.d(5) describes), or no verification at all."""

from __future__ import annotations

import os
import ssl

from podpy.errors import ConfigError

SYSTEM_CERTS_D = ("/etc/containers/certs.d", "/etc/docker/certs.d")


def certs_dirs(host: str, cert_dir: str = "") -> list[str]:
    """The directories holding ``host``'s certificates; ``--cert-dir`` replaces the standard ones."""
    if cert_dir:
        return [cert_dir]
    dirs = []
    if os.geteuid() != 0:
        from podpy.util.paths import xdg_config_home

        dirs.append(os.path.join(xdg_config_home(), "containers", "certs.d", host))
    dirs += [os.path.join(base, host) for base in SYSTEM_CERTS_D]
    return dirs


def context(host: str, *, verify: bool, cert_dir: str = "") -> ssl.SSLContext:
    if not verify:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx = ssl.create_default_context()
    ctx.set_alpn_protocols(["http/1.1"])
    for directory in certs_dirs(host, cert_dir):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            try:
                if name.endswith(".crt") and verify:
                    ctx.load_verify_locations(cafile=path)
                elif name.endswith(".cert"):
                    key = path[:-len(".cert")] + ".key"
                    if not os.path.exists(key):
                        raise ConfigError(f"missing key {os.path.basename(key)} for client certificate {path}")
                    ctx.load_cert_chain(path, key)
                elif name.endswith(".key") and not os.path.exists(path[:-len(".key")] + ".cert"):
                    raise ConfigError(f"missing client certificate {name[:-len('.key')]}.cert for key {path}")
            except (ssl.SSLError, OSError) as e:
                raise ConfigError(f"loading {path}: {e}") from e
    return ctx
