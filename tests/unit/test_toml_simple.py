"""The plain-TOML parser gives tomllib's result or declines (None): never a different answer."""

from __future__ import annotations

import glob
import tomllib

import pytest

from podpy.config.toml_simple import parse_simple

ACCEPTED = [
    "",
    "# only a comment\n",
    '[containers]\nlog_driver = "k8s-file"\n',
    "[engine]\nruntime = 'runc'  # trailing comment\nnum_locks = 2048\nactive = true\nx = false\n",
    '[containers]\ndefault_capabilities = [\n  "CHOWN",\n  "KILL", # why\n]\n',
    "[a.b]\nx = -3\n[a]\ny = +4\nz = 0\n",
    '[ spaced . table ]\nk = ""\nlist = []\none = ["x"]\n',
    "[t]\nk = 'C:\\path with \"quotes\"'\n",
    "top = 1\n[t]\nk=1\n",
    "a = true#comment\n",
    '[engine.runtimes]\nrunc = [\n  "/usr/bin/runc",\n  "/usr/sbin/runc",\n]\n',
    '"quoted" = 1\n',
    '[aliases]\n  # registries.conf.d/shortnames.conf\n  "fedora" = "registry.fedoraproject.org/fedora"\n'
    '  \'lit\' = "x"\n"a.b" = "dotted in quotes is one key"\n"a=b"="eq"\n',
]

DECLINED = [
    '[[registry]]\nlocation = "x"\n',
    'k = "tab\\tescape"\n',
    "k = 1.5\n",
    "k = 1_000\n",
    "k = 0x10\n",
    "k = 1979-05-27\n",
    "k = { a = 1 }\n",
    "a.b = 1\n",
    '"esc\\n" = 1\n',
    'k = """multi"""\n',
    "k = [1, 2]\n",
    "k = [[\"a\"]]\n",
]

INVALID = [
    "k = 007\n",
    "k = 1\nk = 2\n",
    "[t]\n[t]\n",
    "k = \n",
    "k = [\"a\" \"b\"]\n",
    "k = [,]\n",
    "[t\n",
    "k = \"open\n",
    "k = 1 2\n",
    "[t]\nx = 1\n[t.x]\n",
    "k = [\"a\",\n",
    'a = 1\n"a" = 2\n',
    '"a" "b" = 1\n',
    '"a" 1\n',
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_equals_tomllib(text: str) -> None:
    assert parse_simple(text) == tomllib.loads(text)


@pytest.mark.parametrize("text", DECLINED)
def test_declined_is_left_to_tomllib(text: str) -> None:
    assert parse_simple(text) is None
    tomllib.loads(text)  # valid TOML all the same


@pytest.mark.parametrize("text", INVALID)
def test_invalid_is_never_accepted(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert parse_simple(text) is None


SYSTEM_FILES = sorted(glob.glob("/usr/share/containers/*.conf") + glob.glob("/etc/containers/*.conf"))


@pytest.mark.parametrize("path", SYSTEM_FILES)
def test_system_files(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    result = parse_simple(text)
    assert result is None or result == tomllib.loads(text)
