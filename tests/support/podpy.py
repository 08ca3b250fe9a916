"""Running the real podpy CLI against a private store, and cleaning up after it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def podpy_argv() -> list[str]:
    return [sys.executable, "-m", "podpy"]


_EMPTY_CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "empty-containers.conf")


def podpy_env() -> dict[str, str]:
    """The system's containers.conf is hidden: podpy must work on this host without its help."""
    return dict(os.environ, CONTAINERS_CONF=_EMPTY_CONF)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class Podpy:
    """One isolated podpy installation: its own --root and --runroot under a temp dir."""

    def __init__(self, base: str) -> None:
        self.root = os.path.join(base, "root")
        self.runroot = os.path.join(base, "runroot")

    @property
    def argv(self) -> list[str]:
        return [*podpy_argv(), "--root", self.root, "--runroot", self.runroot]

    def __call__(self, *args: str, check: bool = True, timeout: float = 120, input: str | None = None) -> Result:
        proc = subprocess.run([*self.argv, *args], capture_output=True, text=True, timeout=timeout,
                              env=podpy_env(), input=input)
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"podpy {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return result

    def cleanup(self) -> None:
        """Remove every container, mount and runtime state this store made, even after a failure."""
        if os.path.isdir(self.root):
            try:
                out = self("ps", "-a", "-q", "--no-trunc", check=False, timeout=60).stdout.split()
                failed = [cid for cid in out if self("rm", "-f", cid, check=False, timeout=60).returncode]
                if failed:  # infra containers and containers others join go with their pods
                    self("pod", "rm", "-a", "-f", check=False, timeout=60)
                    for cid in failed:
                        self("rm", "-f", cid, check=False, timeout=60)
            except subprocess.TimeoutExpired:
                pass
        runtime_root = os.path.join(self.runroot, "runtime")
        if os.path.isdir(runtime_root):
            for cid in os.listdir(runtime_root):
                subprocess.run(["runc", "--root", runtime_root, "delete", "-f", cid], capture_output=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _mounts_under(self.root):
            for target in sorted(_mounts_under(self.root), reverse=True):
                subprocess.run(["umount", "-l", target], capture_output=True)
        shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)

    def json(self, *args: str) -> object:
        return json.loads(self(*args).stdout)


def _mounts_under(prefix: str) -> list[str]:
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            target = line.split()[4]
            if target.startswith(prefix + "/"):
                found.append(target)
    return found
