"""Reading TOML config files into typed values, with errors that name the file and the key.

Parsed TOML is dynamic; it stays inside TomlTable, whose getters check each
value's type so that only typed values reach the config dataclasses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from podpy.config.toml_simple import parse_simple
from podpy.errors import ConfigError

_POSITION = r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$"
_TYPE_NAMES: dict[type, str] = {str: "a string", bool: "a boolean", int: "an integer", float: "a float",
                                list: "an array", dict: "a table"}


def _type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return "a date/time"


def _describe(value: object) -> str:
    if isinstance(value, (str, int, float)):
        return f"{_type_name(value)} ({value!r})"
    return _type_name(value)


class TomlTable:
    """One table of one file; getters return None for an absent key and raise ConfigError for a wrong type."""

    def __init__(self, data: dict[str, object], path: str, prefix: str = "") -> None:
        self._data = data
        self.path = path
        self.prefix = prefix

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"reading {self.path}: {self.prefix}{key}: {problem}")

    def _wrong(self, key: str, expected: str, value: object) -> ConfigError:
        return self.error(key, f"expected {expected}, got {_describe(value)}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get_str(self, key: str) -> str | None:
        value = self._data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(key, "a string", value)

    def get_int(self, key: str) -> int | None:
        value = self._data.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._wrong(key, "an integer", value)

    def get_bool(self, key: str) -> bool | None:
        value = self._data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, "a boolean", value)

    def str_list(self, key: str) -> tuple[str, ...] | None:
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._wrong(key, "an array of strings", value)
        for item in value:
            if not isinstance(item, str):
                raise self._wrong(key, "an array of strings", item)
        return tuple(value)

    def table(self, key: str) -> TomlTable | None:
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._wrong(key, "a table", value)
        return TomlTable(value, self.path, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[TomlTable] | None:
        """An array of tables (``[[key]]``)."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._wrong(key, "an array of tables", value)
        out: list[TomlTable] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self._wrong(key, "an array of tables", item)
            out.append(TomlTable(item, self.path, f"{self.prefix}{key}[{index}]."))
        return out

    def str_map(self, key: str) -> dict[str, str] | None:
        sub = self.table(key)
        if sub is None:
            return None
        out: dict[str, str] = {}
        for name in sub:
            value = sub.get_str(name)
            assert value is not None
            out[name] = value
        return out


def _decode_error(path: str, exc: Exception) -> ConfigError:
    text = str(exc)
    import re

    match = re.match(_POSITION, text)
    if match:
        msg = match["msg"]
        return ConfigError(f"reading {path}: line {match['line']}: {msg[:1].lower()}{msg[1:]} "
                           f"(column {match['col']})")
    text = text.replace(" (at end of document)", "")
    return ConfigError(f"reading {path}: end of file: {text[:1].lower()}{text[1:]}")


def _without_comment_lines(text: str) -> str:
    """Blank out whole-line comments before parsing: the distributions' containers.conf is ~24 KB of
    comments around a few keys, and tomllib walks comments character by character. Lines are kept
    (empty) so that error positions still match; files with multi-line strings are left alone."""
    if '"""' in text or "'''" in text:
        return text
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))


def read_toml(path: str, *, required: bool = False) -> TomlTable | None:
    """Parse one file; a missing optional file is None, any other failure a ConfigError naming it."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"reading {path}: no such file or directory") from None
        return None
    except OSError as exc:
        raise ConfigError(f"reading {path}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        text = _without_comment_lines(raw.decode())
    except UnicodeDecodeError as exc:
        raise ConfigError(f"reading {path}: not valid UTF-8 at byte {exc.start}") from None
    data = parse_simple(text)
    if data is None:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _decode_error(path, exc) from None
    return TomlTable(data, path)


def conf_dir_files(directory: str) -> list[str]:
    """The ``*.conf`` files of a drop-in directory in lexical order (a missing directory has none)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(f"reading {directory}: {(exc.strerror or str(exc)).lower()}") from None
    return [os.path.join(directory, name) for name in sorted(names) if name.endswith(".conf")]
