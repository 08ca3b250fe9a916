"""Build the pieces of podpy that are not the extension module.

- ``podpy-monitor``: the per-container monitor binary, copied to ``python/podpy/libexec``;
- the embedded ``hello`` image: a tiny static program built from ``hello/hello.c``,
  packaged as an OCI image layout in ``python/podpy/images/hello``;
- the embedded pod infra image ``localhost/podpy-pause:<version>``: the static ``podpy-pause``
  binary (rust/podpy-pause) as an OCI image layout in ``python/podpy/images/pause``.

Called by the PEP 517 wrapper (``podpy_build``) before maturin packs the wheel, and
by ``scripts/dev-build`` for a development tree. Deterministic: the same sources
give the same image digest.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "python", "podpy")
HELLO_REF = "localhost/hello:latest"
PAUSE_IMAGE = "localhost/podpy-pause"


def _run(argv: list[str]) -> None:
    print("+", " ".join(argv), file=sys.stderr)
    subprocess.run(argv, check=True, cwd=ROOT)


def _oci_arch() -> str:
    machine = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def _host_triple() -> str:
    out = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("host:"))


def _static_binary(profile: str, crate: str) -> str:
    """Build a statically linked binary of the workspace (no shared libc pages) and return its path."""
    flag = ["--release"] if profile == "release" else []
    triple = _host_triple()
    env = dict(os.environ, RUSTFLAGS="-C target-feature=+crt-static")
    print(f"+ cargo build -p {crate} --target", triple, file=sys.stderr)
    subprocess.run(["cargo", "build", *flag, "-p", crate, "--target", triple], check=True, cwd=ROOT, env=env)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, triple, profile, crate)


def build_monitor(profile: str) -> None:
    """A statically linked monitor: one per container, so its resident memory counts."""
    libexec = os.path.join(PACKAGE, "libexec")
    os.makedirs(libexec, exist_ok=True)
    dest = os.path.join(libexec, "podpy-monitor")
    shutil.copy2(_static_binary(profile, "podpy-monitor"), dest + ".tmp")
    os.replace(dest + ".tmp", dest)


def copy_extension(profile: str) -> None:
    """Development only: maturin does this for wheels."""
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    dest = os.path.join(PACKAGE, "_native.abi3.so")
    shutil.copy2(os.path.join(target, profile, "lib_native.so"), dest + ".tmp")
    os.replace(dest + ".tmp", dest)


def _blob(layout: str, data: bytes) -> dict[str, object]:
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def _workspace_version() -> str:
    import tomllib

    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        return str(tomllib.load(f)["workspace"]["package"]["version"])


def build_hello_image() -> None:
    cc = os.environ.get("CC", "cc")
    work = os.path.join(ROOT, "target", "hello")
    os.makedirs(work, exist_ok=True)
    binary = os.path.join(work, "hello")
    _run([cc, "-Os", "-static", "-nostdlib", "-fno-stack-protector", "-fno-asynchronous-unwind-tables",
          "-Wl,--build-id=none", "-s", "-o", binary, os.path.join(ROOT, "hello", "hello.c")])
    with open(binary, "rb") as f:
        program = f.read()
    _write_one_file_image("hello", HELLO_REF, program, "podpy hello")


def build_pause_image(profile: str) -> None:
    with open(_static_binary(profile, "podpy-pause"), "rb") as f:
        program = f.read()
    _write_one_file_image("pause", f"{PAUSE_IMAGE}:{_workspace_version()}", program, "podpy pause",
                          file_name="podpy-pause")


def _write_one_file_image(layout_name: str, ref: str, program: bytes, title: str, *,
                          file_name: str = "") -> None:
    """A one-layer OCI image layout holding ``program`` as ``/<file_name>``, which is also its command."""
    file_name = file_name or layout_name
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(file_name)
        info.size, info.mode, info.mtime = len(program), 0o755, 0
        tar.addfile(info, io.BytesIO(program))
    layer_tar = tar_bytes.getvalue()
    layer_gz = gzip.compress(layer_tar, compresslevel=9, mtime=0)

    layout = os.path.join(PACKAGE, "images", layout_name)
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    created = "1970-01-01T00:00:00Z"
    config = {
        "created": created,
        "architecture": _oci_arch(),
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": [f"/{file_name}"],
            "Labels": {"org.opencontainers.image.title": title},
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer_tar).hexdigest()]},
        "history": [{"created": created, "created_by": f"podpy build: COPY {file_name} /{file_name}"}],
    }
    layer_desc = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **_blob(layout, layer_gz)}
    config_desc = {"mediaType": "application/vnd.oci.image.config.v1+json",
                   **_blob(layout, json.dumps(config, sort_keys=True).encode())}
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config_desc, "layers": [layer_desc]}
    manifest_desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                     **_blob(layout, json.dumps(manifest, sort_keys=True).encode()),
                     "annotations": {"org.opencontainers.image.ref.name": ref}}
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [manifest_desc]}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f, sort_keys=True)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="release")
    parser.add_argument("--with-extension", action="store_true",
                        help="also copy the cargo-built extension into the source tree")
    args = parser.parse_args()
    build_monitor(args.profile)
    build_hello_image()
    build_pause_image(args.profile)
    if args.with_extension:
        copy_extension(args.profile)


if __name__ == "__main__":
    main()
