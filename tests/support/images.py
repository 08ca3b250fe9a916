"""Test images built locally as OCI layouts from Debian's busybox-static (there is no registry to pull from)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import platform
import tarfile

BUSYBOX = "/bin/busybox"
APPLETS = ("sh", "echo", "true", "false", "sleep", "cat", "ls", "id", "env", "pwd", "hostname", "mkdir",
           "rm", "touch", "test", "printf", "kill", "ps", "head", "wc", "stat", "readlink", "mount", "seq")


def _arch() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    tar.addfile(info, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, 0
    tar.addfile(info)


def busybox_layer() -> bytes:
    with open(BUSYBOX, "rb") as f:
        program = f.read()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "etc", "tmp", "root", "home", "var", "proc", "sys", "dev"):
            _add_dir(tar, d, 0o1777 if d == "tmp" else 0o755)
        _add_file(tar, "bin/busybox", program, 0o755)
        for applet in APPLETS:
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type, info.linkname, info.mode, info.mtime = tarfile.SYMTYPE, "busybox", 0o777, 0
            tar.addfile(info)
        _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/sh\n"
                  b"tester:x:1000:1000:tester:/home:/bin/sh\n")
        _add_file(tar, "etc/group", b"root:x:0:\nnogroup:x:65534:\ntester:x:1000:\nextra:x:2000:tester\n")
        _add_file(tar, "bin/notexec", b"#!/bin/sh\necho never\n", 0o644)
    return buf.getvalue()


def write_oci_layout(dest: str, ref_name: str, layers: list[bytes], config_extra: dict[str, object]) -> str:
    """Write an OCI layout with gzip layers; returns the manifest digest."""
    blobs = os.path.join(dest, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def blob(data: bytes) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}

    layer_descs = []
    diff_ids = []
    for layer in layers:
        diff_ids.append("sha256:" + hashlib.sha256(layer).hexdigest())
        layer_descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            **blob(gzip.compress(layer, mtime=0))})
    config = {"created": "2026-01-01T00:00:00Z", "architecture": _arch(), "os": "linux",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                         **config_extra},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           **blob(json.dumps(config).encode())},
                "layers": layer_descs}
    mdesc = blob(json.dumps(manifest).encode())
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", **mdesc,
         "annotations": {"org.opencontainers.image.ref.name": ref_name}}]}
    with open(os.path.join(dest, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(dest, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    return str(mdesc["digest"])


def build_busybox_layout(dest: str, ref_name: str = "localhost/busybox:latest") -> str:
    return write_oci_layout(dest, ref_name, [busybox_layer()], {"Cmd": ["sh"]})
