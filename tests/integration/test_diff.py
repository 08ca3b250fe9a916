"""podpy diff / container diff / image diff: Podman's letters, order and JSON shape."""

from __future__ import annotations

import json

from tests.conftest import needs_root
from tests.support.podpy import Podpy

pytestmark = needs_root

SCRIPT = ("echo x > /etc/newf; rm /etc/group; mkdir -p /a/b; echo y > /a/b/c; echo z >> /etc/passwd; "
          "rm -rf /home; mkdir /home; touch /home/q")


def test_container_diff_text_and_json(podpy_bb: Podpy) -> None:
    podpy_bb("run", "--name", "c1", "localhost/busybox", "sh", "-c", SCRIPT)
    expected = ["A /a", "A /a/b", "A /a/b/c", "C /etc", "D /etc/group", "A /etc/newf", "C /etc/passwd",
                "D /home", "A /home/q"]
    assert podpy_bb("diff", "c1").stdout.splitlines() == expected
    assert podpy_bb("container", "diff", "c1").stdout.splitlines() == expected
    data = json.loads(podpy_bb("diff", "--format", "json", "c1").stdout)
    assert data == {"changed": ["/etc", "/etc/passwd"], "added": ["/a", "/a/b", "/a/b/c", "/etc/newf", "/home/q"],
                    "deleted": ["/etc/group", "/home"]}
    assert podpy_bb("diff", "--latest").stdout.splitlines() == expected


def test_image_diff_of_a_base_layer_lists_everything_added(podpy_bb: Podpy) -> None:
    lines = podpy_bb("image", "diff", "localhost/busybox").stdout.splitlines()
    assert "A /bin/busybox" in lines and "A /etc/passwd" in lines
    assert all(line.startswith("A ") for line in lines)
    assert podpy_bb("diff", "localhost/busybox").stdout.splitlines() == lines


def test_diff_of_unknown_name(podpy_bb: Podpy) -> None:
    result = podpy_bb("diff", "nothing-here", check=False)
    assert result.returncode == 125 and "nothing-here" in result.stderr
