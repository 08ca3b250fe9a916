from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from tests.support.images import build_busybox_layout
from tests.support.podpy import Podpy

CAN_RUN_CONTAINERS = os.geteuid() == 0 and shutil.which("runc") is not None and os.path.exists("/bin/busybox")
needs_root = pytest.mark.skipif(not CAN_RUN_CONTAINERS, reason="needs root, runc and busybox-static")


@pytest.fixture(scope="session")
def busybox_layout() -> Iterator[str]:
    base = tempfile.mkdtemp(prefix="podpy-img-")
    path = os.path.join(base, "busybox")
    build_busybox_layout(path)
    yield path
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def podpy() -> Iterator[Podpy]:
    base = tempfile.mkdtemp(prefix="podpy-test-", dir=os.environ.get("PODPY_TEST_TMP", "/var/tmp"))
    instance = Podpy(base)
    try:
        yield instance
    finally:
        instance.cleanup()


@pytest.fixture
def podpy_bb(podpy: Podpy, busybox_layout: str) -> Podpy:
    """A store with the busybox test image loaded."""
    podpy("load", "-i", busybox_layout)
    return podpy
