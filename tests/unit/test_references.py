from __future__ import annotations

import pytest

from podpy.errors import UsageError
from podpy.image.references import docker_normalized, parse


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", "hello:latest"),
    ("localhost/hello", "localhost/hello:latest"),
    ("quay.io/a/b:1.0", "quay.io/a/b:1.0"),
    ("localhost:5000/x/y:tag", "localhost:5000/x/y:tag"),
    ("busybox@sha256:" + "a" * 64, "busybox@sha256:" + "a" * 64),
    ("a/b:t@sha256:" + "b" * 64, "a/b:t@sha256:" + "b" * 64),
])
def test_parse_round_trip(text: str, expected: str) -> None:
    assert str(parse(text)) == expected


def test_short_and_qualified() -> None:
    assert parse("hello").is_short
    assert parse("library/hello").is_short
    assert not parse("docker.io/library/hello").is_short
    assert str(docker_normalized(parse("alpine"))) == "docker.io/library/alpine:latest"


@pytest.mark.parametrize("bad", ["", "UPPER", "a b", "x@sha256:zz", "a:b:c:d", "-lead"])
def test_invalid(bad: str) -> None:
    with pytest.raises(UsageError):
        parse(bad)
